import { ApiProperty } from '@nestjs/swagger';
import { EntityManager } from 'typeorm';

export class CaseView {
  @ApiProperty() clientId: string;
  @ApiProperty({ nullable: true, type: String }) leadAgencyId: string | null;
  @ApiProperty({ nullable: true, type: String }) leadSince: string | null;
  @ApiProperty({ type: [Object] }) claims: { agencyId: string; domain: string; exclusive: boolean; since: string; referralId: string | null }[];
}

/** `db` is a command's transaction when the case is the answer to what it just changed. */
export async function caseOf(db: EntityManager, clientId: string): Promise<CaseView> {
  const [lead] = await db.query('SELECT agency_id, since FROM client_lead WHERE client_id = $1', [clientId]);
  const claims = await db.query('SELECT agency_id, domain, exclusive, granted_at, referral_id FROM claim WHERE client_id = $1 AND released_at IS NULL ORDER BY granted_at', [clientId]);
  return {
    clientId,
    leadAgencyId: lead?.agency_id ?? null,
    leadSince: lead ? (lead.since as Date).toISOString() : null,
    claims: claims.map((c: Record<string, unknown>) => ({
      agencyId: c.agency_id as string,
      domain: c.domain as string,
      exclusive: c.exclusive as boolean,
      since: (c.granted_at as Date).toISOString(),
      referralId: c.referral_id as string | null,
    })),
  };
}
