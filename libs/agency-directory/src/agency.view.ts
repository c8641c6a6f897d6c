import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Agency } from './agency.entity';

export class AgencyView {
  @ApiProperty() id: string;
  @ApiProperty({ description: 'The organization id in the HSDS API' }) hsdsId: string;
  @ApiProperty() name: string;
  @ApiProperty() description: string;
  @ApiProperty() stakeholderType: string;
  @ApiProperty() region: string;
  @ApiPropertyOptional({ nullable: true, type: String }) email: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) website: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) legalStatus: string | null;
}

export function toAgencyView(a: Agency): AgencyView {
  return {
    id: a.id,
    hsdsId: a.hsdsId,
    name: a.name,
    description: a.description,
    stakeholderType: a.stakeholderType,
    region: a.region,
    email: a.email,
    website: a.website,
    legalStatus: a.legalStatus,
  };
}
