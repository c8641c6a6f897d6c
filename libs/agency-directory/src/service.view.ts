import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ServiceRecord } from './service.store';

export class CapacityView {
  @ApiProperty() available: number;
  @ApiPropertyOptional({ nullable: true, type: Number }) maximum: number | null;
  @ApiProperty() waitlistAllowed: boolean;
  @ApiProperty() hasCapacity: boolean;
  @ApiProperty() updatedAt: string;
}

export class NeedView {
  @ApiProperty() code: string;
  @ApiProperty() name: string;
}

export class ServiceView {
  @ApiProperty() id: string;
  @ApiProperty() agencyId: string;
  @ApiProperty() agencyName: string;
  @ApiProperty() region: string;
  @ApiProperty() name: string;
  @ApiProperty() description: string;
  @ApiProperty() status: string;
  @ApiProperty() domain: string;
  @ApiProperty({ type: [NeedView] }) needs: NeedView[];
  @ApiProperty({ type: [String] }) targetGroups: string[];
  @ApiPropertyOptional({ nullable: true, type: Number }) minimumAge: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) maximumAge: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) eligibilityDescription: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) applicationProcess: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) feesDescription: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) url: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) email: string | null;
  @ApiProperty({ type: [String] }) serviceAreas: string[];
  @ApiProperty({ type: [Object] }) locations: object[];
  @ApiProperty({ type: [Object] }) contacts: object[];
  @ApiProperty({ type: CapacityView }) capacity: CapacityView;
}

export function toServiceView(s: ServiceRecord): ServiceView {
  return {
    id: s.id,
    agencyId: s.agencyId,
    agencyName: s.agencyName,
    region: s.region,
    name: s.name,
    description: s.description,
    status: s.status,
    domain: s.domain,
    needs: s.needs.map((n) => ({ code: n.code, name: n.name })),
    targetGroups: s.targetGroups,
    minimumAge: s.minimumAge,
    maximumAge: s.maximumAge,
    eligibilityDescription: s.eligibilityDescription,
    applicationProcess: s.applicationProcess,
    feesDescription: s.feesDescription,
    url: s.url,
    email: s.email,
    serviceAreas: s.serviceAreas.map((a) => a.name),
    locations: s.locations.map(({ serviceAtLocationId: _sal, ...l }) => l),
    contacts: s.contacts,
    capacity: {
      available: s.capacity?.available ?? 0,
      maximum: s.capacity?.maximum ?? null,
      waitlistAllowed: s.capacity?.waitlistAllowed ?? false,
      hasCapacity: (s.capacity?.available ?? 0) > 0,
      updatedAt: (s.capacity?.updated ?? s.updatedAt).toISOString(),
    },
  };
}
