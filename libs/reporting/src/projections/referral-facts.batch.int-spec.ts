import { randomUUID } from 'node:crypto';
import { PlatformEvent } from '@umbrella/contracts';
import { appendToOutbox, asConsumed, dispatch, EventPublisher, eventOfVersion, MessagingTables1732400000000, newEvent } from '@umbrella/messaging';
import { recreateTestDatabase } from '@umbrella/testing';
import { DataSource } from 'typeorm';
import { ReportingTables1732400000400 } from '../migrations/1732400000400-reporting-tables';
import { ReportingProjections1732400000410 } from '../migrations/1732400000410-reporting-projections';
import { ReferralFactsStream1732400000420 } from '../migrations/1732400000420-referral-facts-stream';
import { projectionBatch } from './referral-facts.batch';
import { PROJECTION_TABLES, ProjectedEvent, projectionHandlers } from './referral-facts.projection';

/*
 * The batch path must leave the projections, the published markers and the facts stream exactly
 * as the per-event handlers do, event after event, first time and on a replay.
 */

/** The outbox without its relay: this spec reads the facts from the outbox table. */
const publisher: EventPublisher = { publish: (tx, events) => appendToOutbox(tx, events) };
const PROJECTION_HANDLERS = projectionHandlers(publisher);
const applyProjectionBatch = projectionBatch(publisher);

/** Reporting reads neither the agreements topic nor its own facts. */
function projected(event: PlatformEvent): ProjectedEvent {
  if (event.type === 'AgreementPublished' || event.type === 'ReferralFactRecorded') throw new Error(`reporting does not project ${event.type}`);
  return event;
}

const ev = (type: string, data: Record<string, unknown>, schemaVersion = 1) =>
  projected(asConsumed(eventOfVersion({ type, schemaVersion, producer: type.startsWith('Referral') || type.startsWith('Agreement') ? 'referral' : 'client-journey', data })));

function story(): ProjectedEvent[] {
  const at = (minutes: number) => new Date(Date.UTC(2026, 10, 2, 9, minutes)).toISOString();
  const dims = [
    newEvent({ type: 'AgencyRegistered', producer: 'agency-directory', data: { agencyId: 'a-from', name: 'From', stakeholderType: 'ngo', region: 'NB', registeredAt: at(0) } }),
    newEvent({ type: 'AgencyRegistered', producer: 'agency-directory', data: { agencyId: 'a-to', name: 'To', stakeholderType: 'health', region: 'NB', registeredAt: at(0) } }),
    ev('ClientRegistered', { clientId: 'c-1', ageBand: '18-24', under25: true, region: 'NB', registeredByAgencyId: 'a-from', registeredAt: at(0) }),
  ];
  const referral = (id: string, client: string, minute: number) =>
    ev('ReferralRequested', { referralId: id, clientId: client, fromAgencyId: 'a-from', toAgencyId: 'a-to', domain: 'health', requestedAt: at(minute), respondBy: at(minute + 600), waitlisted: false, handsOverLead: false }, 2);
  const step = (type: string, id: string, client: string, previousStatus: string, status: string, minute: number, reason?: string) =>
    ev(type, { referralId: id, clientId: client, fromAgencyId: 'a-from', toAgencyId: 'a-to', domain: 'health', previousStatus, status, byAgencyId: 'a-to', at: at(minute), ...(reason ? { reason } : {}) });
  const [r1, r2, r3] = [randomUUID(), randomUUID(), randomUUID()];
  return [
    ...dims,
    ev('AgreementDecisionRecorded', { decisionId: randomUUID(), clientId: 'c-1', command: 'request-referral', outcome: 'allowed', rulesChecked: ['UA-1'], reason: 'Allowed.', agencyId: 'a-from', referralId: r1, domain: 'health', decidedAt: at(1) }),
    referral(r1, 'c-1', 1),
    step('ReferralAccepted', r1, 'c-1', 'requested', 'accepted', 5),
    referral(r2, 'c-2', 6), // a client reporting has not heard of: no age band
    step('ReferralRejected', r2, 'c-2', 'requested', 'rejected', 8, 'no-capacity'),
    step('ReferralStarted', r1, 'c-1', 'accepted', 'in-progress', 9),
    step('ReferralAccepted', r3, 'c-1', 'requested', 'accepted', 10), // a referral it never saw requested
    referral(r1, 'c-1', 1), // the same referral requested again: no change, but a fact
    step('ReferralCompleted', r1, 'c-1', 'in-progress', 'completed', 30),
    ev('AgreementDecisionRecorded', { decisionId: randomUUID(), clientId: 'c-2', command: 'claim', outcome: 'refused', code: 'UA-4', rulesChecked: [], reason: 'Held.', agencyId: 'a-to', domain: 'health', decidedAt: at(31) }),
  ];
}

describe('the reporting projection applied in batches', () => {
  const sources: DataSource[] = [];
  const open = async (name: string) => {
    const url = await recreateTestDatabase(name);
    const ds = new DataSource({ type: 'postgres', url, migrations: [MessagingTables1732400000000, ReportingTables1732400000400, ReportingProjections1732400000410, ReferralFactsStream1732400000420] });
    await ds.initialize();
    await ds.runMigrations();
    sources.push(ds);
    return ds;
  };
  afterAll(async () => Promise.all(sources.map((s) => s.destroy())));

  const snapshot = async (ds: DataSource) => ({
    referrals: await ds.query('SELECT * FROM referral_fact ORDER BY referral_id'),
    decisions: await ds.query('SELECT * FROM decision_fact ORDER BY decision_id'),
    clients: await ds.query('SELECT * FROM client_dim ORDER BY client_id'),
    published: await ds.query('SELECT source_event_id FROM fact_published ORDER BY source_event_id'),
    facts: await ds.query(`SELECT envelope->'data' AS data, envelope->>'causationId' AS cause FROM outbox WHERE event_type = 'ReferralFactRecorded' ORDER BY id`),
  });
  const oneByOne = (ds: DataSource, events: ProjectedEvent[]) => ds.transaction(async (tx) => {
    for (const e of events) await dispatch(PROJECTION_HANDLERS, e, tx);
  });
  const inBatches = async (ds: DataSource, events: ProjectedEvent[], size: number) => {
    for (let i = 0; i < events.length; i += size) await ds.transaction((tx) => applyProjectionBatch(events.slice(i, i + size), tx));
  };
  const emptyProjections = (ds: DataSource) => ds.query(`TRUNCATE ${PROJECTION_TABLES.join(', ')}`);

  it.each([2, 4, 100])('gives what the per-event handlers give, in batches of %i, and again on a replay', async (size) => {
    const events = story();
    const each = await open(`umbrella_reporting_each_${size}_test`);
    const batched = await open(`umbrella_reporting_batch_${size}_test`);
    await oneByOne(each, events);
    await inBatches(batched, events, size);
    const expected = await snapshot(each);
    expect(expected.facts).toHaveLength(7); // every referral event on a referral reporting knows (five on r1, two on r2)
    expect(expected.referrals.map((r: { status: string }) => r.status).sort()).toEqual(['completed', 'rejected']);
    expect(await snapshot(batched)).toEqual(expected);

    // a rebuild empties the projections but keeps the published markers: no fact twice
    await emptyProjections(each);
    await emptyProjections(batched);
    await oneByOne(each, events);
    await inBatches(batched, events, size);
    const replayed = await snapshot(each);
    expect(replayed.facts).toHaveLength(7);
    expect(await snapshot(batched)).toEqual(replayed);
  });
});
