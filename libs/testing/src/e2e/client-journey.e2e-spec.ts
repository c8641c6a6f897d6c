import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { TOPICS } from '@umbrella/contracts';
import { command, enrolAgencies, http, HttpResult, projectedReferrals, readTopic, ReadMessage, referWhenReady, startPlatform, TestPlatform, tokenFor, waitFor } from '../index';

/**
 * Issue 5 on the running services: a client registered with personal data that never leaves
 * client-journey, consent to two agencies, milestones, the cross-agency journey in order,
 * withdrawal, key-worker handover, and erasure that leaves no personal data anywhere while the
 * pseudonymous history (and the reports built on it) stay.
 */
const run = randomUUID().slice(0, 8);
const NORTH = `cj-${run}-north`;
const COLLEGE = `cj-${run}-college`;
const HOMES = `cj-${run}-homes`;
const OTHER = `cj-${run}-other`;
const brokers = () => process.env.KAFKA_BROKERS as string;

// A surname no other run shares (letters only), so searching topics and tables for it is exact.
const surname = `Quill${run.replace(/\d/g, (d) => 'ghijklmnop'[Number(d)])}`;
const today = new Date().toISOString().slice(0, 10);
const year = Number(today.slice(0, 4));
const daysAgo = (n: number) => new Date(Date.now() - n * 86400000).toISOString().slice(0, 10);
const zara = {
  name: `Zara ${surname}`,
  dateOfBirth: `${year - 20}-01-15`,
  contact: { email: `zara.${run}@example.org`, phone: `+44 7700 9${run.replace(/[a-f]/g, '3').slice(0, 5)}` },
  postcode: 'nb1 4qt',
};
/** A case note about Zara, with a word no other run writes. */
const noteWord = `Arrears${surname}`;
const noteText = `Zara owes rent (${noteWord}); she prefers a call after 5pm.`;
/** Everything personal about Zara, as it could appear anywhere. */
const personalNeedles = [zara.name, surname, zara.dateOfBirth, zara.contact.email, zara.contact.phone, zara.contact.phone.replace(/\s/g, ''), 'NB1 4QT', 'nb1 4qt', noteWord];

