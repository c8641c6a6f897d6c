import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { TOPICS } from '@umbrella/contracts';
import { command, enrolAgencies, http, HttpResult, readTopic, referWhenReady, SERVICE_NAMES, ServiceName, startPlatform, TestPlatform, tokenFor, waitFor } from '../index';

/**
 * The right to erasure, end to end: a client with a distinctive name, email, phone, date of birth,
 * postcode and case notes is registered, consented, referred (one referral rejected, its details
 * offered as free text), followed by milestones and read by every agency working with them, then
 * erased. Afterwards no database of the four services — every column of every table, bytes
 * included — and no answer of any API that names the client, to any involved agency or
 * partnership role, holds any of it.
 */
const run = randomUUID().slice(0, 8);
const LEAD = `er-${run}-lead`;
const COLLEGE = `er-${run}-college`;
const HOMES = `er-${run}-homes`;
const OUTSIDER = `er-${run}-outsider`;
const brokers = () => process.env.KAFKA_BROKERS as string;

// Words no other run writes (letters only), so finding one anywhere is finding this client's data.
const letters = run.replace(/\d/g, (d) => 'ghijklmnop'[Number(d)]);
const surname = `Fairweather${letters}`;
const year = new Date().getUTCFullYear();
const daysAgo = (n: number) => new Date(Date.now() - n * 86400000).toISOString().slice(0, 10);
const digits = run.replace(/[a-f]/g, (h) => String('abcdef'.indexOf(h) + 4)).slice(0, 5);
const person = {
  name: `Ottoline ${surname}`,
  dateOfBirth: `${year - 37}-11-23`,
  contact: { email: `ottoline.${letters}@example.net`, phone: `+44 7700 9${digits}` },
  postcode: 'QZ7 3XJ',
};
const leadNoteWord = `Tenancy${letters}`;
const reasonWord = `Custody${letters}`;
const collegeNoteWord = `Evening${letters}`;
const leadNote = `${person.name} shares a flat with her aunt (${leadNoteWord}); call ${person.contact.phone} after 5pm.`;
const reasonText = `Turned down: ${person.name} is in a ${reasonWord} hearing until spring.`;
const collegeNote = `Rejected for now: ${reasonWord} hearing; she asked about ${collegeNoteWord} classes instead.`;

/** Everything personal about the client, as it could appear anywhere (compared without regard to case). */
const needles = [
  person.name,
  surname,
  person.dateOfBirth,
  person.contact.email,
  person.contact.phone,
  person.contact.phone.replace(/\s/g, ''),
  person.postcode,
  person.postcode.replace(/\s/g, ''),
  leadNoteWord,
  reasonWord,
  collegeNoteWord,
];

interface Scan {
  readonly tables: number;
  readonly cells: number;
  /** `table.column: needle` for each hit. */
  readonly found: string[];
  /** Whether some cell held the pseudonymous id: the scan reads what is there. */
  readonly sawClientId: boolean;
}

/** Reads every column of every table of a database as text (bytes as escaped text) and looks for the needles. */
async function scanDatabase(url: string, clientId: string): Promise<Scan> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const { rows: columns } = await db.query<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' ORDER BY c.table_name, c.ordinal_position`,
    );
    const tables = new Map<string, { column: string; bytes: boolean }[]>();
    for (const c of columns) tables.set(c.table_name, [...(tables.get(c.table_name) ?? []), { column: c.column_name, bytes: c.data_type === 'bytea' }]);
    const found: string[] = [];
    let cells = 0;
    let sawClientId = false;
    const lowered = needles.map((n) => n.toLowerCase());
    for (const [table, cols] of tables) {
      const select = cols.map((c, i) => `${c.bytes ? `encode("${c.column}", 'escape')` : `"${c.column}"::text`} AS c${i}`).join(', ');
      const { rows } = await db.query<Record<string, string | null>>(`SELECT ${select} FROM "${table}"`);
      for (const row of rows) {
        cols.forEach((c, i) => {
          const value = row[`c${i}`];
          if (value === null || value === undefined) return;
          cells += 1;
          const text = value.toLowerCase();
          if (text.includes(clientId)) sawClientId = true;
          lowered.forEach((needle, n) => {
            if (text.includes(needle)) found.push(`${table}.${c.column}: ${needles[n]}`);
          });
        });
      }
    }
    return { tables: tables.size, cells, found, sawClientId };
  } finally {
    await db.end();
  }
}

