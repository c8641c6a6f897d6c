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
  };
}
