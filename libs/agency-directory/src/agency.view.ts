import { ApiProperty } from '@nestjs/swagger';
import { Agency } from './agency.entity';

export class AgencyView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() description: string;
  @ApiProperty() stakeholderType: string;
  @ApiProperty() region: string;
}

export function toAgencyView(a: Agency): AgencyView {
  return { id: a.id, name: a.name, description: a.description, stakeholderType: a.stakeholderType, region: a.region };
}
