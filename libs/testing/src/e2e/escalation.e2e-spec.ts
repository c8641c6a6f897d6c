import { randomUUID } from 'node:crypto';
import {
  Answer,
  comparable,
  enrolAgencies,
  exchange,
  giveConsent,
  http,
  HttpResult,
  knownToReferral,
  leaked,
  PersonalData,
  personalNeedles,
  referWhenReady,
  registerPerson,
  ServiceName,
  startPlatform,
  TestPlatform,
  tokenFor,
  unknownClientId,
  waitFor,
} from '../index';

/**
 * Escalation, as agencies that have no business with a client would try it, path after path, on
 * one fresh client led by A: referring the client to get in (1), claiming under a domain consent
 * (2), keeping a claim after the consent behind it is withdrawn (3), using a consent beyond its
 * purpose (4), the lead changing hands in one service only (5), and learning from refusals who
 * works with the client (6). The outsiders are C (which offers a service in every domain the
 * client is helped in) and D (which offers no health service). No answer to C or D ever carries
 * anything of the client's personal data, and every answer to them is the answer for a client
 * that does not exist.
 */
const run = randomUUID().slice(0, 8);
const agency = (x: string) => `esc-${run}-${x}`;
const A = agency('lead');
const B = agency('bridge');
const C = agency('out-c');
const D = agency('out-d');
const H = agency('health-trust');
const E = agency('coord');
const F = agency('follow');
/** Agencies the lead refers the client to and at once cancels, to know the referral service has caught up with the client's consents. */
const SYNC = [1, 2, 3].map((n) => agency(`sync${n}`));
const OUTSIDERS = [C, D];
const region = `esc-${run}`;