describe('client journey: pseudonymous clients, consent, milestones, timeline, erasure', () => {
  let platform: TestPlatform;
  let db: Client;
  let clientId: string;
  let raviId: string;
  const consents = {} as Record<'college' | 'homes' | 'housing', string>;
  const tokens = {} as Record<'north' | 'northLee' | 'college' | 'homes' | 'other' | 'coordinator' | 'analyst' | 'operator', string>;
  const journeyUrl = () => platform.url('client-journey', `/clients/${clientId}/journey`);
  const cj = (path: string) => platform.url('client-journey', path);

  beforeAll(async () => {
    platform = await startPlatform(15000, 'journey');
    db = new Client({ connectionString: platform.databases['client-journey'] });
    await db.connect();
    tokens.coordinator = await tokenFor('coordinator');
    tokens.analyst = await tokenFor('analyst');
    tokens.operator = await tokenFor('operator');
    tokens.north = await tokenFor('caseworker', NORTH, 'kim.north');
    tokens.northLee = await tokenFor('caseworker', NORTH, 'lee.north');
    tokens.college = await tokenFor('caseworker', COLLEGE, 'sam.college');
    tokens.homes = await tokenFor('caseworker', HOMES, 'ali.homes');
    tokens.other = await tokenFor('caseworker', OTHER, 'pat.other');
    await enrolAgencies(platform, [
      { id: NORTH, stakeholderType: 'public-employment-service', region: `cj-${run}` },
      { id: COLLEGE, stakeholderType: 'education-or-training-provider', region: `cj-${run}` },
      { id: HOMES, stakeholderType: 'housing', region: `cj-${run}` },
      { id: OTHER, stakeholderType: 'ngo', region: `cj-${run}` },
    ]);
  }, 120000);

  afterAll(async () => {
    await db?.end();
    await platform?.stop();
  });

  /** client-journey learns agencies from the directory's events; its copy may lag a moment. */
  async function giveConsent(body: Record<string, unknown>, token = tokens.north, id = clientId): Promise<HttpResult> {
    return waitFor(async () => {
      const res = await http('POST', cj(`/clients/${id}/consents`), { token, body });
      return res.body?.code === 'CONSENT.UNKNOWN_AGENCY' ? undefined : res;
    }, { what: 'client-journey to know the agency', timeoutMs: 30000, intervalMs: 200 });
  }

  /** The referral service learns agencies, signatures and consent from events: it may lag a moment. */
  async function requestReferral(body: Record<string, unknown>, token = tokens.north): Promise<HttpResult> {
    return referWhenReady(platform, token, body);
  }

  async function journey(token: string, count: number): Promise<{ type: string; occurredAt: string; summary: string; agencyIds: string[]; details: Record<string, unknown> }[]> {
    return waitFor(async () => {
      const res = await http('GET', journeyUrl(), { token });
      return res.status === 200 && res.body.entries.length >= count ? res.body.entries : undefined;
    }, { what: `${count} journey entries`, timeoutMs: 15000, intervalMs: 100 });
  }

  /** Rows, in any table of client-journey's database, whose text contains the needle. */
  async function rowsContaining(needle: string): Promise<string[]> {
    const tables: { table_name: string }[] = (
      await db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`)
    ).rows;
    const found: string[] = [];
    for (const { table_name: table } of tables) {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM "${table}" t WHERE t::text ILIKE $1`, [`%${needle.replace(/[%_\\]/g, '\\$&')}%`]);
      if (rows[0].n > 0) found.push(`${table} (${rows[0].n})`);
    }
    return found;
  }

  async function consumed(outcome: string): Promise<number> {
    const res = await http('GET', cj('/metrics'), { token: tokens.operator });
    const line = (res.body as string).split('\n').find((l) => l.startsWith(`umbrella_consumed_total{consumer="client-journey.timeline",outcome="${outcome}"}`));
    return Number(line?.split(' ')[1] ?? 0);
  }

  it('registers a client: a pseudonymous id, derived attributes, their agency leads and they are the key worker', async () => {
    const res = await http('POST', cj('/clients'), { token: tokens.north, body: zara });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^c-[0-9a-f]{16}$/),
      ageBand: '18-24',
      under25: true,
      region: 'NB',
      registeredByAgencyId: NORTH,
      leadAgencyId: NORTH,
      keyWorker: { userId: 'kim.north', agencyId: NORTH, daysWithKeyWorker: 0 },
      erasedAt: null,
    });
    expect(JSON.stringify(res.body)).not.toContain(surname);
    clientId = res.body.id;

    const record = await http('GET', cj(`/clients/${clientId}`), { token: tokens.north });
    expect(record.status).toBe(200);
    expect(record.body.personalData).toEqual({ name: zara.name, dateOfBirth: zara.dateOfBirth, contact: zara.contact, postcode: 'NB1 4QT' });
    expect(record.body.keyWorkerHistory).toEqual([{ userId: 'kim.north', agencyId: NORTH, from: res.body.keyWorker.since, to: null }]);
  });

  it('keeps the personal data encrypted at rest, in one table, with no plaintext anywhere in the database', async () => {
    const { rows } = await db.query('SELECT ciphertext, blind_index FROM client_personal_data WHERE client_id = $1', [clientId]);
    expect(rows).toHaveLength(1);
    expect(rows[0].ciphertext.length).toBeGreaterThan(20);
    // the scan does find what is stored in plain text (the pseudonymous id and the agency)…
    expect(await rowsContaining(clientId)).toEqual(expect.arrayContaining([expect.stringMatching(/^client /), expect.stringMatching(/^client_personal_data /)]));
    // …and nothing personal
    for (const needle of personalNeedles) expect({ needle, tables: await rowsContaining(needle) }).toEqual({ needle, tables: [] });
  });

  it('offers the existing record instead of a second one when another agency registers the same person', async () => {
    const sameByCollege = { ...zara, name: `  ${surname.toUpperCase()}, zara `, contact: { phone: '+44 7700 900999' }, postcode: 'NB2 1AA' };
    const byCollege = await http('POST', cj('/clients'), { token: tokens.college, body: sameByCollege });
    expect(byCollege.status).toBe(409);
    // the college does not see the record: the id would be a key to the client, so it is not given
    expect(byCollege.body).toEqual({ statusCode: 409, code: 'CLIENT.ALREADY_REGISTERED', message: expect.any(String), visibleToYourAgency: false });
    expect(JSON.stringify(byCollege.body)).not.toMatch(new RegExp(`${clientId}|${surname}|${zara.dateOfBirth}|example\\.org|${NORTH}`, 'i'));
    // …and the audit row of the refusal records which client matched, so the disclosure is traceable
    const refusals = await http('GET', cj(`/audit?recordId=${clientId}&outcome=refused`), { token: tokens.coordinator });
    expect(refusals.body).toEqual([
      expect.objectContaining({ userId: 'sam.college', agencyId: COLLEGE, action: 'RegisterClient.register', recordId: clientId, status: 409, reason: 'CLIENT.ALREADY_REGISTERED' }),
    ]);
    const byNorth = await http('POST', cj('/clients'), { token: tokens.north, body: zara });
    expect(byNorth.body).toMatchObject({ code: 'CLIENT.ALREADY_REGISTERED', clientId, visibleToYourAgency: true });
    expect((await db.query('SELECT count(*)::int AS n FROM client')).rows[0].n).toBe(1);
  });

  it('lets exactly one of two agencies registering the same new person at the same moment win', async () => {
    const ravi = { name: `Ravi ${surname}`, dateOfBirth: `${year - 40}-03-03`, contact: { email: `ravi.${run}@example.org` }, postcode: '10115' };
    const results = await Promise.all([tokens.north, tokens.college, tokens.homes].map((token) => http('POST', cj('/clients'), { token, body: ravi })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    const winner = results.find((r) => r.status === 201)!.body;
    expect(winner).toMatchObject({ ageBand: '35-49', under25: false, region: '10' });
    // the losers' agencies do not see the winner's record: no id, and their refusals are on record against it
    for (const loser of results.filter((r) => r.status === 409)) expect(loser.body).not.toHaveProperty('clientId');
    raviId = winner.id;
    const refusals = await http('GET', cj(`/audit?recordId=${raviId}&outcome=refused`), { token: tokens.coordinator });
    expect(refusals.body.map((r: { reason: string }) => r.reason)).toEqual(['CLIENT.ALREADY_REGISTERED', 'CLIENT.ALREADY_REGISTERED']);
  });

  it('hides the client from agencies without a claim, referral or consent, exactly as if it did not exist', async () => {
    const hidden = await http('GET', cj(`/clients/${clientId}`), { token: tokens.college });
    const missing = await http('GET', cj(`/clients/c-${run}-nobody`), { token: tokens.college });
    expect(hidden).toEqual({ status: 403, body: { statusCode: 403, code: 'ACCESS.CLIENT_NOT_VISIBLE', message: 'Your agency may not see this client.' } });
    expect(missing).toEqual(hidden);
    expect((await http('GET', journeyUrl(), { token: tokens.college })).body.code).toBe('ACCESS.CLIENT_NOT_VISIBLE');
    const consentByStranger = await http('POST', cj(`/clients/${clientId}/consents`), { token: tokens.college, body: { agencyId: COLLEGE, purpose: 'referral', evidence: 'verbal' } });
    expect(consentByStranger.body.code).toBe('ACCESS.CLIENT_NOT_VISIBLE');
  });

  it('records consent to two agencies (and a domain); the one named for case coordination then sees the client; giving it again is a no-op', async () => {
    const college = await giveConsent({ agencyId: COLLEGE, purpose: 'referral', evidence: 'written' });
    expect(college.status).toBe(201);
    expect(college.body).toMatchObject({ clientId, agencyId: COLLEGE, domain: null, purpose: 'referral', evidence: 'written', recordedByAgencyId: NORTH, recordedBy: 'kim.north', withdrawnAt: null });
    consents.college = college.body.id;
    const homes = await giveConsent({ agencyId: HOMES, purpose: 'case-coordination', evidence: 'verbal' });
    expect(homes.status).toBe(201);
    consents.homes = homes.body.id;
    const housing = await giveConsent({ domain: 'housing', purpose: 'referral', evidence: 'electronic' });
    expect(housing.status).toBe(201);
    consents.housing = housing.body.id;

    const again = await giveConsent({ agencyId: COLLEGE, purpose: 'referral', evidence: 'verbal' });
    expect(again).toEqual({ status: 200, body: college.body });

    // visible at once: access follows the consent in the same transaction
    expect((await http('GET', cj(`/clients/${clientId}`), { token: tokens.homes })).body.personalData.name).toBe(zara.name);
    // a consent for referral lets the college receive referrals; it shows the college nothing by itself
    for (const token of [tokens.college, tokens.other]) {
      expect(await http('GET', cj(`/clients/${clientId}`), { token })).toEqual({ status: 403, body: { statusCode: 403, code: 'ACCESS.CLIENT_NOT_VISIBLE', message: 'Your agency may not see this client.' } });
      expect((await http('GET', journeyUrl(), { token })).status).toBe(403);
    }

    const coverage = async (query: string) => (await http('GET', cj(`/clients/${clientId}/consent-coverage?${query}`), { token: tokens.homes })).body;
    expect(await coverage(`agencyId=${COLLEGE}&purpose=referral`)).toEqual({ covered: true, consentIds: [consents.college] });
    expect(await coverage(`agencyId=${COLLEGE}&purpose=outcome-tracking`)).toEqual({ covered: false, consentIds: [] });
    expect(await coverage(`agencyId=${OTHER}&domain=housing&purpose=referral`)).toEqual({ covered: true, consentIds: [consents.housing] });
  });

  it('refuses a consent naming an unknown agency, both an agency and a domain, or nothing to share with', async () => {
    const unknown = await http('POST', cj(`/clients/${clientId}/consents`), { token: tokens.north, body: { agencyId: `cj-${run}-nowhere`, purpose: 'referral', evidence: 'written' } });
    expect(unknown.body).toMatchObject({ statusCode: 422, code: 'CONSENT.UNKNOWN_AGENCY' });
    const both = await http('POST', cj(`/clients/${clientId}/consents`), { token: tokens.north, body: { agencyId: COLLEGE, domain: 'housing', purpose: 'referral', evidence: 'written' } });
    expect(both.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', errors: ['agencyId: give exactly one of agencyId (an agency) or domain (a domain of support)'] });
    const neither = await http('POST', cj(`/clients/${clientId}/consents`), { token: tokens.north, body: { purpose: 'referral', evidence: 'written' } });
    expect(neither.status).toBe(400);
    expect((await db.query('SELECT count(*)::int AS n FROM consent WHERE client_id = $1', [clientId])).rows[0].n).toBe(3);
  });

  it('keeps case notes sealed, written and read by the agencies that see the client, and by no one else', async () => {
    const note = (token: string, body: Record<string, unknown>, id = clientId) => command('POST', cj(`/clients/${id}/notes`), { token, body });
    const byNorth = await note(tokens.north, { text: noteText });
    expect(byNorth.status).toBe(201);
    // the answer (kept for retries) carries the note without its text
    expect(byNorth.body).toEqual({ id: expect.any(String), clientId, referralId: null, recordedByAgencyId: NORTH, recordedBy: 'kim.north', recordedAt: expect.any(String) });
    expect((await note(tokens.homes, { text: '  Would rather start after the summer.  ' })).status).toBe(201);
    expect((await note(tokens.north, { text: 'About a referral she never had', referralId: randomUUID() })).body).toMatchObject({ statusCode: 422, code: 'NOTE.UNKNOWN_REFERRAL' });
    expect((await note(tokens.north, { text: ' ' })).body).toMatchObject({ statusCode: 400, errors: ['text: text must not be blank'] });

    // an agency that does not see the client gets what it would get for a client that does not exist
    const hidden = await http('POST', cj(`/clients/${clientId}/notes`), { token: tokens.other, body: { text: 'x' } });
    const missing = await http('POST', cj(`/clients/c-${run}-nobody/notes`), { token: tokens.other, body: { text: 'x' } });
    expect(hidden).toEqual({ status: 403, body: { statusCode: 403, code: 'ACCESS.CLIENT_NOT_VISIBLE', message: 'Your agency may not see this client.' } });
    expect(missing).toEqual(hidden);
    expect(await http('GET', cj(`/clients/${clientId}/notes`), { token: tokens.other })).toEqual(hidden);

    const read = await http('GET', cj(`/clients/${clientId}/notes`), { token: tokens.homes });
    expect(read.status).toBe(200);
    expect(read.body.map((n: { recordedByAgencyId: string; text: string }) => [n.recordedByAgencyId, n.text])).toEqual([
      [NORTH, noteText],
      [HOMES, 'Would rather start after the summer.'],
    ]);
    // at rest: ciphertext only, and no answer kept for a retry repeats the text
    expect((await db.query('SELECT count(*)::int AS n FROM client_note WHERE client_id = $1', [clientId])).rows[0].n).toBe(2);
    expect((await db.query('SELECT count(*)::int AS n FROM idempotency_key WHERE record_id = $1', [clientId])).rows[0].n).toBeGreaterThanOrEqual(2);
    expect(await rowsContaining(noteWord)).toEqual([]);
    expect(await rowsContaining('after the summer')).toEqual([]);
  });

  it("audits every read of the client's data, allowed or refused, and shows the trail to the lead agency only", async () => {
    expect((await http('GET', cj(`/clients/${clientId}`), { token: tokens.homes })).status).toBe(200);
    expect((await http('GET', journeyUrl(), { token: tokens.homes })).status).toBe(200);
    expect((await http('GET', cj(`/clients/${clientId}/consent-coverage?agencyId=${COLLEGE}&purpose=referral`), { token: tokens.homes })).status).toBe(200);
    expect((await http('GET', cj(`/clients/${clientId}`), { token: tokens.other })).status).toBe(403);

    const trail = await http('GET', cj(`/clients/${clientId}/audit`), { token: tokens.northLee });
    expect(trail.status).toBe(200);
    const row = (action: string, agencyId: string, outcome: string) =>
      trail.body.find((r: { action: string; agencyId: string; outcome: string }) => r.action === action && r.agencyId === agencyId && r.outcome === outcome);
    expect(row('GetClient.get', HOMES, 'allowed')).toMatchObject({ userId: 'ali.homes', method: 'GET', recordId: clientId, status: 200, reason: null, at: expect.any(String) });
    expect(row('GetClient.get', COLLEGE, 'refused')).toMatchObject({ userId: 'sam.college', status: 403, reason: 'ACCESS.CLIENT_NOT_VISIBLE' });
    expect(row('GetJourney.journey', HOMES, 'allowed')).toMatchObject({ userId: 'ali.homes', recordId: clientId });
    expect(row('CheckConsentCoverage.check', HOMES, 'allowed')).toMatchObject({ recordId: clientId });
    expect(row('GetNotes.notes', HOMES, 'allowed')).toMatchObject({ recordId: clientId });
    expect(row('GetNotes.notes', OTHER, 'refused')).toMatchObject({ status: 403, reason: 'ACCESS.CLIENT_NOT_VISIBLE' });
    expect(row('GetClient.get', OTHER, 'refused')).toMatchObject({ userId: 'pat.other', status: 403, reason: 'ACCESS.CLIENT_NOT_VISIBLE' });
    expect(row('RecordNote.record', NORTH, 'allowed')).toMatchObject({ recordId: clientId, status: 201 });
    expect(row('RegisterClient.register', COLLEGE, 'refused')).toMatchObject({ reason: 'CLIENT.ALREADY_REGISTERED' });
    expect(trail.body.every((r: { recordId: string }) => r.recordId === clientId)).toBe(true);

    // the lead's caseworkers only: an agency that may not follow the client gets the refusal of a client that does not exist
    const nobody = await http('GET', cj(`/clients/c-${run}-nobody/audit`), { token: tokens.college });
    expect(nobody).toEqual({ status: 403, body: { statusCode: 403, code: 'ACCESS.CLIENT_NOT_VISIBLE', message: 'Your agency may not see this client.' } });
    for (const token of [tokens.college, tokens.other]) expect(await http('GET', cj(`/clients/${clientId}/audit`), { token })).toEqual(nobody);
    // one that works with the client is told it is not the lead
    expect((await http('GET', cj(`/clients/${clientId}/audit`), { token: tokens.homes })).body.code).toBe('ACCESS.NOT_LEAD_AGENCY');
    expect((await http('GET', cj(`/clients/${clientId}/audit`), { token: tokens.coordinator })).body.code).toBe('ACCESS.ROLE_NOT_ALLOWED');
    // coordinators read the same rows in the service's trail
    const coordinator = await http('GET', cj(`/audit?recordId=${clientId}&agencyId=${OTHER}`), { token: tokens.coordinator });
    expect([...new Set(coordinator.body.map((r: { action: string }) => r.action))].sort()).toEqual(['GetClient.get', 'GetClientAudit.trail', 'GetJourney.journey', 'GetNotes.notes', 'RecordNote.record']);
  });

  it('answers no data it could not put on record (503), and nothing a cache may keep', async () => {
    // PostgreSQL refuses one user's audit rows, as it would refuse anyone's with the disk full
    await db.query(`CREATE FUNCTION refuse_blocked_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.user_id = 'blocked.north' THEN RAISE EXCEPTION 'audit row refused'; END IF; RETURN NEW; END $$`);
    await db.query('CREATE TRIGGER audit_log_refuse_blocked BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_blocked_audit()');
    try {
      const blocked = await tokenFor('caseworker', NORTH, 'blocked.north');
      for (const path of [`/clients/${clientId}`, `/clients/${clientId}/journey`, `/clients/${clientId}/notes`, `/clients/${clientId}/consent-coverage?agencyId=${COLLEGE}`]) {
        const res = await fetch(cj(path), { headers: { authorization: `Bearer ${blocked}` } });
        const text = await res.text();
        expect({ path, status: res.status, code: JSON.parse(text).code }).toEqual({ path, status: 503, code: 'SERVICE_UNAVAILABLE' });
        expect(text).not.toMatch(new RegExp(`${surname}|${noteWord}|${zara.dateOfBirth}|covered`, 'i'));
      }
    } finally {
      await db.query('DROP TRIGGER audit_log_refuse_blocked ON audit_log');
      await db.query('DROP FUNCTION refuse_blocked_audit');
    }
    expect((await http('GET', cj(`/clients/${clientId}`), { token: tokens.north })).status).toBe(200);

    const answers = [
      await fetch(cj(`/clients/${clientId}`), { headers: { authorization: `Bearer ${tokens.north}` } }),
      await fetch(cj(`/clients/${clientId}/notes`), { headers: { authorization: `Bearer ${tokens.other}` } }),
      await fetch(cj('/clients'), { method: 'POST', headers: { authorization: `Bearer ${tokens.college}`, 'content-type': 'application/json' }, body: JSON.stringify(zara) }),
      await fetch(cj(`/clients/${clientId}/journey`)),
    ];
    expect(answers.map((a) => [a.status, a.headers.get('cache-control')])).toEqual([
      [200, 'no-store'],
      [403, 'no-store'],
      [409, 'no-store'],
      [401, 'no-store'],
    ]);
  });

  it('records milestones from the agencies working with the client, deciding each against the history', async () => {
    const record = (token: string, body: Record<string, unknown>) => http('POST', cj(`/clients/${clientId}/milestones`), { token, body });
    const steps: [string, Record<string, unknown>][] = [
      [tokens.north, { milestone: 'barrier-identified', domain: 'housing', occurredOn: daysAgo(200) }],
      [tokens.homes, { milestone: 'training-started', occurredOn: daysAgo(190) }],
      [tokens.homes, { milestone: 'barrier-resolved', domain: 'housing', occurredOn: daysAgo(180) }],
      [tokens.homes, { milestone: 'training-completed', occurredOn: daysAgo(160) }],
      [tokens.north, { milestone: 'job-entry', occurredOn: daysAgo(150) }],
      [tokens.north, { milestone: 'sustained-employment-13-weeks', occurredOn: daysAgo(150 - 91) }],
    ];
    for (const [token, body] of steps) {
      const res = await record(token, body);
      expect({ body, status: res.status }).toEqual({ body, status: 201 });
      expect(res.body).toMatchObject({ clientId, ...body, leadAgencyId: NORTH });
    }
    const jobAgain = await record(tokens.north, { milestone: 'job-entry', occurredOn: daysAgo(150) });
    expect(jobAgain.status).toBe(200);

    expect((await record(tokens.north, { milestone: 'sustained-employment-26-weeks', occurredOn: daysAgo(10) })).body.code).toBe('MILESTONE.TOO_EARLY');
    expect((await record(tokens.north, { milestone: 'sustained-employment-13-weeks', occurredOn: daysAgo(5) })).body).toMatchObject({ statusCode: 409, code: 'MILESTONE.ALREADY_CREDITED' });
    expect((await record(tokens.north, { milestone: 'barrier-resolved', domain: 'health', occurredOn: daysAgo(5) })).body).toMatchObject({ statusCode: 422, code: 'MILESTONE.NO_OPEN_BARRIER' });
    const future = await record(tokens.north, { milestone: 'job-entry', occurredOn: daysAgo(-2) });
    expect(future.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', errors: ['occurredOn: occurredOn must not be in the future'] });
    for (const stranger of [tokens.other, tokens.college]) expect((await record(stranger, { milestone: 'job-entry', occurredOn: daysAgo(1) })).body.code).toBe('ACCESS.CLIENT_NOT_VISIBLE');
    expect((await db.query('SELECT count(*)::int AS n FROM milestone WHERE client_id = $1', [clientId])).rows[0].n).toBe(steps.length);
  });

  it('shows every referral, consent and milestone event for the client across agencies, in order', async () => {
    const referral = await requestReferral({ clientId, fromAgencyId: NORTH, toAgencyId: COLLEGE, domain: 'training' });
    expect(referral.status).toBe(201);
    const expected = [
      'ClientRegistered',
      'KeyWorkerAssigned',
      'ConsentGiven',
      'ConsentGiven',
      'ConsentGiven',
      ...Array(6).fill('MilestoneRecorded'),
      'ReferralRequested',
    ];
    // the referral service credits the outcome milestones (UA-10): training start, job entry, 13 weeks
    const all = await waitFor(async () => {
      const got = await journey(tokens.homes, expected.length);
      return got.filter((e) => e.type === 'OutcomeCredited').length === 3 && got.some((e) => e.type === 'ReferralRequested') ? got : undefined;
    }, { what: 'the referral and the three credited outcomes' });
    expect(all.filter((e) => e.type === 'OutcomeCredited').map((e) => e.details.outcome)).toEqual(['training-started', 'job-entry', 'sustained-employment-13-weeks']);
    const entries = all.filter((e) => e.type !== 'OutcomeCredited');
    expect(entries.map((e) => e.type)).toEqual(expected);
    const times = entries.map((e) => e.occurredAt);
    expect([...times].sort()).toEqual(times);
    expect(entries[0]).toMatchObject({ summary: `Registered by ${NORTH} (age band 18-24, region NB)`, details: { ageBand: '18-24', under25: true, region: 'NB' } });
    expect(entries[2]).toMatchObject({ agencyIds: [COLLEGE, NORTH], details: { consentId: consents.college, purpose: 'referral' } });
    expect(entries.filter((e) => e.type === 'MilestoneRecorded').map((e) => e.details.milestone)).toEqual([
      'barrier-identified',
      'training-started',
      'barrier-resolved',
      'training-completed',
      'job-entry',
      'sustained-employment-13-weeks',
    ]);
    expect(entries[7]).toMatchObject({ agencyIds: [HOMES, NORTH], details: { recordedByAgencyId: HOMES, leadAgencyId: NORTH, ageBand: '18-24', under25: true } });
    expect(entries[11]).toMatchObject({ agencyIds: [NORTH, COLLEGE], details: { referralId: referral.body.id } });
    expect(JSON.stringify(entries)).not.toMatch(new RegExp(`${surname}|${zara.dateOfBirth}|example\\.org`, 'i'));
  });

  it('applies a re-delivered event once: the duplicate is consumed as a no-op', async () => {
    const isGiven = (x: ReadMessage) => x.key === clientId && JSON.parse(x.value!).type === 'ConsentGiven' && x.value!.includes(consents.college);
    const messages = await readTopic(brokers(), TOPICS.clients.name, (m) => m.some(isGiven));
    const original = messages.find(isGiven)!;
    const before = { duplicates: await consumed('duplicate'), entries: (await journey(tokens.north, 12)).length };
    const producer = new Kafka({ clientId: `cj-${run}-redeliver`, brokers: brokers().split(','), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    try {
      await producer.send({ topic: TOPICS.clients.name, messages: [{ key: original.key, value: original.value, headers: original.headers }] });
    } finally {
      await producer.disconnect();
    }
    await waitFor(async () => (await consumed('duplicate')) > before.duplicates, { what: 'the duplicate to be consumed', timeoutMs: 15000 });
    expect((await journey(tokens.north, 12)).length).toBe(before.entries);
  });

  it('withdraws a consent at once: the event is published and the agency no longer sees the client', async () => {
    const res = await http('POST', cj(`/clients/${clientId}/consents/${consents.homes}/withdrawal`), { token: tokens.homes, body: { evidence: 'written' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: consents.homes, withdrawnAt: expect.any(String), withdrawalReason: 'client-request', withdrawalEvidence: 'written', withdrawnBy: 'ali.homes' });
    // no waiting: the access row was revoked in the withdrawal's own transaction
    expect((await http('GET', cj(`/clients/${clientId}`), { token: tokens.homes })).body.code).toBe('ACCESS.CLIENT_NOT_VISIBLE');
    expect((await http('GET', journeyUrl(), { token: tokens.homes })).body.code).toBe('ACCESS.CLIENT_NOT_VISIBLE');
    // the college still sees the client, through the referral it received
    expect((await http('GET', cj(`/clients/${clientId}`), { token: tokens.college })).status).toBe(200);

    const again = await http('POST', cj(`/clients/${clientId}/consents/${consents.homes}/withdrawal`), { token: tokens.north, body: { evidence: 'verbal' } });
    expect(again).toEqual({ status: 200, body: res.body });
    const never = await http('POST', cj(`/clients/${clientId}/consents/${randomUUID()}/withdrawal`), { token: tokens.north, body: { evidence: 'verbal' } });
    expect(never).toEqual({ status: 404, body: { statusCode: 404, code: 'CONSENT.NOT_FOUND', message: 'This client never gave that consent.' } });
    expect((await http('POST', cj(`/clients/${clientId}/consents/not-a-uuid/withdrawal`), { token: tokens.north, body: { evidence: 'verbal' } })).status).toBe(400);

    const isWithdrawn = (x: ReadMessage) => x.key === clientId && JSON.parse(x.value!).type === 'ConsentWithdrawn';
    const messages = await readTopic(brokers(), TOPICS.clients.name, (m) => m.some(isWithdrawn));
    const withdrawn = messages.filter(isWithdrawn).map((x) => JSON.parse(x.value!));
    expect(withdrawn).toHaveLength(1);
    expect(withdrawn[0]).toMatchObject({
      type: 'ConsentWithdrawn',
      producer: 'client-journey',
      key: clientId,
      actor: { userId: 'ali.homes', agencyId: HOMES, role: 'caseworker' },
      data: { clientId, consentId: consents.homes, agencyId: HOMES, purpose: 'case-coordination', reason: 'client-request', evidence: 'written', recordedByAgencyId: HOMES },
    });
  });

  it('keeps continuity visible and moves the lead only by a handover referral, which both services follow (UA-3)', async () => {
    const keyWorker = (token: string, body: Record<string, unknown>) => http('PUT', cj(`/clients/${clientId}/key-worker`), { token, body });
    expect((await keyWorker(tokens.college, { keyWorkerId: 'sam.college' })).body.code).toBe('ACCESS.NOT_LEAD_AGENCY');
    const lee = await keyWorker(tokens.northLee, {});
    expect(lee.body).toMatchObject({ leadAgencyId: NORTH, keyWorker: { userId: 'lee.north', agencyId: NORTH, daysWithKeyWorker: 0 } });
    expect((await keyWorker(tokens.northLee, {})).body).toEqual(lee.body);
    // the lead is not handed over here: only a referral that hands it over, once accepted, moves it
    for (const leadAgencyId of [OTHER, COLLEGE]) {
      expect((await keyWorker(tokens.north, { leadAgencyId, keyWorkerId: 'pat.other' })).body).toMatchObject({ statusCode: 409, code: 'CLIENT.LEAD_MOVES_BY_REFERRAL' });
    }
    expect((await http('GET', cj(`/clients/${clientId}`), { token: tokens.north })).body.leadAgencyId).toBe(NORTH);

    const handover = await requestReferral({ clientId, fromAgencyId: NORTH, toAgencyId: COLLEGE, domain: 'employment-case-management', handsOverLead: true });
    expect(handover.status).toBe(201);
    const accepted = await http('POST', platform.url('referral', `/referrals/${handover.body.id}/accept`), { token: tokens.college });
    expect(accepted.status).toBe(200);
    const handedOver = await waitFor(async () => {
      const res = await http('GET', cj(`/clients/${clientId}`), { token: tokens.college });
      return res.body?.leadAgencyId === COLLEGE ? res.body : undefined;
    }, { what: 'client-journey to follow the handover' });
    // the referral service names the same lead
    expect((await http('GET', platform.url('referral', `/clients/${clientId}/case`), { token: tokens.college })).body.leadAgencyId).toBe(COLLEGE);
    // the new lead names its own key worker; until then the client has none
    expect(handedOver.keyWorker).toBeNull();
    expect(handedOver.keyWorkerHistory.map((p: { userId: string; to: string | null }) => [p.userId, p.to === null])).toEqual([
      ['kim.north', false],
      ['lee.north', false],
    ]);
    expect((await keyWorker(tokens.north, {})).body.code).toBe('ACCESS.NOT_LEAD_AGENCY');
    const sam = await keyWorker(tokens.college, {});
    expect(sam.body).toMatchObject({ leadAgencyId: COLLEGE, keyWorker: { userId: 'sam.college', agencyId: COLLEGE } });

    const timeline = await waitFor(async () => {
      const entries = await journey(tokens.college, 15);
      const last = entries.filter((e) => e.type === 'KeyWorkerAssigned').at(-1);
      return entries.some((e) => e.type === 'LeadHandedOver') && last?.agencyIds.includes(COLLEGE) ? entries : undefined;
    }, { what: 'the handover and the new key worker on the timeline' });
    expect(timeline.find((e) => e.type === 'LeadHandedOver')).toMatchObject({ summary: `Lead handed over from ${NORTH} to ${COLLEGE}` });
    expect(timeline.filter((e) => e.type === 'KeyWorkerAssigned').at(-1)).toMatchObject({ summary: `Key worker sam.college at ${COLLEGE}` });
  });

  it('refuses bad input with a clear 4xx and writes nothing', async () => {
    const clients = async () => (await db.query('SELECT count(*)::int AS n FROM client')).rows[0].n;
    const before = await clients();
    const tomorrow = daysAgo(-1);
    const future = await http('POST', cj('/clients'), { token: tokens.north, body: { ...zara, name: 'Fut Ure', dateOfBirth: tomorrow } });
    expect(future.body).toEqual({ statusCode: 400, code: 'VALIDATION_FAILED', message: 'The request is invalid; see errors for each bad field.', errors: ['dateOfBirth: dateOfBirth must not be in the future'] });
    const stray = await http('POST', cj('/clients'), { token: tokens.north, body: { ...zara, nationalId: 'AB123456C' } });
    expect(stray.body.errors).toEqual(['nationalId: property nationalId should not exist']);
    expect((await http('POST', cj('/clients'), { token: tokens.north, raw: '{"name": ' })).body.code).toBe('MALFORMED_JSON');
    for (const role of ['coordinator', 'agency-admin', 'analyst', 'operator']) {
      const res = await http('POST', cj('/clients'), { token: await tokenFor(role, role === 'agency-admin' ? NORTH : undefined), body: { ...zara, name: 'Role Test' } });
      expect({ role, code: res.body.code }).toEqual({ role, code: 'ACCESS.ROLE_NOT_ALLOWED' });
    }
    expect(await clients()).toBe(before);

    expect((await http('GET', cj('/clients/Zara%20Quill'), { token: tokens.north })).status).toBe(400);
    const unknownClient = await http('POST', cj(`/clients/c-${run}-nobody/milestones`), { token: tokens.north, body: { milestone: 'job-entry', occurredOn: daysAgo(1) } });
    expect(unknownClient.body.code).toBe('ACCESS.CLIENT_NOT_VISIBLE');

  });

  it('erases the personal data everywhere on request, keeping the pseudonymous history and the reports', async () => {
    const erase = (token: string) => http('POST', cj(`/clients/${clientId}/erasure`), { token, body: { evidence: 'written' } });
    expect((await erase(tokens.north)).body.code).toBe('ACCESS.NOT_LEAD_AGENCY');
    expect((await erase(tokens.analyst)).body.code).toBe('ACCESS.ROLE_NOT_ALLOWED');
    const erased = await erase(tokens.college);
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ id: clientId, erasedAt: expect.any(String), ageBand: '18-24', region: 'NB' });
    expect(await erase(tokens.college)).toEqual(erased);
    expect((await http('POST', cj(`/clients/c-${run}-nobody/erasure`), { token: tokens.coordinator, body: { evidence: 'written' } })).body.code).toBe('CLIENT.NOT_FOUND');
    // a coordinator acts for the partnership: no agency, no visibility needed, no personal data seen
    const byCoordinator = await http('POST', cj(`/clients/${raviId}/erasure`), { token: tokens.coordinator, body: { evidence: 'verbal' } });
    expect(byCoordinator.body).toMatchObject({ id: raviId, erasedAt: expect.any(String) });
    expect((await db.query('SELECT count(*)::int AS n FROM client_personal_data WHERE client_id = ANY($1)', [[raviId]])).rows[0].n).toBe(0);

    // No personal data left in any table: the sealed row and its blind index, the notes and the answers kept for retries are gone.
    expect((await db.query('SELECT count(*)::int AS n FROM client_personal_data WHERE client_id = $1', [clientId])).rows[0].n).toBe(0);
    expect((await db.query('SELECT count(*)::int AS n FROM client_note WHERE client_id = $1', [clientId])).rows[0].n).toBe(0);
    expect((await db.query('SELECT count(*)::int AS n FROM idempotency_key WHERE record_id = $1', [clientId])).rows[0].n).toBe(0);
    expect((await http('GET', cj(`/clients/${clientId}/notes`), { token: tokens.college })).body).toEqual([]);
    for (const needle of personalNeedles) expect({ needle, tables: await rowsContaining(needle) }).toEqual({ needle, tables: [] });

    const record = await http('GET', cj(`/clients/${clientId}`), { token: tokens.college });
    expect(record.body).toMatchObject({ personalData: null, erasedAt: erased.body.erasedAt });
    expect(record.body.consents.every((c: { withdrawnAt: string | null }) => c.withdrawnAt !== null)).toBe(true);
    expect((await http('POST', cj(`/clients/${clientId}/milestones`), { token: tokens.college, body: { milestone: 'left-programme', occurredOn: today } })).body).toMatchObject({
      statusCode: 410,
      code: 'CLIENT.ERASED',
    });

    const entries = await journey(tokens.college, 18);
    const clientEvents = entries.filter((e) => ['ConsentWithdrawn', 'ClientErased'].includes(e.type));
    expect(clientEvents.slice(-3).map((e) => [e.type, e.details.reason ?? null])).toEqual([
      ['ConsentWithdrawn', 'client-erased'],
      ['ConsentWithdrawn', 'client-erased'],
      ['ClientErased', null],
    ]);
    // withdrawn consent no longer covers the open referral, so the platform cancels it (UA-2)
    await waitFor(async () => (await journey(tokens.college, 18)).some((e) => e.type === 'ReferralCancelled' && e.details.reason === 'consent-withdrawn'), {
      what: 'the referral cancelled for withdrawn consent',
    });
    expect(entries.map((e) => e.type)).toContain('ClientRegistered');

    // Reports built on the pseudonymous streams still count the client's referral (in the
    // projection: a report publishes no figure resting on one client).
    const projected = await waitFor(async () => (await projectedReferrals(platform, { clientId })).find((r) => r.toAgencyId === COLLEGE), { what: 'the referral in the reporting projection' });
    expect(projected).toMatchObject({ toAgencyId: COLLEGE });

    // The person is unlinkable now: registering them again makes a new, unrelated pseudonymous id.
    const again = await http('POST', cj('/clients'), { token: tokens.north, body: zara });
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(clientId);
  });

  it('never puts the name, date of birth or contact on any topic, read by an independent client', async () => {
    const clientEvents = await readTopic(brokers(), TOPICS.clients.name, (m) => m.some((x) => x.key === clientId && JSON.parse(x.value!).type === 'ClientErased'));
    const mine = clientEvents.filter((x) => x.key === clientId).map((x) => JSON.parse(x.value!));
    expect(mine.map((e) => e.type)).toEqual(
      expect.arrayContaining(['ClientRegistered', 'KeyWorkerAssigned', 'ConsentGiven', 'ConsentWithdrawn', 'MilestoneRecorded', 'ClientErased']),
    );
    // After erasure the stream still carries what reporting needs: the derived attributes only.
    expect(mine.find((e) => e.type === 'ClientRegistered').data).toEqual({
      clientId,
      ageBand: '18-24',
      under25: true,
      region: 'NB',
      registeredByAgencyId: NORTH,
      registeredAt: expect.any(String),
    });
    const everything: ReadMessage[] = [
      ...clientEvents,
      ...(await readTopic(brokers(), TOPICS.referrals.name, (m) => m.some((x) => x.key === clientId))),
      ...(await readTopic(brokers(), TOPICS.agencies.name, (m) => m.some((x) => x.key === OTHER))),
      ...(await readTopic(brokers(), TOPICS.deadLetters.name, () => false, 3000)),
    ];
    expect(everything.length).toBeGreaterThan(mine.length);
    const text = everything.map((m) => `${m.key}\n${m.value}\n${JSON.stringify(m.headers)}`).join('\n').toLowerCase();
    expect(text).toContain(clientId); // the scan reads what is there
    for (const needle of [...personalNeedles, `Ravi ${surname}`]) expect({ needle, found: text.includes(needle.toLowerCase()) }).toEqual({ needle, found: false });
  });
});
