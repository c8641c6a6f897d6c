import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AGE_BANDS, CONSENT_EVIDENCE, CONSENT_PURPOSES, CONSENT_WITHDRAWAL_REASONS, DOMAINS_OF_SUPPORT } from '@umbrella/contracts';
import { ClientRecord } from './client.store';

const DAY_MS = 24 * 3600 * 1000;

/** Continuity: who the key worker is, and for how long the client has had them. */
export class KeyWorkerView {
  @ApiProperty() userId: string;
  @ApiProperty({ description: 'The lead agency: the key worker’s agency (UA-3)' }) agencyId: string;
  @ApiProperty() since: string;
  @ApiProperty({ description: 'Whole days with the same key worker' }) daysWithKeyWorker: number;
}

export class ClientSummaryView {
  @ApiProperty({ example: 'c-4f1c2a9be07d3a61', description: 'The pseudonymous id' }) id: string;
  @ApiProperty({ enum: AGE_BANDS }) ageBand: string;
  @ApiProperty() under25: boolean;
  @ApiProperty({ example: 'NB', description: 'Postcode area' }) region: string;
  @ApiProperty() registeredByAgencyId: string;
  @ApiProperty() registeredAt: string;
  @ApiProperty() leadAgencyId: string;
  @ApiProperty({ type: KeyWorkerView, nullable: true, description: 'None from a handover of the lead until the new lead names its key worker' }) keyWorker: KeyWorkerView | null;
  @ApiProperty({ nullable: true, type: String }) erasedAt: string | null;
}

export function toClientSummary(c: ClientRecord, now = new Date()): ClientSummaryView {
  return {
    id: c.clientId,
    ageBand: c.ageBand,
    under25: c.under25,
    region: c.region,
    registeredByAgencyId: c.registeredByAgencyId,
    registeredAt: c.registeredAt.toISOString(),
    leadAgencyId: c.leadAgencyId,
    keyWorker:
      c.keyWorkerId && c.keyWorkerSince
        ? {
            userId: c.keyWorkerId,
            agencyId: c.leadAgencyId,
            since: c.keyWorkerSince.toISOString(),
            daysWithKeyWorker: Math.max(0, Math.floor((now.getTime() - c.keyWorkerSince.getTime()) / DAY_MS)),
          }
        : null,
    erasedAt: c.erasedAt?.toISOString() ?? null,
  };
}

export class ConsentView {
  @ApiProperty() id: string;
  @ApiProperty() clientId: string;
  @ApiPropertyOptional({ nullable: true, type: String }) agencyId: string | null;
  @ApiPropertyOptional({ nullable: true, enum: DOMAINS_OF_SUPPORT }) domain: string | null;
  @ApiProperty({ enum: CONSENT_PURPOSES }) purpose: string;
  @ApiProperty({ enum: CONSENT_EVIDENCE }) evidence: string;
  @ApiProperty() givenAt: string;
  @ApiProperty({ description: 'Evidence: the agency and user who recorded it' }) recordedByAgencyId: string;
  @ApiProperty() recordedBy: string;
  @ApiProperty({ nullable: true, type: String }) withdrawnAt: string | null;
  @ApiProperty({ nullable: true, enum: CONSENT_WITHDRAWAL_REASONS }) withdrawalReason: string | null;
  @ApiProperty({ nullable: true, enum: CONSENT_EVIDENCE }) withdrawalEvidence: string | null;
  @ApiProperty({ nullable: true, type: String }) withdrawnBy: string | null;
}

export interface ConsentRow {
  consent_id: string;
  client_id: string;
  agency_id: string | null;
  domain: string | null;
  purpose: string;
  evidence: string;
  given_at: Date;
  recorded_by_agency_id: string;
  recorded_by: string;
  withdrawn_at: Date | null;
  withdrawal_reason: string | null;
  withdrawal_evidence: string | null;
  withdrawn_by: string | null;
}

export function toConsentView(r: ConsentRow): ConsentView {
  return {
    id: r.consent_id,
    clientId: r.client_id,
    agencyId: r.agency_id,
    domain: r.domain,
    purpose: r.purpose,
    evidence: r.evidence,
    givenAt: r.given_at.toISOString(),
    recordedByAgencyId: r.recorded_by_agency_id,
    recordedBy: r.recorded_by,
    withdrawnAt: r.withdrawn_at?.toISOString() ?? null,
    withdrawalReason: r.withdrawal_reason,
    withdrawalEvidence: r.withdrawal_evidence,
    withdrawnBy: r.withdrawn_by,
  };
}
