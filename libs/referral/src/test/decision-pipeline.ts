import { ConsentPurpose, DomainOfSupport, EventData, EventOf, EventType, ReferralStatus } from '@umbrella/contracts';
import { Messaging, MESSAGING_MIGRATIONS, newEvent, OutboxPublisher } from '@umbrella/messaging';
import { Database, HealthRegistry } from '@umbrella/platform';
import { recreateTestDatabase } from '@umbrella/testing';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AgreementStore } from '../agreement/agreement.store';
import { PublishAgreementHandler } from '../commands/publish-agreement/publish-agreement.handler';
import { DecisionRunner } from '../engine/decision-runner';
import { WriteContext } from '../engine/event-writers';
import { ReferralTables1732400000100 } from '../migrations/1732400000100-referral-tables';
import { AgreementAndClaims1732400000110 } from '../migrations/1732400000110-agreement-and-claims';
import { ConsentPurpose1732400000120 } from '../migrations/1732400000120-consent-purpose';
import { StructuredReasons1732400000150 } from '../migrations/1732400000150-structured-reasons';
import { Referral } from '../referral.entity';
import { KnownAgency } from '../read-models/known-agency.entity';

/**
 * The database of a service instance whose neighbour commits a write of its own at the worst
 * moment: after this instance's decision has read the client's state, before it writes anything.
 * Only the unique constraints (and the status or lead a write expects) stand between them then.
 */
export class RacedDatabase extends Database {
  private rival: { readonly sql: string; readonly params: readonly unknown[] } | null = null;

  /** The next transaction's first write waits until this statement has committed on another connection. */
  rivalCommitsFirst(sql: string, params: readonly unknown[] = []): void {
    this.rival = { sql, params };
  }

  override transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return super.transaction((tx) => work(this.racing(tx)));
  }

  private racing(tx: EntityManager): EntityManager {
    const query = async (sql: string, params?: unknown[]) => {
      const rival = this.rival;
      if (rival && /^\s*(INSERT|UPDATE|DELETE)\b/i.test(sql)) {
        this.rival = null;
        await this.dataSource.query(rival.sql, [...rival.params]);
      }
      return tx.query(sql, params);
    };
    return Object.create(tx, { query: { value: query } }) as EntityManager;
  }
}

export interface PipelineDatabase {
  readonly database: RacedDatabase;
  readonly agreements: AgreementStore;
  readonly runner: DecisionRunner;
  /** Empties every table a decision reads or writes; the seeded agreement stays. */
  reset(): Promise<void>;
  q<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
}

/**
 * The referral service's write pipeline outside Nest, on a fresh database migrated as the service
 * migrates it: a DecisionRunner over an OutboxPublisher whose relay never runs (the events stay
 * in the outbox), and version 1 of the agreement in force.
 */
export async function pipelineDatabase(name: string): Promise<PipelineDatabase> {
  const url = await recreateTestDatabase(name);
  const database = new RacedDatabase({
    url,
    entities: [Referral, KnownAgency],
    migrations: [...MESSAGING_MIGRATIONS, ReferralTables1732400000100, AgreementAndClaims1732400000110, ConsentPurpose1732400000120, StructuredReasons1732400000150],
  });
  database.start();
  await database.whenReady();
  const brokers = (process.env.KAFKA_BROKERS as string).split(',');
  const messaging = new Messaging({ brokers, clientId: `${name}-pipeline`, publishes: false }, database, new HealthRegistry());
  const publisher = new OutboxPublisher(messaging);
  const agreements = new AgreementStore(database);
  await new PublishAgreementHandler(database, publisher, agreements).seed();
  const q = <R>(sql: string, params: unknown[] = []): Promise<R[]> => database.dataSource.query(sql, params);
  return {
    database,
    agreements,
    runner: new DecisionRunner(database, publisher, agreements),
    q,
    reset: async () => {
      await q('TRUNCATE referral, claim, client_lead, decision, client_consent, credited_outcome, known_agency, agency_signature, known_service, outbox RESTART IDENTITY');
    },
  };
}

