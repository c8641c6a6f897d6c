import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { chromium } from 'playwright-core';
import { AGE_BANDS, TOPICS } from '@umbrella/contracts';
import { consentTo, enrolAgencies, http, readTopic, ReadMessage, referWhenReady, registerClient, startPlatform, TestPlatform, tokenFor, waitFor } from '../index';

/**
 * Reporting on the running services: real referrals through the agreement, then the figures
 * checked against an independent count of the events on the topics, the filters, the exports,
 * small-cell suppression, bad input, and a rebuild from offset zero that gives identical figures.
 * The shared broker holds events of earlier runs, so every figure is read for this run's region
 * only. Reports publish no figure resting on fewer than five clients (the default k), so the run
 * has five young clients and five older ones, each going the same way.
 */
const run = randomUUID().slice(0, 8);
const REGION = `rep-${run}`;
const [A, B, C] = ['a', 'b', 'c'].map((x) => `rep-${run}-${x}`);
const brokers = () => process.env.KAFKA_BROKERS as string;
/** An event-shaped value whose data nests 5,000 levels deep. */
const DEEP = `{"type":"ReferralRequested","data":{"x":${'['.repeat(5000)}${']'.repeat(5000)}}}`;

describe('reporting', () => {
  let platform: TestPlatform;
  const tokens = {} as Record<string, string>;
  const young: string[] = [];
  const older: string[] = [];
  const allClients = () => [...young, ...older];
  let refusedCode: string;
  /** This run's referrals, with the number of facts each one's steps publish (requested, then each step). */
  const referrals: { id: string; facts: number; requestedAt: string }[] = [];

  const report = (path: string, token = tokens.analyst) => http('GET', platform.url('reporting', path), { token });
  const act = (id: string, action: string, agency: string, body: unknown = {}) => http('POST', platform.url('referral', `/referrals/${id}/${action}`), { token: tokens[agency], body });

  beforeAll(async () => {
    platform = await startPlatform(18000, 'reporting');
    await enrolAgencies(platform, [
      { id: A, region: REGION, stakeholderType: 'ngo' },
      { id: B, region: REGION, stakeholderType: 'municipality' },
      { id: C, region: REGION, stakeholderType: 'employer' },
    ]);
    for (const agency of [A, B, C]) tokens[agency] = await tokenFor('caseworker', agency, `worker@${agency}`);
    tokens.analyst = await tokenFor('analyst');
    tokens.operator = await tokenFor('operator');

    // an event of a version nobody publishes: it must be dead-lettered and the projection go on
    const producer = new Kafka({ clientId: 'reporting-e2e', brokers: brokers().split(','), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    const key = `bad-${run}`;
    await producer.send({
      topic: TOPICS.referrals.name,
      messages: [{ key, value: JSON.stringify({ eventId: randomUUID(), type: 'ReferralRequested', schemaVersion: 99, occurredAt: new Date().toISOString(), producer: 'reporting', key, correlationId: randomUUID(), data: {} }) }],
    });
    await producer.disconnect();

    for (let i = 0; i < 5; i += 1) young.push(await registerClient(platform, tokens[A], 22));
    for (let i = 0; i < 5; i += 1) older.push(await registerClient(platform, tokens[A], 40));
    for (const id of allClients()) await consentTo(platform, tokens[A], id, [B, C]);

    const refer = async (body: Record<string, unknown>, facts: number) => {
      const res = await referWhenReady(platform, tokens[A], body);
      expect(res.status).toBe(201);
      referrals.push({ id: res.body.id, facts, requestedAt: res.body.requestedAt });
      return res.body.id as string;
    };
    // each young client: health at B accepted, started and completed; housing at C rejected for lack of capacity; a job
    for (const clientId of young) {
      const health = await refer({ clientId, fromAgencyId: A, toAgencyId: B, domain: 'health' }, 4);
      for (const action of ['accept', 'start', 'complete']) expect((await act(health, action, B)).status).toBe(200);
      const housing = await refer({ clientId, fromAgencyId: A, toAgencyId: C, domain: 'housing' }, 2);
      expect((await act(housing, 'reject', C, { reason: 'no-capacity' })).status).toBe(200);
      const job = await http('POST', platform.url('client-journey', `/clients/${clientId}/milestones`), { token: tokens[A], body: { milestone: 'job-entry', occurredOn: new Date().toISOString().slice(0, 10) } });
      expect(job.status).toBe(201);
    }
    // each older client: training at B rejected as not eligible; housing at B still waiting; a second housing referral refused
    for (const clientId of older) {
      const training = await refer({ clientId, fromAgencyId: A, toAgencyId: B, domain: 'training' }, 2);
      expect((await act(training, 'reject', B, { reason: 'not-eligible' })).status).toBe(200);
      await refer({ clientId, fromAgencyId: A, toAgencyId: B, domain: 'housing' }, 1);
      // a second open referral for the same client and domain: the agreement refuses it
      const duplicate = await referWhenReady(platform, tokens[A], { clientId, fromAgencyId: A, toAgencyId: C, domain: 'housing' });
      expect(duplicate.status).toBeGreaterThanOrEqual(400);
      refusedCode = duplicate.body.code;
    }
  }, 240000);

  afterAll(async () => {
    await platform?.stop();
  });

  /** The figures counted straight from the topic, the way an analyst with kcat would. */
  function independentCount(messages: readonly ReadMessage[]) {
    const mine = messages.filter((m) => allClients().includes(m.key as string)).map((m) => JSON.parse(m.value as string));
    const of = (type: string) => mine.filter((e) => e.type === type);
    const requestedAt = new Map(of('ReferralRequested').map((e) => [e.data.referralId, Date.parse(e.data.requestedAt)]));
    const waits = [...of('ReferralAccepted'), ...of('ReferralRejected')].map((e) => (Date.parse(e.data.at) - requestedAt.get(e.data.referralId)!) / 1000).sort((a, b) => a - b);
    const rejectedByReason: Record<string, number> = {};
    for (const e of of('ReferralRejected')) rejectedByReason[e.data.reason] = (rejectedByReason[e.data.reason] ?? 0) + 1;
    const byRule: Record<string, number> = {};
    for (const e of of('AgreementDecisionRecorded').filter((d) => d.data.outcome === 'refused')) byRule[e.data.code] = (byRule[e.data.code] ?? 0) + 1;
    return {
      sent: of('ReferralRequested').length,
      accepted: of('ReferralAccepted').length,
      rejected: of('ReferralRejected').length,
      completed: of('ReferralCompleted').length,
      rejectedByReason,
      byRule,
      medianWait: waits[Math.ceil(waits.length / 2) - 1],
      jobEntries: of('OutcomeCredited').filter((e) => e.data.outcome === 'job-entry').length,
    };
  }

  it('matches an independent count of the events on the topic', async () => {
    // each client's events sit on its own partition: read until each one's last event is in
    const last = (m: readonly ReadMessage[]) =>
      young.every((c) => m.some((x) => x.key === c && x.headers['event-type'] === 'OutcomeCredited')) &&
      older.every((c) => m.some((x) => x.key === c && x.headers['event-type'] === 'AgreementDecisionRecorded' && JSON.parse(x.value as string).data.outcome === 'refused'));
    const messages = await readTopic(brokers(), TOPICS.referrals.name, last, 60000);
    const expected = independentCount(messages);
    expect(expected).toMatchObject({ sent: 20, accepted: 5, rejected: 10, completed: 5, jobEntries: 5 });
    const summary = await waitFor(
      async () => {
        const r = await report(`/reports/summary?region=${REGION}`);
        return r.body.referrals?.sent === expected.sent && r.body.outcomes?.['job-entry'].credited === 5 && r.body.refusals.total === 5 && r.body.keyWorkerContinuity.clientsWithKeyWorker === 10 ? r.body : undefined;
      },
      { what: 'reporting to project this run', timeoutMs: 60000 },
    );
    // every figure rests on five clients or more: nothing is suppressed
    expect(summary).toMatchObject({ minimumClients: 5, suppressed: [] });
    expect(summary.referrals).toMatchObject({
      sent: expected.sent,
      received: expected.sent,
      accepted: expected.accepted,
      rejected: expected.rejected,
      completed: expected.completed,
      expired: 0,
      rejectedByReason: expected.rejectedByReason,
      timeToAnswerSeconds: { answered: 15, median: expected.medianWait },
    });
    // every rule reporting has seen refuse is listed; this region's refusals are the duplicates
    expect(Object.fromEntries(Object.entries(summary.refusals.byRule).filter(([, n]) => n !== 0))).toEqual(expected.byRule);
    expect(summary.refusals.byRule[refusedCode]).toBe(5);
    expect(summary.capacityRefusalShare).toBe(0.25);
    expect(summary.outcomes['job-entry']).toEqual({ credited: 5, contributedTo: expect.any(Number) });
    // the young clients are in work; the older ones do not count toward the under-25 goal
    expect(summary.under25).toEqual({ known: 5, inWorkOrTraining: 5, share: 1 });
    expect(summary.keyWorkerContinuity).toMatchObject({ clientsWithKeyWorker: 10, keptOneKeyWorker: 10, share: 1 });
  });

  it('filters by agency, stakeholder type, domain, age band and period, and gives a per-agency view', async () => {
    expect((await report(`/reports/summary?agency=${C}`)).body.referrals).toMatchObject({ sent: 0, received: 5, rejected: 5, rejectedByReason: { 'no-capacity': 5, 'not-eligible': 0 } });
    expect((await report(`/reports/summary?region=${REGION}&stakeholderType=municipality`)).body.referrals).toMatchObject({ sent: 0, received: 15, accepted: 5, rejected: 5 });
    expect((await report(`/reports/summary?region=${REGION}&domain=housing`)).body.referrals).toMatchObject({ sent: 10, rejected: 5 });
    expect((await report(`/reports/summary?region=${REGION}&ageBand=35-49`)).body.referrals).toMatchObject({ sent: 10 });
    // a period with no referral at all rests on no client: nothing is published, not even a zero
    const before = (await report(`/reports/summary?region=${REGION}&to=2000-01-01`)).body;
    expect(before.referrals).toMatchObject({ sent: null, received: null, expired: null });
    expect(before.suppressed).toEqual(expect.arrayContaining(['referrals.sent', 'referrals.received', 'referrals.expired']));
    const agencies = await report(`/reports/agencies?region=${REGION}`);
    expect(agencies.body.map((a: { agencyId: string; sent: number; received: number; outcomesCredited: number; suppressed: string[] }) => [a.agencyId, a.sent, a.received, a.outcomesCredited, a.suppressed])).toEqual([
      [A, 20, 0, 5, []],
      [B, 0, 15, 0, []],
      [C, 0, 5, 0, []],
    ]);
  });

  it('reveals nothing of a client singled out by a one-instant period: not their age band, not their time to answer', async () => {
    // the attack: a referral's request time (or a decision's time, from /decisions?clientId=) as a
    // one-instant period, then each age band in turn, to see which one has the referral in it
    const target = referrals[0];
    const refused = await http('GET', platform.url('referral', `/decisions?clientId=${older[0]}&outcome=refused`), { token: await tokenFor('coordinator') });
    expect(refused.status).toBe(200);
    const decidedAt: string = refused.body[0].decidedAt;
    for (const instant of [target.requestedAt, decidedAt]) {
      const period = `region=${REGION}&from=${encodeURIComponent(instant)}&to=${encodeURIComponent(instant)}`;
      const seen: unknown[] = [];
      for (const ageBand of [undefined, ...AGE_BANDS]) {
        const summary = (await report(`/reports/summary?${period}${ageBand ? `&ageBand=${ageBand}` : ''}`)).body;
        expect(summary.referrals).toMatchObject({ sent: null, received: null, accepted: null, rejected: null, timeToAnswerSeconds: { answered: null, median: null, p90: null } });
        expect(summary.refusals).toMatchObject({ total: null, duplicatesPrevented: null });
        seen.push({ referrals: summary.referrals, refusals: summary.refusals, capacityRefusalShare: summary.capacityRefusalShare });
      }
      // whichever age band is asked for, the one client's or another, the answer is the same
      expect(seen.every((s) => isDeepStrictEqual(s, seen[0]))).toBe(true);
      const agencies = (await report(`/reports/agencies?${period}`)).body;
      expect(agencies.map((a: { sent: number | null; received: number | null }) => [a.sent, a.received])).toEqual([[null, null], [null, null], [null, null]]);
      const timeline = (await report(`/reports/timeline?${period}&interval=day`)).body;
      expect(timeline.every((p: Record<string, unknown>) => p.sent === null && p.received === null && p.accepted === null)).toBe(true);
      const counts = (await report(`/reports/referrals?from=${encodeURIComponent(instant)}&to=${encodeURIComponent(instant)}`)).body;
      expect(counts.total).toBeNull();
      expect(Object.values(counts.byDomain).every((n) => n === null)).toBe(true);
    }
  });

  it('exports every report as CSV', async () => {
    const get = (path: string) => fetch(platform.url('reporting', path), { headers: { authorization: `Bearer ${tokens.analyst}` } });
    const summary = await get(`/reports/summary?region=${REGION}&format=csv`);
    expect(summary.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await summary.text()).split('\r\n');
    expect(lines[0]).toBe('metric,value');
    expect(lines).toEqual(expect.arrayContaining(['referrals.sent,20', 'referrals.rejectedByReason.no-capacity,5', 'under25.known,5']));
    // a suppressed figure reads <5, never a blank or a number
    const empty = (await (await get(`/reports/summary?region=${REGION}&to=2000-01-01&format=csv`)).text()).split('\r\n');
    expect(empty).toEqual(expect.arrayContaining(['referrals.sent,<5', 'referrals.timeToAnswerSeconds.median,<5']));
    const agencies = (await (await get(`/reports/agencies?region=${REGION}&format=csv`)).text()).trim().split('\r\n');
    expect(agencies[0].split(',').slice(0, 5)).toEqual(['agencyId', 'stakeholderType', 'region', 'sent', 'received']);
    const referrals = await get('/reports/referrals?domain=housing&format=csv');
    expect(referrals.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((await referrals.text()).split('\r\n')).toEqual(expect.arrayContaining(['metric,value', expect.stringMatching(/^total,\d+$/), expect.stringMatching(/^byDomain\.housing,\d+$/)]));
    expect(agencies.slice(1).map((l) => l.split(',').slice(0, 5).join(','))).toEqual([`${A},ngo,${REGION},20,0`, `${B},municipality,${REGION},0,15`, `${C},employer,${REGION},0,5`]);
  });

  it('refuses bad filters with clear 4xx, other roles with 403, and dead-letters an event of an unknown version', async () => {
    expect((await report('/reports/summary?agency=no-such-agency')).body).toMatchObject({ statusCode: 400, code: 'REPORT.UNKNOWN_FILTER_VALUE' });
    expect((await report('/reports/summary?region=nowhere-at-all')).body).toMatchObject({ statusCode: 400, code: 'REPORT.UNKNOWN_FILTER_VALUE' });
    expect((await report('/reports/summary?domain=astrology')).body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    expect((await report('/reports/agencies?ageBand=ancient')).body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    expect((await report('/reports/summary?from=2026-02-01&to=2026-01-01')).body).toMatchObject({ statusCode: 400, code: 'REPORT.INVERTED_PERIOD' });
    expect((await report('/reports/summary?colour=red')).status).toBe(400);
    expect((await report('/reports/summary', tokens[A])).status).toBe(403);
    expect((await http('POST', platform.url('reporting', '/reports/rebuild'), { token: tokens[A] })).status).toBe(403);
    const dead = await http('GET', platform.url('reporting', '/dead-letters?consumer=reporting.projections&limit=1000'), { token: tokens.operator });
    expect(dead.body.find((d: { key: string }) => d.key === `bad-${run}`)).toMatchObject({ reason: 'invalid event: type: unknown event ReferralRequested v99', code: 'MESSAGE.INVALID_EVENT' });
  });

  it('lists poison messages whatever their bytes, and counts republished events on /metrics', async () => {
    const producer = new Kafka({ clientId: 'reporting-e2e', brokers: brokers().split(','), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    await producer.send({
      topic: TOPICS.referrals.name,
      messages: [
        // poison PostgreSQL text cannot hold, and nesting deep enough to overflow a recursive validator: operators must still see them
        { key: `nul-${run}`, value: Buffer.from('{"eventId":"a\u0000b"}') },
        { key: `deep-${run}`, value: DEEP },
        { key: Buffer.from(`key-${run}\u0000`), value: Buffer.from([0xff, 0x00, 0xfe]) },
      ],
    });
    await producer.disconnect();
    type Listed = { key: string | null; keyBase64: string | null };
    const listed = await waitFor(async () => {
      const res = await http('GET', platform.url('reporting', '/dead-letters?consumer=reporting.projections&limit=1000'), { token: tokens.operator });
      const find = (match: (d: Listed) => boolean) => (res.body as Listed[]).find(match);
      const found = [find((d) => d.key === `nul-${run}`), find((d) => d.key === `deep-${run}`), find((d) => d.keyBase64 === Buffer.from(`key-${run}\u0000`).toString('base64'))];
      return found.every(Boolean) ? found : undefined;
    }, { what: 'the poison messages on GET /dead-letters' });
    expect(listed).toEqual([
      expect.objectContaining({ code: 'MESSAGE.NOT_JSON', payload: null, payloadBase64: expect.any(String) }),
      expect.objectContaining({ code: 'MESSAGE.TOO_DEEP', payload: DEEP, payloadBytes: DEEP.length, payloadTruncated: false }),
      expect.objectContaining({ key: null, code: 'MESSAGE.NOT_UTF8', payload: null, payloadBase64: Buffer.from([0xff, 0x00, 0xfe]).toString('base64') }),
    ]);
    const metrics = await http('GET', platform.url('reporting', '/metrics'), { token: tokens.operator });
    expect((metrics.body as string).split('\n')).toEqual(expect.arrayContaining([expect.stringMatching(/^umbrella_outbox_republished_total \d+$/)]));
  });

  it('publishes the committed event catalogue, without a token', async () => {
    const committed = JSON.parse(readFileSync(join(__dirname, '../../../contracts/asyncapi.json'), 'utf8'));
    const served = await http('GET', platform.url('reporting', '/asyncapi.json'));
    expect(served.status).toBe(200);
    expect(served.body).toEqual(committed);
  });

  it('publishes one denormalised fact per referral step on the facts stream, without any client id', async () => {
    const ids = referrals.map((r) => r.id);
    const total = referrals.reduce((n, r) => n + r.facts, 0);
    const mine = (m: readonly ReadMessage[]) => m.filter((x) => ids.includes(x.key as string));
    const messages = mine(await readTopic(brokers(), TOPICS.referralFacts.name, (m) => mine(m).length >= total, 60000));
    const facts = messages.map((m) => JSON.parse(m.value as string));
    expect(facts.every((f) => f.type === 'ReferralFactRecorded' && f.producer === 'reporting' && f.key === f.data.referralId)).toBe(true);
    expect(referrals.map((r) => facts.filter((f) => f.data.referralId === r.id).map((f) => f.data.sequence))).toEqual(referrals.map((r) => Array.from({ length: r.facts }, (_, i) => i + 1)));
    expect(JSON.stringify(facts)).not.toMatch(new RegExp(`${allClients().join('|')}|clientId`));
    const last = (i: number) => facts.filter((f) => f.data.referralId === referrals[i].id).at(-1).data;
    // the first young client's health and housing referrals, then the first older client's waiting one
    expect(last(0)).toMatchObject({ status: 'completed', answer: 'accepted', fromAgencyId: A, fromStakeholderType: 'ngo', toRegion: REGION, clientAgeBand: '18-24', domain: 'health' });
    expect(last(1)).toMatchObject({ status: 'rejected', answer: 'rejected', rejectReason: 'no-capacity', toStakeholderType: 'employer', secondsToAnswer: expect.any(Number) });
    expect(last(11)).toMatchObject({ status: 'requested', clientAgeBand: '35-49', sequence: 1 });
  });

  it('renders the dashboard in headless Chromium, charts drawn from the reports over time', async () => {
    const timeline = await report(`/reports/timeline?region=${REGION}&interval=day`);
    type Point = { period: string; suppressed: string[] } & Record<string, number | null>;
    // this run's events happened today (or across midnight UTC, when a day of few clients is suppressed): the days add up to the summary
    const total = (key: string) => timeline.body.reduce((n: number, p: Point) => n + (p[key] ?? 0), 0);
    if (timeline.body.every((p: Point) => p.suppressed.length === 0)) expect(['sent', 'received', 'accepted', 'rejected', 'completed', 'outcomesCredited'].map(total)).toEqual([20, 20, 5, 10, 5, 5]);
    else expect(timeline.body.length).toBeGreaterThan(1);
    expect(timeline.body.map((p: Point) => p.period)).toEqual([...new Set(timeline.body.map((p: Point) => p.period))].sort());
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(platform.url('reporting', '/dashboard'));
      await page.fill('#token', tokens.analyst);
      await page.fill('#region', REGION);
      await page.selectOption('#interval', 'day');
      await page.click('#load');
      await page.waitForSelector('body[data-loaded="true"]');
      expect(await page.$$eval('svg[data-series]', (svgs) => svgs.map((s) => s.getAttribute('data-series')))).toEqual(['sent', 'accepted', 'rejected', 'outcomesCredited']);
      const bars = await page.$$eval('svg[data-series="sent"] rect', (rects) =>
        rects.map((b) => ({ period: b.getAttribute('data-period'), value: b.getAttribute('data-suppressed') === 'true' ? null : Number(b.getAttribute('data-value')), height: Number(b.getAttribute('height')) })),
      );
      expect(bars.map((b) => ({ period: b.period, value: b.value }))).toEqual(timeline.body.map((p: Point) => ({ period: p.period, value: p.sent })));
      expect(bars.filter((b) => b.value !== null && b.value > 0).every((b) => b.height > 0)).toBe(true);
      expect(await page.textContent('[data-metric="referrals sent"] b')).toBe('20');
      expect(await page.textContent('[data-metric="under 25 in work or training"] b')).toBe('100%');
      mkdirSync(join(__dirname, '../../../../test-results'), { recursive: true });
      await page.screenshot({ path: join(__dirname, '../../../../test-results/reporting-dashboard.png'), fullPage: true });
      // a period with no client: every tile reads "<5", none a number
      await page.fill('#to', '2000-01-01');
      await page.click('#load');
      await page.waitForFunction(() => document.querySelector('[data-metric="referrals sent"] b')?.textContent === '<5');
      expect(await page.$$eval('#tiles b', (tiles) => tiles.map((t) => t.textContent))).toEqual(Array(9).fill('<5'));
      await page.fill('#to', '');
      // a wrong token shows the refusal instead of charts
      await page.fill('#token', 'not-a-token');
      await page.click('#load');
      await page.waitForFunction(() => document.getElementById('status')?.textContent !== 'Loading…');
      expect(await page.textContent('#status')).not.toBe('');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('rebuilds from offset zero to identical figures', async () => {
    const before = { summary: (await report(`/reports/summary?region=${REGION}`)).body, agencies: (await report(`/reports/agencies?region=${REGION}`)).body };
    const rebuilt = await http('POST', platform.url('reporting', '/reports/rebuild'), { token: tokens.analyst });
    expect(rebuilt).toEqual({ status: 202, body: { rebuilding: true } });
    // The tables are emptied first and fill in again as the replay passes the topics; on a timeout
    // the last figures read are compared, so a difference shows as a diff.
    let last: unknown;
    await waitFor(
      async () => {
        last = { summary: (await report(`/reports/summary?region=${REGION}`)).body, agencies: (await report(`/reports/agencies?region=${REGION}`)).body };
        return isDeepStrictEqual(last, before);
      },
      { what: 'the rebuild to replay this run', timeoutMs: 150000 },
    ).catch(() => undefined);
    expect(last).toEqual(before);
    // every replayed step of this run has committed (the figures are back); none published its fact again
    const db = new Client({ connectionString: platform.databases.reporting });
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM outbox WHERE event_type = 'ReferralFactRecorded' AND envelope->'data'->>'referralId' = ANY($1)`, [referrals.map((r) => r.id)]);
      expect(rows[0].n).toBe(referrals.reduce((n, r) => n + r.facts, 0));
    } finally {
      await db.end();
    }
  }, 180000);
});
