import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CONSENT_EVIDENCE, CONSENT_PURPOSES, ConsentEvidence, ConsentPurpose, DOMAINS_OF_SUPPORT, DomainOfSupport, IsConsentScope } from '@umbrella/contracts';
import { IsIn, ValidateIf } from 'class-validator';

/** The client's consent to share with one agency or with any agency in one domain of support, for a purpose. */
export class GiveConsentRequestDto {
  @ApiPropertyOptional({ example: 'harbour-skills-college', description: 'The agency the client agrees to share with (or give domain)' })
  @IsConsentScope()
  agencyId?: string;

  @ApiPropertyOptional({ enum: DOMAINS_OF_SUPPORT, description: 'Any agency working with the client in this domain (or give agencyId)' })
  @ValidateIf((o: GiveConsentRequestDto) => o.domain !== undefined)
  @IsIn(DOMAINS_OF_SUPPORT)
  domain?: DomainOfSupport;

  @ApiProperty({ enum: CONSENT_PURPOSES })
  @IsIn(CONSENT_PURPOSES)
  purpose: ConsentPurpose;

  @ApiProperty({ enum: CONSENT_EVIDENCE, description: 'How the client gave it; you (the caseworker recording it) are recorded as well' })
  @IsIn(CONSENT_EVIDENCE)
  evidence: ConsentEvidence;
}
