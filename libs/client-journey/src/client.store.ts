import { ClientAction } from '@umbrella/agreement';
import { AgeBand } from '@umbrella/contracts';
import { Principal } from '@umbrella/platform';
import { EntityManager } from 'typeorm';
import { ClientAccess } from './access/client.access-policy';
import { ClientErrors } from './client.errors';
import { PersonalData, PersonalDataProtector } from './personal-data/personal-data.protector';

/** A client as client-journey keeps it, without personal data. */
export interface ClientRecord {
  readonly clientId: string;
  readonly ageBand: AgeBand;
  readonly under25: boolean;
  readonly region: string;
  readonly registeredByAgencyId: string;
  readonly registeredAt: Date;
  readonly leadAgencyId: string;
  /** None between a handover of the lead and the new lead naming its key worker. */
  readonly keyWorkerId: string | null;
  readonly keyWorkerAssignmentId: string | null;
  readonly keyWorkerSince: Date | null;
  readonly erasedAt: Date | null;
}

interface ClientRow {
  client_id: string;
  age_band: AgeBand;
  under25: boolean;
  region: string;
  registered_by_agency_id: string;
  registered_at: Date;
  lead_agency_id: string;
  key_worker_id: string | null;
  key_worker_assignment_id: string | null;
  key_worker_since: Date | null;
  erased_at: Date | null;
}

/** Reads a client; `forUpdate` locks the row so commands on one client are decided one at a time. */
export async function findClient(db: EntityManager, clientId: string, options: { forUpdate?: boolean } = {}): Promise<ClientRecord | null> {
  const rows: ClientRow[] = await db.query(`SELECT * FROM client WHERE client_id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`, [clientId]);
  const r = rows[0];
  if (!r) return null;
  return {
    clientId: r.client_id,
    ageBand: r.age_band,
    under25: r.under25,
    region: r.region,
    registeredByAgencyId: r.registered_by_agency_id,
    registeredAt: r.registered_at,
    leadAgencyId: r.lead_agency_id,
    keyWorkerId: r.key_worker_id,
    keyWorkerAssignmentId: r.key_worker_assignment_id,
    keyWorkerSince: r.key_worker_since,
    erasedAt: r.erased_at,
  };
}

/**
 * The usual preamble of a command on a client, inside its transaction: the caller's agency must
 * be allowed the action (403; the same as for a client that does not exist when it may not follow the client), then the client must be
 * registered here (404) and not erased (410). The client row stays locked until commit.
 */
export async function loadClientForCommand(tx: EntityManager, principal: Principal, clientId: string, action: ClientAction): Promise<ClientRecord> {
  await ClientAccess.assertMay(principal, clientId, tx, action);
  return lockClient(tx, clientId);
}

/** The client row, locked until commit: registered here (404) and not erased (410). Access is the caller's to decide first. */
export async function lockClient(tx: EntityManager, clientId: string): Promise<ClientRecord> {
  const client = await findClient(tx, clientId, { forUpdate: true });
  if (!client) throw ClientErrors.notFound();
  if (client.erasedAt) throw ClientErrors.erased();
  return client;
}

export async function readPersonalData(db: EntityManager, protector: PersonalDataProtector, clientId: string): Promise<PersonalData | null> {
  const rows: { key_version: number; iv: Buffer; auth_tag: Buffer; ciphertext: Buffer }[] = await db.query(
    'SELECT key_version, iv, auth_tag, ciphertext FROM client_personal_data WHERE client_id = $1',
    [clientId],
  );
  const r = rows[0];
  return r ? protector.open(clientId, { keyVersion: r.key_version, iv: r.iv, authTag: r.auth_tag, ciphertext: r.ciphertext }) : null;
}
