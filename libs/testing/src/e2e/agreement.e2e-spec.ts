import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { TOPICS } from '@umbrella/contracts';
import {
  command,
  consentTo,
  enrolAgencies,
  http,
  HttpResult,
  readTopic,
  referWhenReady,
  registerClient,
  RunningService,
  startPlatform,
  startService,
  testAuthEnv,
  TestPlatform,
  tokenFor,
  waitFor,
} from '../index';

/**
 * The umbrella agreement on the running services: the referral lifecycle, claims, decisions and
 * agreement versions — and the proof under concurrency: three referral instances on one database
 * and one broker, hundreds of competing actions, exactly one winner each time.
 */
const run = randomUUID().slice(0, 8);
const [A, B, C, D, E] = ['a', 'b', 'c', 'd', 'e'].map((x) => `ag-${run}-${x}`);
const CLIENTS = 40;

describe('the umbrella agreement', () => {
  let platform: TestPlatform;
  let db: Client;
  const extra: RunningService[] = [];
  let urls: string[];
  const tokens = {} as Record<string, string>;

  beforeAll(async () => {
    platform = await startPlatform(17000, 'agreement', { REFERRAL_EXPIRY_SWEEP_MS: '300' });
    for (const [i, port] of [17011, 17012].entries()) {
      extra.push(
        await startService(
          'referral',
          port,
          { DATABASE_URL: platform.databases.referral, KAFKA_BROKERS: process.env.KAFKA_BROKERS as string, INSTANCE_ID: `referral-race-${i + 2}`, REFERRAL_EXPIRY_SWEEP_MS: '300', ...testAuthEnv() },
          `referral-agreement-${i + 2}`,
        ),
      );
    }
    urls = [platform.services.referral.url, ...extra.map((s) => s.url)];
    db = new Client({ connectionString: platform.databases.referral });
    await db.connect();
    // every agency offers a health service: a walk-in claim is taken only in a domain the agency serves
    await enrolAgencies(platform, [A, B, C, D, E].map((id) => ({ id, region: `ag-${run}`, services: ['health'] as const })));
    for (const agency of [A, B, C, D, E]) tokens[agency] = await tokenFor('caseworker', agency, `worker@${agency}`);
    tokens.coordinator = await tokenFor('coordinator');
  }, 180000);

  afterAll(async () => {
    await db?.end();
    await Promise.all(extra.map((s) => s.stop()));
    await platform?.stop();
  });

  /** A client registered at A (so A leads), who consented to every agency: to be referred there, and to its coordinating their case. */
  async function consentingClient(): Promise<string> {
    const id = await registerClient(platform, tokens[A]);
    await consentTo(platform, tokens[A], id, [B, C, D, E]);
    await consentTo(platform, tokens[A], id, [B, C, D, E], 'case-coordination');
    return id;
  }

  /** Waits until the referral service has taken in the client's registration and last consent (E's, for case coordination). */
  async function knownToReferral(clientId: string): Promise<void> {
    await waitFor(async () => (await http('GET', `${urls[0]}/clients/${clientId}/case`, { token: tokens[E] })).status === 200, { what: 'consent in the referral read model', timeoutMs: 30000 });
  }

  // hundreds of commands at once: a busy instance answers 503 with Retry-After, and the client retries with its key
  const post = (i: number, path: string, agency: string, body: unknown = {}) => command('POST', `${urls[i % urls.length]}${path}`, { token: tokens[agency], body });

  describe('the lifecycle', () => {
    let clientId: string;
    beforeAll(async () => {
      clientId = await consentingClient();
      await knownToReferral(clientId);
    });

    it('walks a referral from request to completion, publishing each step and releasing the claim at the end', async () => {
      const created = await referWhenReady(platform, tokens[A], { clientId, fromAgencyId: A, toAgencyId: B, domain: 'health' });
      expect(created).toMatchObject({ status: 201, body: { status: 'requested', agreementVersion: '1', waitlisted: false } });
      const id = created.body.id;
      for (const [action, status] of [
        ['accept', 'accepted'],
        ['start', 'in-progress'],
        ['hold', 'on-hold'],
        ['resume', 'in-progress'],
        ['complete', 'completed'],
      ]) {
        const res = await post(0, `/referrals/${id}/${action}`, B);
        expect(res).toMatchObject({ status: 200, body: { status } });
      }
      const messages = await readTopic(process.env.KAFKA_BROKERS as string, TOPICS.referrals.name, (m) => m.some((x) => x.key === clientId && x.headers['event-type'] === 'ClaimReleased'));
      const types = messages.filter((x) => x.key === clientId && x.headers['event-type'] !== 'AgreementDecisionRecorded').map((x) => x.headers['event-type']);
      expect(types).toEqual(['ReferralRequested', 'ReferralAccepted', 'ClaimGranted', 'ReferralStarted', 'ReferralPaused', 'ReferralResumed', 'ReferralCompleted', 'ClaimReleased']);
      const completed = JSON.parse(messages.find((x) => x.headers['event-type'] === 'ReferralCompleted' && x.key === clientId)!.value!);
      expect(completed).toMatchObject({ agreementVersion: '1', data: { previousStatus: 'in-progress', status: 'completed', byAgencyId: B } });
    });

    it('refuses illegal transitions, the wrong agency, and missing reasons, with clear codes', async () => {
      const created = await referWhenReady(platform, tokens[A], { clientId, fromAgencyId: A, toAgencyId: C, domain: 'housing' });
      const id = created.body.id;
      expect((await post(0, `/referrals/${id}/complete`, C)).body).toMatchObject({ statusCode: 409, code: 'REFERRAL.ILLEGAL_TRANSITION', message: 'A referral that is requested cannot be completed.' });
      expect((await post(0, `/referrals/${id}/accept`, A)).body).toMatchObject({ statusCode: 403, code: 'REFERRAL.NOT_ADDRESSED_TO_AGENCY' });
      expect((await post(0, `/referrals/${id}/accept`, D)).body).toMatchObject({ statusCode: 403, code: 'ACCESS.DENIED' });
      expect((await post(0, `/referrals/${id}/reject`, C)).body).toMatchObject({ statusCode: 400, errors: ['reason: a reason is required to reject a referral'] });
      // free text is refused, pointing to the client's notes in client-journey (personal data lives there only)
      const freeText = await post(0, `/referrals/${id}/reject`, C, { reason: 'other', reasonText: 'She told us about her debts' });
      expect(freeText.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', errors: [expect.stringMatching(/^reasonText: .*POST \/clients\/\{clientId\}\/notes/)] });
      expect((await post(0, `/referrals/${id}/teleport`, C)).status).toBe(400);
      expect((await post(0, `/referrals/${randomUUID()}/accept`, C)).body).toMatchObject({ statusCode: 403, code: 'ACCESS.DENIED' });
      const rejected = await post(0, `/referrals/${id}/reject`, C, { reason: 'no-capacity' });
      expect(rejected.body).toMatchObject({ status: 'rejected', reason: 'no-capacity' });
      expect((await post(0, `/referrals/${id}/accept`, C)).body.code).toBe('REFERRAL.ILLEGAL_TRANSITION');
      const error = await post(0, `/referrals/${id}/enter-in-error`, A, { reason: 'other' });
      expect(error.body).toMatchObject({ status: 'entered-in-error', reason: 'other' });
      expect(error.body).not.toHaveProperty('reasonText');
      const [{ n }] = (await db.query('SELECT count(*)::int AS n FROM referral WHERE id = $1', [id])).rows;
      expect(n).toBe(1);
    });

    it('expires a referral nobody answered in time (UA-8), by a sweep that is safe with three instances running', async () => {
      const created = await referWhenReady(platform, tokens[A], { clientId, fromAgencyId: A, toAgencyId: D, domain: 'addiction' });
      await db.query(`UPDATE referral SET respond_by = now() - interval '1 minute' WHERE id = $1`, [created.body.id]);
      await waitFor(async () => (await db.query('SELECT status FROM referral WHERE id = $1', [created.body.id])).rows[0].status === 'expired', { what: 'the expiry sweep' });
      const decisions = (await db.query(`SELECT outcome, rules_checked FROM decision WHERE referral_id = $1 AND command = 'expire'`, [created.body.id])).rows;
      expect(decisions).toEqual([{ outcome: 'allowed', rules_checked: ['UA-8'] }]);
    });

    it('lists decisions for coordinators, with rule and agreement version', async () => {
      const refused = await http('GET', `${urls[1]}/decisions?clientId=${clientId}&outcome=refused`, { token: tokens.coordinator });
      expect(refused.status).toBe(200);
      expect(refused.body.length).toBeGreaterThan(0);
      expect(refused.body[0]).toMatchObject({ clientId, outcome: 'refused', agreementVersion: '1' });
      expect((await http('GET', `${urls[1]}/decisions`, { token: tokens[A] })).status).toBe(403);
      expect((await http('GET', `${urls[1]}/decisions?code=nonsense`, { token: tokens.coordinator })).status).toBe(400);
    });
  });

  describe('under concurrency', () => {
    let clients: string[];

    beforeAll(async () => {
      clients = [];
      for (let i = 0; i < CLIENTS; i += 1) clients.push(await consentingClient());
      for (const c of clients) await knownToReferral(c);
    }, 180000);

    it('lets exactly one of three simultaneous referrals per client and domain through (UA-5)', async () => {
      const results = await Promise.all(
        clients.flatMap((clientId, n) => [B, C, D].map((to, k) => post(n + k, '/referrals', A, { clientId, fromAgencyId: A, toAgencyId: to, domain: 'health' }).then((r) => ({ clientId, r })))),
      );
      expect(results).toHaveLength(CLIENTS * 3);
      for (const clientId of clients) {
        const mine = results.filter((x) => x.clientId === clientId).map((x) => x.r);
        expect(mine.filter((r) => r.status === 201)).toHaveLength(1);
        for (const loser of mine.filter((r) => r.status !== 201)) expect(loser.body).toMatchObject({ statusCode: 409, code: 'UA-5' });
      }
      const { rows } = await db.query(`SELECT client_id, count(*)::int AS n FROM referral WHERE client_id = ANY($1) AND domain = 'health' AND status = 'requested' GROUP BY client_id`, [clients]);
      expect(rows.every((r) => r.n === 1)).toBe(true);
      expect(rows).toHaveLength(CLIENTS);
    }, 120000);

    it('grants exactly one claim per client in an exclusive domain when an accept races walk-in claims (UA-4)', async () => {
      const open = (await db.query(`SELECT id, client_id, to_agency_id FROM referral WHERE client_id = ANY($1) AND domain = 'health' AND status = 'requested'`, [clients])).rows;
      const actions: Promise<{ clientId: string; kind: string; r: HttpResult }>[] = [];
      open.forEach((ref, n) => {
        actions.push(post(n, `/referrals/${ref.id}/accept`, ref.to_agency_id).then((r) => ({ clientId: ref.client_id, kind: 'accept', r })));
        for (const [k, agency] of [E, ...[B, C, D].filter((x) => x !== ref.to_agency_id)].entries()) {
          actions.push(post(n + k + 1, `/clients/${ref.client_id}/claims/health`, agency).then((r) => ({ clientId: ref.client_id, kind: 'claim', r })));
        }
      });
      const results = await Promise.all(actions);
      expect(results).toHaveLength(CLIENTS * 4);
      for (const clientId of clients) {
        const mine = results.filter((x) => x.clientId === clientId);
        expect(mine.filter((x) => x.r.status === 200)).toHaveLength(1);
        for (const loser of mine.filter((x) => x.r.status !== 200)) expect(loser.r.body).toMatchObject({ statusCode: 409, code: 'UA-4' });
      }
      const { rows } = await db.query(`SELECT client_id, count(*)::int AS n FROM claim WHERE client_id = ANY($1) AND domain = 'health' AND released_at IS NULL GROUP BY client_id`, [clients]);
      expect(rows).toHaveLength(CLIENTS);
      expect(rows.every((r) => r.n === 1)).toBe(true);
      const granted = await readTopic(process.env.KAFKA_BROKERS as string, TOPICS.referrals.name, (m) =>
        clients.every((c) => m.some((x) => x.key === c && x.headers['event-type'] === 'ClaimGranted')),
      60000);
      for (const clientId of clients) {
        const grants = granted.filter((x) => x.key === clientId && x.headers['event-type'] === 'ClaimGranted').map((x) => JSON.parse(x.value!).data);
        expect(grants.filter((g) => g.domain === 'health')).toHaveLength(1);
      }
    }, 120000);

    it('moves the lead to exactly one agency when two handovers are accepted at once (UA-3)', async () => {
      const half = clients.slice(0, CLIENTS / 2);
      const pairs: { clientId: string; first: string; second: string }[] = [];
      for (const [n, clientId] of half.entries()) {
        const first = await post(n, '/referrals', A, { clientId, fromAgencyId: A, toAgencyId: B, domain: 'employment-case-management', handsOverLead: true });
        const second = await post(n + 1, '/referrals', A, { clientId, fromAgencyId: A, toAgencyId: C, domain: 'housing', handsOverLead: true });
        expect([first.status, second.status]).toEqual([201, 201]);
        pairs.push({ clientId, first: first.body.id, second: second.body.id });
      }
      const results = await Promise.all(
        pairs.flatMap(({ clientId, first, second }, n) => [
          post(n, `/referrals/${first}/accept`, B).then((r) => ({ clientId, r })),
          post(n + 1, `/referrals/${second}/accept`, C).then((r) => ({ clientId, r })),
        ]),
      );
      for (const { clientId } of pairs) {
        const mine = results.filter((x) => x.clientId === clientId).map((x) => x.r);
        expect(mine.filter((r) => r.status === 200)).toHaveLength(1);
        expect(mine.find((r) => r.status !== 200)?.body).toMatchObject({ statusCode: 409, code: 'UA-3' });
      }
      const { rows } = await db.query('SELECT client_id, agency_id FROM client_lead WHERE client_id = ANY($1)', [half]);
      expect(rows).toHaveLength(half.length);
      expect(rows.every((r) => [B, C].includes(r.agency_id))).toBe(true);
      const handovers = await readTopic(process.env.KAFKA_BROKERS as string, TOPICS.referrals.name, (m) =>
        half.every((c) => m.some((x) => x.key === c && x.headers['event-type'] === 'LeadHandedOver')),
      60000);
      for (const clientId of half) expect(handovers.filter((x) => x.key === clientId && x.headers['event-type'] === 'LeadHandedOver')).toHaveLength(1);
    }, 120000);
  });

  describe('versions of the agreement', () => {
    it('refuses an invalid document, listing every problem', async () => {
      const res = await http('POST', `${urls[0]}/agreements`, { token: tokens.coordinator, body: { document: 'id: x\nversion: 2\ndomains: {}\nrules: { UA-7: { whenNoCapacity: shrug } }' } });
      expect(res).toMatchObject({ status: 400, body: { code: 'AGREEMENT.INVALID' } });
      expect(res.body.errors).toEqual(expect.arrayContaining(['id: must be a slug of lowercase letters, digits and dashes', 'rules.UA-7.whenNoCapacity: must be one of refuse, waitlist']));
      expect((await http('POST', `${urls[0]}/agreements`, { token: tokens[A], body: { document: 'x' } })).status).toBe(403);
    });

    it('publishes a new version that is in force at once: agencies must sign it before referring (UA-1)', async () => {
      const active = await http('GET', `${urls[0]}/agreements/active`, { token: tokens[A] });
      expect(active.body).toMatchObject({ version: '1', active: true });
      const document = { ...active.body.document, version: `2-${run}`, effectiveFrom: '2026-12-01', rules: { ...active.body.document.rules, 'UA-7': { whenNoCapacity: 'refuse' } } };
      const published = await http('POST', `${urls[2]}/agreements`, { token: tokens.coordinator, body: { document } });
      expect(published).toMatchObject({ status: 201, body: { version: `2-${run}`, active: true } });
      expect((await http('POST', `${urls[0]}/agreements`, { token: tokens.coordinator, body: { document } })).body.code).toBe('AGREEMENT.VERSION_EXISTS');
      const clientId = await consentingClient();
      await knownToReferral(clientId);
      const refused = await waitFor(async () => {
        const r = await http('POST', `${urls[1]}/referrals`, { token: tokens[A], body: { clientId, fromAgencyId: A, toAgencyId: B, domain: 'training' } });
        return r.body?.code === 'UA-1' ? r : undefined;
      }, { what: 'the new version in force' });
      expect(refused.body).toMatchObject({ statusCode: 409, code: 'UA-1', agreementVersion: `2-${run}` });
      const messages = await readTopic(process.env.KAFKA_BROKERS as string, TOPICS.agreements.name, (m) => m.some((x) => JSON.parse(x.value!).data.version === `2-${run}`));
      expect(messages.some((x) => x.headers['event-type'] === 'AgreementPublished')).toBe(true);
    });
  });
});
