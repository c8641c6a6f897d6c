import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Referral } from './referral.entity';

export class ReferralView {
  @ApiProperty() id: string;
  @ApiProperty() clientId: string;
  @ApiProperty() fromAgencyId: string;
  @ApiProperty() toAgencyId: string;
  @ApiProperty() domain: string;
  @ApiPropertyOptional({ nullable: true, type: String }) serviceId: string | null;
  @ApiProperty() status: string;
  @ApiProperty() requestedAt: string;
  @ApiProperty({ description: 'The receiving agency answers by then, or the referral expires (UA-8)' }) respondBy: string;
  @ApiProperty() waitlisted: boolean;
  @ApiProperty() handsOverLead: boolean;
  @ApiPropertyOptional({ nullable: true, type: String }) agreementVersion: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'The structured reason of a rejection or closure' }) reason: string | null;
  @ApiProperty() updatedAt: string;
}

export function toView(r: Referral): ReferralView {
  return {
    id: r.id,
    clientId: r.clientId,
    fromAgencyId: r.fromAgencyId,
    toAgencyId: r.toAgencyId,
    domain: r.domain,
    serviceId: r.serviceId,
    status: r.status,
    requestedAt: r.requestedAt.toISOString(),
    respondBy: r.respondBy.toISOString(),
    waitlisted: r.waitlisted,
    handsOverLead: r.handsOverLead,
    agreementVersion: r.agreementVersion,
    reason: r.reasonCode,
    updatedAt: r.updatedAt.toISOString(),
  };
}