describe('escalation by agencies that do not work with the client', () => {
  let platform: TestPlatform;
  const tokens = {} as Record<string, string>;
  let clientId: string;
  let personalData: PersonalData;
  /** Every answer an outsider got, for the checks over all of them. */
  const answers: { who: string; what: string; request: string; answer: Answer }[] = [];

  beforeAll(async () => {
    platform = await startPlatform(18600, 'escalation');
    await enrolAgencies(platform, [
      { id: A, region, services: ['employment-case-management', 'training'] },
      { id: B, region, services: ['employment-case-management', 'training'] },
      { id: C, region, services: ['health', 'housing', 'training'] },
      { id: D, region, services: ['training'] },
      { id: H, region, stakeholderType: 'health', services: ['health'] },
      { id: E, region, services: ['housing'] },
      { id: F, region, services: ['training', 'confidence-and-motivation'] },
      ...SYNC.map((id) => ({ id, region })),
    ]);
    await knownToReferral(platform, A, [B, C, D, H, E, F, ...SYNC]);
    for (const id of [A, B, C, D, H, E, F]) tokens[id] = await tokenFor('caseworker', id, `worker@${id}`);
    ({ clientId, personalData } = await registerPerson(platform, tokens[A], { postcode: 'ZE9 7XQ' }));
    await giveConsent(platform, tokens[A], clientId, { agencyId: B, purpose: 'referral' });
    await referralServiceHasCaughtUp(SYNC[0]);
  }, 180000);

  afterAll(async () => {
    await platform?.stop();
  });

  const url = (service: ServiceName, path: string) => platform.url(service, path);

  /**
   * The lead refers the client to a sync agency and cancels at once: the referral service takes
   * in one client's events in order, so when it knows this consent it knows every earlier one.
   */
  async function referralServiceHasCaughtUp(sync: string): Promise<void> {
    await giveConsent(platform, tokens[A], clientId, { agencyId: sync, purpose: 'referral' });
    const referred = await referWhenReady(platform, tokens[A], { clientId, fromAgencyId: A, toAgencyId: sync, domain: 'employer-placement' });
    expect(referred.status).toBe(201);
    expect((await http('POST', url('referral', `/referrals/${referred.body.id}/cancel`), { token: tokens[A], body: { reason: 'referred-elsewhere' } })).status).toBe(200);
  }

  /**
   * The agencies that work (or worked) with the client whose ids occur in an answer to the caller,
   * apart from those the caller named in its own request (saying them back tells it nothing).
   */
  const namesAgencies = (answer: Answer, caller: string, request: string) => {
    const all = `${answer.text}\n${Object.values(answer.headers).join('\n')}`;
    const named = (id: string, text: string) => new RegExp(`${id}(?![a-z0-9-])`).test(text);
    return [A, B, C, D, H, E, F, ...SYNC].filter((id) => id !== caller && !named(id, request) && named(id, all));
  };

  interface Attempt {
    readonly method: string;
    readonly service: ServiceName;
    readonly path: (clientId: string) => string;
    readonly body?: (clientId: string) => unknown;
  }

  /** One request by an agency that may not see the client: nothing personal in the answer, ever. */
  async function asAgency(who: string, what: string, attempt: Attempt, forClient = clientId): Promise<Answer> {
    const path = attempt.path(forClient);
    const body = attempt.body?.(forClient);
    const answer = await exchange(attempt.method, url(attempt.service, path), { token: tokens[who], body });
    if (OUTSIDERS.includes(who)) answers.push({ who, what, request: `${path} ${JSON.stringify(body ?? null)}`, answer });
    expect({ what, leaked: leaked(answer, personalNeedles(personalData)) }).toEqual({ what, leaked: [] });
    return answer;
  }

  /**
   * The attempt by an agency that has no involvement with the client: refused as not visible,
   * exactly as for a client that does not exist, naming no agency.
   */
  async function refusedAsUnknown(who: string, what: string, attempt: Attempt): Promise<Answer> {
    const ghost = unknownClientId();
    const real = await asAgency(who, what, attempt);
    const none = await asAgency(who, `${what} (no such client)`, attempt, ghost);
    expect({ what, answer: comparable(real, [clientId]) }).toEqual({ what, answer: comparable(none, [ghost]) });
    expect({ what, status: real.status, body: real.body }).toEqual({ what, status: 403, body: { statusCode: 403, code: 'ACCESS.CLIENT_NOT_VISIBLE', message: expect.any(String) } });
    expect({ what, names: namesAgencies(real, who, `${attempt.path(clientId)} ${JSON.stringify(attempt.body?.(clientId) ?? null)}`) }).toEqual({ what, names: [] });
    return real;
  }

  const refer = (from: string, to: string, domain: string, extra: Record<string, unknown> = {}): Attempt => ({
    method: 'POST',
    service: 'referral',
    path: () => '/referrals',
    body: (id) => ({ clientId: id, fromAgencyId: from, toAgencyId: to, domain, ...extra }),
  });
  const read = (service: ServiceName, suffix: string): Attempt => ({ method: 'GET', service, path: (id) => `/clients/${id}${suffix}` });
  const claim = (domain: string, method = 'POST'): Attempt => ({ method, service: 'referral', path: (id) => `/clients/${id}/claims/${domain}` });
  const consentFor = (agencyId: string, purpose: string): Attempt => ({
    method: 'POST',
    service: 'client-journey',
    path: (id) => `/clients/${id}/consents`,
    body: () => ({ agencyId, purpose, evidence: 'written' }),
  });
  const caseAs = async (who: string): Promise<HttpResult> => http('GET', url('referral', `/clients/${clientId}/case`), { token: tokens[who] });
  const clientAs = async (who: string): Promise<HttpResult> => http('GET', url('client-journey', `/clients/${clientId}`), { token: tokens[who] });

  describe('1. referring a client one cannot see', () => {
    it('refuses C a referral of the client from itself to an agency the client consented to, as for no such client', async () => {
      await refusedAsUnknown(C, 'C refers the client to B', refer(C, B, 'training'));
    });

    it('leaves C unable to read the record, the journey or the case, or to record a consent to itself', async () => {
      await refusedAsUnknown(C, 'C reads the record', read('client-journey', ''));
      await refusedAsUnknown(C, 'C reads the journey', read('client-journey', '/journey'));
      await refusedAsUnknown(C, 'C reads the case', read('referral', '/case'));
      await refusedAsUnknown(C, 'C records a consent to itself for referrals', consentFor(C, 'referral'));
      await refusedAsUnknown(C, 'C records a consent to itself for case coordination', consentFor(C, 'case-coordination'));
      expect((await caseAs(A)).body.claims).toEqual([]);
    });
  });

  describe('2. a consent for a domain', () => {
    beforeAll(async () => {
      await giveConsent(platform, tokens[A], clientId, { domain: 'health', purpose: 'referral' });
      await referralServiceHasCaughtUp(SYNC[1]);
    }, 120000);

    it('lets the lead refer the client only to an agency that offers a service in that domain', async () => {
      const toD = await http('POST', url('referral', '/referrals'), { token: tokens[A], body: { clientId, fromAgencyId: A, toAgencyId: D, domain: 'health' } });
      // had it gone through, the open referral would stand in the way of the one to the health trust (UA-5)
      if (toD.status === 201) await http('POST', url('referral', `/referrals/${toD.body.id}/cancel`), { token: tokens[A], body: { reason: 'referred-elsewhere' } });
      expect(toD.body).toMatchObject({ statusCode: 409, code: 'UA-2' });
    });

    it('lets no agency claim the client by walk-in: not D, which offers no health service, nor the health trust', async () => {
      await refusedAsUnknown(D, 'D claims the client in health', claim('health'));
      await refusedAsUnknown(H, 'H claims the client in health by walk-in', claim('health'));
      await refusedAsUnknown(D, 'D reads the record', read('client-journey', ''));
      expect((await caseAs(A)).body.claims).toEqual([]);
    });

    it('lets the lead refer the client to the health trust, which accepts and then sees the client', async () => {
      const toH = await referWhenReady(platform, tokens[A], { clientId, fromAgencyId: A, toAgencyId: H, domain: 'health' });
      expect(toH).toMatchObject({ status: 201, body: { toAgencyId: H, domain: 'health' } });
      expect((await http('POST', url('referral', `/referrals/${toH.body.id}/accept`), { token: tokens[H] })).body).toMatchObject({ status: 'accepted' });
      expect((await caseAs(A)).body.claims).toEqual([expect.objectContaining({ agencyId: H, domain: 'health' })]);
      await waitFor(async () => (await clientAs(H)).status === 200, { what: 'client-journey to show the client to the health trust', timeoutMs: 30000 });
      await refusedAsUnknown(D, 'D claims the client in health, held by H', claim('health'));
    });

    it('lets the agency holding a claim record no consent: not to itself, nor to pass the client on', async () => {
      for (const [agencyId, purpose] of [
        [H, 'case-coordination'],
        [C, 'case-coordination'],
        [C, 'referral'],
      ]) {
        const res = await http('POST', url('client-journey', `/clients/${clientId}/consents`), { token: tokens[H], body: { agencyId, purpose, evidence: 'verbal' } });
        expect({ agencyId, purpose, body: res.body }).toEqual({ agencyId, purpose, body: { statusCode: 403, code: 'ACCESS.NOT_LEAD_AGENCY', message: "Only a caseworker of the client's lead agency may do this." } });
      }
      await refusedAsUnknown(C, 'C reads the record after H tried to consent for it', read('client-journey', ''));
    });
  });

  describe('3. a case-coordination consent, then withdrawn', () => {
    let consentE: string;

    it('lets the agency it names claim the client by walk-in in a domain it offers a service in', async () => {
      consentE = await giveConsent(platform, tokens[A], clientId, { agencyId: E, purpose: 'case-coordination' });
      const claimed = await waitFor(
        async () => {
          const r = await http('POST', url('referral', `/clients/${clientId}/claims/housing`), { token: tokens[E] });
          return r.status === 200 ? r : undefined;
        },
        { what: "the referral service to know E's consent", timeoutMs: 30000, intervalMs: 300 },
      );
      expect(claimed.body.claims).toEqual(expect.arrayContaining([expect.objectContaining({ agencyId: E, domain: 'housing' })]));
      expect((await clientAs(E)).status).toBe(200);
    });

    it('does not let it take the client on in a domain it offers no service in', async () => {
      const addiction = await http('POST', url('referral', `/clients/${clientId}/claims/addiction`), { token: tokens[E] });
      expect(addiction.body).toMatchObject({ statusCode: 422, code: 'CLAIM.NO_SERVICE_IN_DOMAIN' });
      expect((await caseAs(A)).body.claims.map((c: { domain: string }) => c.domain)).not.toContain('addiction');
    });

    it('releases the claim it no longer covers when the consent is withdrawn', async () => {
      const withdrawn = await http('POST', url('client-journey', `/clients/${clientId}/consents/${consentE}/withdrawal`), { token: tokens[A], body: { evidence: 'written' } });
      expect(withdrawn.status).toBe(200);
      await waitFor(async () => !(await caseAs(A)).body.claims.some((c: { agencyId: string }) => c.agencyId === E), { what: "E's claim to be released", timeoutMs: 30000 });
    });

    it('takes the client away from the agency', async () => {
      await waitFor(async () => (await clientAs(E)).status === 403, { what: 'client-journey to stop showing the client to E', timeoutMs: 30000 });
      expect((await http('GET', url('client-journey', `/clients/${clientId}/journey`), { token: tokens[E] })).body).toMatchObject({ statusCode: 403, code: 'ACCESS.CLIENT_NOT_VISIBLE' });
      expect((await caseAs(E)).body).toMatchObject({ statusCode: 403, code: 'ACCESS.CLIENT_NOT_VISIBLE' });
    });
  });

  describe('4. a consent for outcome tracking only', () => {
    beforeAll(async () => {
      await giveConsent(platform, tokens[A], clientId, { agencyId: F, purpose: 'outcome-tracking' });
      await referralServiceHasCaughtUp(SYNC[2]);
    }, 120000);

    it("does not show the agency the client's record", async () => {
      expect(await clientAs(F)).toMatchObject({ status: 403, body: { code: 'ACCESS.CLIENT_NOT_VISIBLE' } });
    });

    it("shows the agency the client's journey", async () => {
      const journey = await http('GET', url('client-journey', `/clients/${clientId}/journey`), { token: tokens[F] });
      expect(journey.status).toBe(200);
      expect(leaked({ status: journey.status, headers: {}, text: JSON.stringify(journey.body), body: journey.body }, personalNeedles(personalData))).toEqual([]);
    });

    it('does not let the client be referred to the agency (UA-2)', async () => {
      const toF = await http('POST', url('referral', '/referrals'), { token: tokens[A], body: { clientId, fromAgencyId: A, toAgencyId: F, domain: 'confidence-and-motivation' } });
      if (toF.status === 201) await http('POST', url('referral', `/referrals/${toF.body.id}/cancel`), { token: tokens[A], body: { reason: 'referred-elsewhere' } });
      expect(toF.body).toMatchObject({ statusCode: 409, code: 'UA-2' });
    });

    it('does not let the agency claim the client', async () => {
      const claimed = await http('POST', url('referral', `/clients/${clientId}/claims/confidence-and-motivation`), { token: tokens[F] });
      if (claimed.status === 200) await http('DELETE', url('referral', `/clients/${clientId}/claims/confidence-and-motivation`), { token: tokens[F] });
      expect([403, 409]).toContain(claimed.status);
      expect((await caseAs(A)).body.claims.map((c: { agencyId: string }) => c.agencyId)).not.toContain(F);
    });
  });

  describe('5. the lead handed over by referral', () => {
    it('names the new lead in both services, and hands over the walk-in claims the old lead held as lead', async () => {
      const walkIn = await http('POST', url('referral', `/clients/${clientId}/claims/training`), { token: tokens[A] });
      expect(walkIn.body.claims).toEqual(expect.arrayContaining([expect.objectContaining({ agencyId: A, domain: 'training', referralId: null })]));
      const handover = await referWhenReady(platform, tokens[A], { clientId, fromAgencyId: A, toAgencyId: B, domain: 'employment-case-management', handsOverLead: true });
      expect(handover.status).toBe(201);
      expect((await http('POST', url('referral', `/referrals/${handover.body.id}/accept`), { token: tokens[B] })).body).toMatchObject({ status: 'accepted' });
      expect((await caseAs(B)).body).toMatchObject({ leadAgencyId: B });
      await waitFor(async () => (await clientAs(B)).body?.leadAgencyId === B, { what: 'client-journey to name B as the lead', timeoutMs: 30000 });
      // A's walk-in claim stood on its leading the case: it went with the lead
      expect((await caseAs(B)).body.claims.filter((c: { agencyId: string }) => c.agencyId === A)).toEqual([]);
    });

    it('lets the new lead assign its own key worker, and no longer the old lead', async () => {
      // a caseworker takes the client on themselves: a typed-in id (free text) is refused
      const typed = await http('PUT', url('client-journey', `/clients/${clientId}/key-worker`), { token: tokens[B], body: { keyWorkerId: 'Xanthippe.Quist.DOB.1987-06-05' } });
      expect(typed.body).toMatchObject({ statusCode: 422, code: 'CLIENT.KEY_WORKER_NOT_YOU' });
      const byB = await http('PUT', url('client-journey', `/clients/${clientId}/key-worker`), { token: tokens[B], body: {} });
      expect(byB).toMatchObject({ status: 200, body: { leadAgencyId: B, keyWorker: { userId: `worker@${B}`, agencyId: B } } });
      const byA = await http('PUT', url('client-journey', `/clients/${clientId}/key-worker`), { token: tokens[A], body: { keyWorkerId: `kw@${A}` } });
      expect(byA.body).toMatchObject({ statusCode: 403, code: 'ACCESS.NOT_LEAD_AGENCY' });
    });

    it('moves the lead only by handover referral: a key-worker assignment naming another agency as lead is refused', async () => {
      const toH = await http('PUT', url('client-journey', `/clients/${clientId}/key-worker`), { token: tokens[B], body: { leadAgencyId: H, keyWorkerId: `kw@${H}` } });
      expect(toH.status).toBeGreaterThanOrEqual(400);
      expect(toH.status).toBeLessThan(500);
      expect((await clientAs(B)).body).toMatchObject({ leadAgencyId: B });
      expect((await caseAs(B)).body).toMatchObject({ leadAgencyId: B });
    });
  });

  describe('6. what an outsider learns from a refusal', () => {
    const attempts: [string, Attempt][] = [
      ['refers the client in a domain with an open referral (UA-5 would name its receiver)', refer(C, B, 'employment-case-management')],
      ['refers the client in a domain another agency holds (UA-9 would name the holder)', refer(C, B, 'health')],
      ['refers the client handing over the lead (UA-9 would name the lead)', refer(C, B, 'addiction', { handsOverLead: true })],
      ['refers the client in a domain covered by a domain consent', refer(C, H, 'health')],
      ['claims the client in a domain another agency holds (UA-4 would name the holder)', claim('health')],
      ['claims the client in a domain nobody holds', claim('housing')],
      ['releases the claim of another agency', claim('health', 'DELETE')],
      ['reads the case', read('referral', '/case')],
      ['reads the record', read('client-journey', '')],
      ['reads the journey', read('client-journey', '/journey')],
      ['asks what the consent covers', { method: 'GET', service: 'client-journey', path: (id) => `/clients/${id}/consent-coverage?agencyId=${H}&domain=health` }],
      ['records a consent to itself', consentFor(C, 'case-coordination')],
      ['records a milestone', { method: 'POST', service: 'client-journey', path: (id) => `/clients/${id}/milestones`, body: () => ({ milestone: 'job-entry', occurredOn: new Date().toISOString().slice(0, 10) }) }],
      ['assigns itself as key worker and lead', { method: 'PUT', service: 'client-journey', path: (id) => `/clients/${id}/key-worker`, body: () => ({ leadAgencyId: C, keyWorkerId: `kw@${C}` }) }],
      ['erases the client', { method: 'POST', service: 'client-journey', path: (id) => `/clients/${id}/erasure`, body: () => ({ evidence: 'written' }) }],
    ];

    for (const who of OUTSIDERS) {
      const name = who === C ? 'C' : 'D';
      for (const [what, attempt] of attempts) {
        it(`gives ${name}, when it ${what}, the answer for a client that does not exist, naming no agency`, async () => {
          // D acts for itself: what names C is sent naming D
          const own: Attempt = who === C || !attempt.body ? attempt : { ...attempt, body: (id) => JSON.parse(JSON.stringify(attempt.body!(id)).split(C).join(D)) };
          const path = who === C ? attempt.path : (id: string) => attempt.path(id).split(C).join(D);
          await refusedAsUnknown(who, `${name} ${what}`, { ...own, path });
        });
      }
    }

    it('never named an agency that works with the client, in any answer to an outsider', () => {
      expect(answers.length).toBeGreaterThan(0);
      const naming = answers.map(({ who, what, request, answer }) => ({ what, names: namesAgencies(answer, who, request) })).filter((x) => x.names.length > 0);
      expect(naming).toEqual([]);
    });

    it("never gave an outsider any of the client's personal data", () => {
      expect(answers.length).toBeGreaterThan(0);
      const leaks = answers.map(({ what, answer }) => ({ what, leaked: leaked(answer, personalNeedles(personalData)) })).filter((x) => x.leaked.length > 0);
      expect(leaks).toEqual([]);
    });
  });

  // last: an erasure that got through would end every consent, and with them what the outsiders probe above
  describe('5 (continued). the old lead, after the handover', () => {
    it('does not let the old lead erase the client', async () => {
      const erase = await http('POST', url('client-journey', `/clients/${clientId}/erasure`), { token: tokens[A], body: { evidence: 'written' } });
      expect(erase.body).toMatchObject({ statusCode: 403, code: 'ACCESS.NOT_LEAD_AGENCY' });
      expect((await clientAs(B)).body.personalData).toMatchObject({ name: personalData.name });
    });
  });
});