function containing(text: string): string[] {
  const lower = text.toLowerCase();
  return needles.filter((n) => lower.includes(n.toLowerCase()));
}

describe('erasure: nothing personal about a client is left anywhere', () => {
  let platform: TestPlatform;
  let clientId: string;
  let rejectedId: string;
  let openId: string;
  const tokens = {} as Record<'lead' | 'college' | 'homes' | 'outsider' | 'leadAdmin' | 'collegeAdmin' | 'coordinator' | 'analyst' | 'operator', string>;
  const cj = (path: string) => platform.url('client-journey', path);
  const ref = (path: string) => platform.url('referral', path);

  beforeAll(async () => {
    platform = await startPlatform(19400, 'erasure');
    tokens.lead = await tokenFor('caseworker', LEAD, 'jo.lead');
    tokens.college = await tokenFor('caseworker', COLLEGE, 'sam.college');
    tokens.homes = await tokenFor('caseworker', HOMES, 'ali.homes');
    tokens.outsider = await tokenFor('caseworker', OUTSIDER, 'pat.outsider');
    tokens.leadAdmin = await tokenFor('agency-admin', LEAD);
    tokens.collegeAdmin = await tokenFor('agency-admin', COLLEGE);
    tokens.coordinator = await tokenFor('coordinator');
    tokens.analyst = await tokenFor('analyst');
    tokens.operator = await tokenFor('operator');
    await enrolAgencies(platform, [
      { id: LEAD, stakeholderType: 'public-employment-service', region: `er-${run}` },
      { id: COLLEGE, stakeholderType: 'education-or-training-provider', region: `er-${run}` },
      { id: HOMES, stakeholderType: 'housing', region: `er-${run}` },
      { id: OUTSIDER, stakeholderType: 'ngo', region: `er-${run}` },
    ]);
  }, 120000);

  afterAll(async () => {
    await platform?.stop();
  });

  /** A command that client-journey may refuse for a moment while its copy of the directory or the timeline catches up. */
  function commandWhenKnown(url: string, token: string, body: Record<string, unknown>, lagging: string): Promise<HttpResult> {
    return waitFor(async () => {
      const res = await command('POST', url, { token, body });
      return res.body?.code === lagging ? undefined : res;
    }, { what: `client-journey to catch up (${lagging})`, timeoutMs: 30000, intervalMs: 200 });
  }

  it('registers, consents, refers, rejects, notes and follows the client, as the agencies working with them', async () => {
    const registered = await command('POST', cj('/clients'), { token: tokens.lead, body: person });
    expect(registered.status).toBe(201);
    clientId = registered.body.id;
    expect(registered.body).toMatchObject({ region: 'QZ', leadAgencyId: LEAD });

    const college = await commandWhenKnown(cj(`/clients/${clientId}/consents`), tokens.lead, { agencyId: COLLEGE, purpose: 'referral', evidence: 'written' }, 'CONSENT.UNKNOWN_AGENCY');
    expect(college.status).toBe(201);
    const homes = await commandWhenKnown(cj(`/clients/${clientId}/consents`), tokens.lead, { agencyId: HOMES, purpose: 'case-coordination', evidence: 'verbal' }, 'CONSENT.UNKNOWN_AGENCY');
    expect(homes.status).toBe(201);
    expect((await command('POST', cj(`/clients/${clientId}/notes`), { token: tokens.lead, body: { text: leadNote } })).status).toBe(201);

    const rejected = await referWhenReady(platform, tokens.lead, { clientId, fromAgencyId: LEAD, toAgencyId: COLLEGE, domain: 'training' });
    expect(rejected.status).toBe(201);
    rejectedId = rejected.body.id;
    // free text is refused by the referral service, pointing to the client's notes…
    const withText = await command('POST', ref(`/referrals/${rejectedId}/reject`), { token: tokens.college, body: { reason: 'other', reasonText } });
    expect(withText.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', errors: [expect.stringMatching(/^reasonText: .*\/clients\/\{clientId\}\/notes/)] });
    // …so the referral keeps its structured reason, and the details go on the client's record
    const rejection = await command('POST', ref(`/referrals/${rejectedId}/reject`), { token: tokens.college, body: { reason: 'other' } });
    expect(rejection.body).toMatchObject({ status: 'rejected', reason: 'other' });
    // the college works with the client again through a referral it accepts (a consent for referral shows it nothing by itself)
    const open = await referWhenReady(platform, tokens.lead, { clientId, fromAgencyId: LEAD, toAgencyId: COLLEGE, domain: 'confidence-and-motivation' });
    expect(open.status).toBe(201);
    openId = open.body.id;
    expect((await command('POST', ref(`/referrals/${openId}/accept`), { token: tokens.college, body: {} })).body).toMatchObject({ status: 'accepted' });
    await waitFor(async () => ((await http('GET', cj(`/clients/${clientId}`), { token: tokens.college })).status === 200 ? true : undefined), {
      what: 'client-journey to show the client to the college',
    });
    const note = await commandWhenKnown(cj(`/clients/${clientId}/notes`), tokens.college, { text: collegeNote, referralId: rejectedId }, 'NOTE.UNKNOWN_REFERRAL');
    expect(note.body).toMatchObject({ clientId, referralId: rejectedId, recordedByAgencyId: COLLEGE });

    const milestone = (token: string, body: Record<string, unknown>) => command('POST', cj(`/clients/${clientId}/milestones`), { token, body });
    expect((await milestone(tokens.lead, { milestone: 'barrier-identified', domain: 'housing', occurredOn: daysAgo(30) })).status).toBe(201);
    expect((await milestone(tokens.college, { milestone: 'training-started', occurredOn: daysAgo(10) })).status).toBe(201);
    expect((await milestone(tokens.homes, { milestone: 'barrier-resolved', domain: 'housing', occurredOn: daysAgo(5) })).status).toBe(201);

    // every agency working with the client reads what it may: the reads and their audit rows exist before erasure
    const record = await http('GET', cj(`/clients/${clientId}`), { token: tokens.homes });
    expect(record.body.personalData).toEqual({ name: person.name, dateOfBirth: person.dateOfBirth, contact: person.contact, postcode: person.postcode });
    const notes = await http('GET', cj(`/clients/${clientId}/notes`), { token: tokens.college });
    expect(notes.body.map((n: { text: string }) => n.text)).toEqual([leadNote, collegeNote]);
    await waitFor(async () => ((await http('GET', ref(`/clients/${clientId}/case`), { token: tokens.college })).body?.claims?.length ? true : undefined), {
      what: 'the claim on the case',
    });

    // an agency that does not see the client learns only that the person is registered: no id
    const duplicate = await http('POST', cj('/clients'), { token: tokens.outsider, body: person });
    expect(duplicate.body).toEqual({ statusCode: 409, code: 'CLIENT.ALREADY_REGISTERED', message: expect.any(String), visibleToYourAgency: false });
    expect(JSON.stringify(duplicate.body)).not.toContain(clientId);
  });

  it('finds the data where it is kept before erasure, sealed: the scan would see it if it were in plain text', async () => {
    // the scan sees text, JSON and bytes, in any case
    const probe = new Client({ connectionString: platform.databases.reporting });
    await probe.connect();
    try {
      await probe.query('CREATE TABLE scan_probe (note text, doc jsonb, raw bytea)');
      await probe.query('INSERT INTO scan_probe VALUES ($1, $2, $3)', [surname.toUpperCase(), JSON.stringify({ email: person.contact.email }), Buffer.from(`x${leadNoteWord}x`)]);
      expect((await scanDatabase(platform.databases.reporting, clientId)).found.sort()).toEqual(
        [`scan_probe.note: ${surname}`, `scan_probe.doc: ${person.contact.email}`, `scan_probe.raw: ${leadNoteWord}`].sort(),
      );
    } finally {
      await probe.query('DROP TABLE IF EXISTS scan_probe');
      await probe.end();
    }
    const journey = await scanDatabase(platform.databases['client-journey'], clientId);
    expect(journey.sawClientId).toBe(true);
    expect(journey.found).toEqual([]);
    const db = new Client({ connectionString: platform.databases['client-journey'] });
    await db.connect();
    try {
      const counts = async (sql: string) => (await db.query(sql, [clientId])).rows[0].n;
      expect(await counts('SELECT count(*)::int AS n FROM client_personal_data WHERE client_id = $1')).toBe(1);
      expect(await counts('SELECT count(*)::int AS n FROM client_note WHERE client_id = $1')).toBe(2);
      expect(await counts('SELECT count(*)::int AS n FROM idempotency_key WHERE record_id = $1')).toBeGreaterThan(5);
    } finally {
      await db.end();
    }
  });

  it('erases the client at the lead agency’s request', async () => {
    const erased = await command('POST', cj(`/clients/${clientId}/erasure`), { token: tokens.lead, body: { evidence: 'written' } });
    expect(erased.body).toMatchObject({ id: clientId, erasedAt: expect.any(String) });

    // let every service apply what erasure set off: consents withdrawn, the open referral cancelled (UA-2)
    await waitFor(async () => ((await http('GET', ref(`/referrals/${openId}`), { token: tokens.lead })).body?.status === 'cancelled' ? true : undefined), {
      what: 'the open referral cancelled',
      timeoutMs: 30000,
    });
    // …and the other services apply the cancellation too, the last event erasure sets off
    const referral = new Client({ connectionString: platform.databases.referral });
    await referral.connect();
    const cancelled = await referral
      .query(`SELECT event_id::text FROM outbox WHERE message_key = $1 AND event_type = 'ReferralCancelled'`, [clientId])
      .then((r) => r.rows.map((row) => row.event_id as string))
      .finally(() => referral.end());
    expect(cancelled).toHaveLength(1);
    for (const name of ['reporting', 'client-journey'] as const) {
      const db = new Client({ connectionString: platform.databases[name] });
      await db.connect();
      try {
        await waitFor(async () => ((await db.query('SELECT 1 FROM inbox WHERE event_id = $1', cancelled)).rows.length > 0 ? true : undefined), {
          what: `${name} to apply the cancellation`,
          timeoutMs: 30000,
        });
      } finally {
        await db.end();
      }
    }
  }, 90000);

  it('leaves none of it in any column of any table of the four services’ databases', async () => {
    const scans: Record<string, Scan> = {};
    for (const name of SERVICE_NAMES) scans[name] = await scanDatabase(platform.databases[name], clientId);
    for (const name of SERVICE_NAMES) {
      expect({ name, found: scans[name].found }).toEqual({ name, found: [] });
      expect({ name, read: scans[name].tables > 5 && scans[name].cells > 50 }).toEqual({ name, read: true });
    }
    // the pseudonymous history stays (reports still count the client): the scans read it
    for (const name of ['referral', 'client-journey', 'reporting'] as const) expect({ name, saw: scans[name].sawClientId }).toEqual({ name, saw: true });
  });

  it('answers none of it from any API that names the client, to any agency or role', async () => {
    const caseworkers = { lead: tokens.lead, college: tokens.college, homes: tokens.homes, outsider: tokens.outsider };
    const calls: [string, ServiceName, string, string][] = [];
    for (const [who, token] of Object.entries(caseworkers)) {
      for (const path of [
        `/clients/${clientId}`,
        `/clients/${clientId}/journey`,
        `/clients/${clientId}/notes`,
        `/clients/${clientId}/consent-coverage?agencyId=${COLLEGE}&purpose=referral`,
        `/clients/${clientId}/audit`,
      ]) {
        calls.push([who, 'client-journey', path, token]);
      }
      for (const path of [`/referrals?clientId=${clientId}`, `/referrals/${rejectedId}`, `/referrals/${openId}`, `/clients/${clientId}/case`, '/referrals']) calls.push([who, 'referral', path, token]);
    }
    for (const [who, token] of [['lead admin', tokens.leadAdmin], ['college admin', tokens.collegeAdmin]]) {
      for (const path of [`/referrals?clientId=${clientId}`, `/referrals/${rejectedId}`, `/referrals/${openId}`]) calls.push([who, 'referral', path, token]);
    }
    for (const name of SERVICE_NAMES) {
      calls.push(['coordinator', name, `/audit?recordId=${clientId}&limit=1000`, tokens.coordinator]);
      calls.push(['coordinator', name, '/audit?limit=1000', tokens.coordinator]);
      calls.push(['operator', name, '/dead-letters?limit=1000', tokens.operator]);
    }
    calls.push(['coordinator', 'referral', `/decisions?clientId=${clientId}&limit=1000`, tokens.coordinator]);
    for (const path of ['/reports/referrals', '/reports/summary', '/reports/agencies', '/reports/agencies?format=csv', '/reports/timeline']) calls.push(['analyst', 'reporting', path, tokens.analyst]);

    const answers: { who: string; path: string; status: number; text: string }[] = [];
    for (const [who, service, path, token] of calls) {
      const res = await fetch(platform.url(service, path), { headers: { authorization: `Bearer ${token}` } });
      answers.push({ who, path: `${service} ${path}`, status: res.status, text: await res.text() });
    }
    const leaks = answers.flatMap((a) => containing(a.text).map((needle) => `${a.who}: ${a.path} (${a.status}) holds ${needle}`));
    expect(leaks).toEqual([]);

    // the answers read what is there: the lead still reads the erased record, its history and the trail of who read it
    const status = (who: string, path: string) => answers.find((a) => a.who === who && a.path === path)?.status;
    expect(status('lead', `client-journey /clients/${clientId}`)).toBe(200);
    expect(JSON.parse(answers.find((a) => a.who === 'lead' && a.path === `client-journey /clients/${clientId}`)!.text)).toMatchObject({ id: clientId, personalData: null });
    expect(status('lead', `client-journey /clients/${clientId}/journey`)).toBe(200);
    expect(JSON.parse(answers.find((a) => a.who === 'lead' && a.path === `client-journey /clients/${clientId}/notes`)!.text)).toEqual([]);
    const trail = JSON.parse(answers.find((a) => a.who === 'lead' && a.path === `client-journey /clients/${clientId}/audit`)!.text);
    expect(trail.some((r: { action: string; agencyId: string }) => r.action === 'GetClient.get' && r.agencyId === HOMES)).toBe(true);
    expect(trail.some((r: { action: string; agencyId: string; reason: string }) => r.action === 'RegisterClient.register' && r.agencyId === OUTSIDER && r.reason === 'CLIENT.ALREADY_REGISTERED')).toBe(true);
    expect(status('lead', `referral /referrals/${rejectedId}`)).toBe(200);
    // an agency that never worked with the client is refused everything that names them, as if they did not exist
    expect(answers.filter((a) => a.who === 'outsider' && a.path.includes(`/clients/${clientId}`)).map((a) => a.status)).toEqual(Array(6).fill(403));
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThan(25);
  });

  it('leaves none of it on any topic, read by an independent client', async () => {
    const isErased = (value: string | null) => value !== null && value.includes(clientId) && value.includes('"ClientErased"');
    const messages = [
      ...(await readTopic(brokers(), TOPICS.clients.name, (m) => m.some((x) => isErased(x.value)))),
      ...(await readTopic(brokers(), TOPICS.referrals.name, (m) => m.some((x) => x.key === clientId && x.value?.includes('"ReferralCancelled"')))),
      ...(await readTopic(brokers(), TOPICS.deadLetters.name, () => false, 3000)),
    ];
    expect(messages.some((m) => m.key === clientId)).toBe(true);
    const leaks = messages.flatMap((m) => containing(`${m.key}\n${m.value}\n${JSON.stringify(m.headers)}`).map((needle) => `${m.topic}@${m.offset}: ${needle}`));
    expect(leaks).toEqual([]);
  });
});