/** What the referral service knows from other services' events, and what it decided before: rows written as its read models and writers would. */
export function seeder(q: PipelineDatabase['q']) {
  return {
    agency: (agencyId: string, options: { signed?: readonly string[]; unsigned?: readonly string[] } = {}) =>
      q(`INSERT INTO known_agency (agency_id, name, stakeholder_type, region, updated_at) VALUES ($1, $2, 'charity', 'NB', now())`, [agencyId, nameOf(agencyId)]).then(() =>
        Promise.all([
          ...(options.signed ?? ['1']).map((v) => q(`INSERT INTO agency_signature (agency_id, agreement_version, signed, updated_at) VALUES ($1, $2, true, now())`, [agencyId, v])),
          ...(options.unsigned ?? []).map((v) => q(`INSERT INTO agency_signature (agency_id, agreement_version, signed, updated_at) VALUES ($1, $2, false, now())`, [agencyId, v])),
        ]),
      ),
    service: async (s: { agencyId: string; domain: DomainOfSupport; status?: string; available?: number; waitlistAllowed?: boolean; name?: string }): Promise<string> => {
      const serviceId = randomUUID();
      await q(`INSERT INTO known_service (service_id, agency_id, name, status, domain, available, waitlist_allowed, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, now())`, [
        serviceId,
        s.agencyId,
        s.name ?? `${s.domain} service`,
        s.status ?? 'active',
        s.domain,
        s.available ?? 5,
        s.waitlistAllowed ?? true,
      ]);
      return serviceId;
    },
    lead: (clientId: string, agencyId: string) => q(`INSERT INTO client_lead (client_id, agency_id, since) VALUES ($1, $2, now())`, [clientId, agencyId]),
    consent: (c: { clientId: string; agencyId?: string | null; domain?: DomainOfSupport | null; purpose?: ConsentPurpose; active?: boolean }) =>
      q(`INSERT INTO client_consent (consent_id, client_id, agency_id, domain, purpose, active, updated_at) VALUES ($1, $2, $3, $4, $5, $6, now())`, [
        randomUUID(),
        c.clientId,
        c.agencyId ?? null,
        c.domain ?? null,
        c.purpose ?? 'referral',
        c.active ?? true,
      ]),
    referral: async (r: { clientId: string; from: string; to: string; domain: DomainOfSupport; status?: ReferralStatus; requestedAt?: Date; respondBy?: Date; handsOverLead?: boolean }): Promise<string> => {
      const id = randomUUID();
      const requestedAt = r.requestedAt ?? new Date();
      await q(
        `INSERT INTO referral (id, client_id, from_agency_id, to_agency_id, domain, status, requested_at, respond_by, hands_over_lead, agreement_version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '1')`,
        [id, r.clientId, r.from, r.to, r.domain, r.status ?? 'requested', requestedAt, r.respondBy ?? new Date(requestedAt.getTime() + 2 * DAY), r.handsOverLead ?? false],
      );
      return id;
    },
    claim: (c: { clientId: string; agencyId: string; domain: DomainOfSupport; exclusive: boolean; referralId?: string | null; released?: boolean }) =>
      q(`INSERT INTO claim (id, client_id, domain, agency_id, exclusive, referral_id, granted_at, released_at) VALUES ($1, $2, $3, $4, $5, $6, now(), $7)`, [
        randomUUID(),
        c.clientId,
        c.domain,
        c.agencyId,
        c.exclusive,
        c.referralId ?? null,
        c.released ? new Date() : null,
      ]),
    credited: (clientId: string, outcome: string, milestoneId: string, agencyId: string) =>
      q(`INSERT INTO credited_outcome (milestone_id, client_id, outcome, credited_agency_id, contributing, agreement_version, occurred_at) VALUES ($1, $2, $3, $4, '{}', '1', now())`, [
        milestoneId,
        clientId,
        outcome,
        agencyId,
      ]),
  };
}

export const DAY = 24 * 3600 * 1000;

/** How a known agency is named in the directory: `agency-b` is Agency B. */
export const nameOf = (agencyId: string): string => `Agency ${agencyId.replace(/^agency-/, '').toUpperCase()}`;

/** What the writers need outside a runner: a transaction, and envelopes as the referral service produces them. */
export function writeContext(tx: EntityManager, clientId: string, agencyId: string | null = null): WriteContext {
  return {
    tx,
    clientId,
    agencyId,
    agreementVersion: '1',
    now: new Date(),
    envelope: <K extends EventType>(type: K, data: EventData<K>): EventOf<K> => newEvent({ type, producer: 'referral', data, agreementVersion: '1' }),
  };
}
