// The steady referral load of the chaos run, as a careful client would send it: every logical
// command carries its own Idempotency-Key, and each attempt an X-Correlation-Id of its own
// (`<command id>.<attempt>`), so the verification can tell which attempt's work is in the
// databases and on the topics. A transport error, a timeout or a 503 is retried with the same key
// (bounded, with backoff); every attempt and the final answer are recorded.
import http from 'node:http';
import { mintToken } from '../../deploy/local-auth.mjs';
import { harnessPool, sleep } from './platform.mjs';

/** Retried with the same key: the outcome is not known, or the service asked to be asked again. */
const isRetryable = (res) => res.status === 0 || res.status === 503 || (res.status === 409 && /IDEMPOTENCY/i.test(res.code ?? ''));
/** A 503 that says the service itself cannot tell whether the work committed. */
const saysOutcomeUnknown = (res) => res.status === 503 && /UNKNOWN|INDETERMINATE/i.test(res.code ?? '');

export const DOMAINS = ['training', 'confidence-and-motivation'];
export const STEPS = ['accept', 'start', 'complete'];

/** One attempt: resolves { status, code, body, retryAfterMs, error, ms }; never rejects (a transport error is status 0). */
function attempt(url, { method, token, body, headers, timeoutMs }) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const started = Date.now();
  return new Promise((resolve) => {
    let settled = false;
    const done = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, ms: Date.now() - started });
    };
    // a fresh connection per attempt: a kept-alive socket the server closed would be a harness artefact
    const req = http.request(url, {
      method,
      agent: false,
      headers: {
        connection: 'close',
        authorization: `Bearer ${token}`,
        ...headers,
        ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
      },
    });
    const timer = setTimeout(() => {
      req.destroy(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('response', (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', (error) => done({ status: 0, error: `response broken: ${error.message}` }));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed = null;
        try {
          parsed = text ? JSON.parse(text) : null;
        } catch {
          parsed = { text: text.slice(0, 200) };
        }
        const retryAfter = Number(res.headers['retry-after']);
        done({ status: res.statusCode, code: parsed?.code ?? null, body: parsed, retryAfterMs: Number.isFinite(retryAfter) ? retryAfter * 1000 : null });
      });
    });
    req.on('error', (error) => done({ status: 0, error: error.message }));
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

export class CommandClient {
  constructor({ runId, timeoutMs = 10_000, maxAttempts = 10, log }) {
    this.runId = runId;
    this.timeoutMs = timeoutMs;
    this.maxAttempts = maxAttempts;
    this.log = log;
    this.commands = [];
    this.next = 0;
  }

  /**
   * Sends one logical command until it has an answer that is not worth retrying, or the attempts
   * run out. Backoff: 250 ms doubling to 4 s (or the service's Retry-After, up to 5 s); with ten
   * attempts a command keeps trying for about half a minute, longer than a service takes to restart.
   */
  async send({ kind, service, url, token, body, subject }) {
    const n = (this.next += 1);
    const id = `${this.runId}-${n}`;
    const command = { id, kind, service, path: new URL(url).pathname, key: `${id}-key`, subject, sentAt: new Date().toISOString(), attempts: [], final: null, outcome: null };
    this.commands.push(command);
    for (let a = 1; a <= this.maxAttempts; a += 1) {
      const correlationId = `${id}.${a}`;
      const res = await attempt(url, {
        method: 'POST',
        token,
        body,
        timeoutMs: this.timeoutMs,
        // an sf-string, as the IETF httpapi draft defines the field
        headers: { 'idempotency-key': `"${command.key}"`, 'x-correlation-id': correlationId },
      });
      command.attempts.push({ attempt: a, correlationId, at: new Date(Date.now() - res.ms).toISOString(), ms: res.ms, status: res.status, code: res.code ?? null, error: res.error ?? null });
      command.final = res;
      if (!isRetryable(res) || a === this.maxAttempts) break;
      const backoff = Math.min(250 * 2 ** (a - 1), 4000);
      await sleep(res.retryAfterMs ? Math.min(Math.max(res.retryAfterMs, backoff), 5000) : backoff);
    }
    const f = command.final;
    command.outcome = f.status >= 200 && f.status < 300 ? 'ok' : f.status === 0 || saysOutcomeUnknown(f) ? 'unknown' : f.status >= 500 ? 'failed' : 'refused';
    command.final = { status: f.status, code: f.code ?? null, error: f.error ?? null, id: f.body?.id ?? f.body?.clientId ?? null };
    return { command, body: f.body };
  }
}

/**
 * Waits, without asking the referral service, until it has learnt a client's consent (it arrives
 * as an event): one query for every waiting client, twice a second. Bounded per client.
 */
export class ConsentWatcher {
  constructor(pgUrl, database) {
    this.pool = harnessPool(pgUrl, database);
    this.waiting = new Map(); // clientId -> { agencyId, resolve, deadline }
    this.running = false;
  }

  start() {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        await sleep(500);
        if (this.waiting.size === 0) continue;
        try {
          const ids = [...this.waiting.keys()];
          const { rows } = await this.pool.query('SELECT DISTINCT client_id, agency_id FROM client_consent WHERE client_id = ANY($1) AND active', [ids]);
          const known = new Set(rows.map((r) => `${r.client_id} ${r.agency_id}`));
          for (const [clientId, w] of this.waiting) {
            if (known.has(`${clientId} ${w.agencyId}`)) w.resolve(true);
            else if (Date.now() > w.deadline) w.resolve(false);
            else continue;
            this.waiting.delete(clientId);
          }
        } catch {
          // PostgreSQL itself is never a target; a failed poll is tried again
        }
      }
      for (const w of this.waiting.values()) w.resolve(false);
    })();
  }

  known(clientId, agencyId, timeoutMs) {
    return new Promise((resolve) => this.waiting.set(clientId, { agencyId, resolve, deadline: Date.now() + timeoutMs }));
  }

  async stop() {
    this.running = false;
    await this.loop;
    await this.pool.end();
  }
}

/**
 * Client journeys, started at a steady rate: register the client, record their consent to the
 * receiving agency, then (once the referral service knows the consent) one referral per domain,
 * each taken through accept, start and complete by the receiving agency. A journey stops at the
 * first command that does not succeed, as a caseworker would.
 */
export class ReferralLoad {
  constructor({ platform, client, consent, agencies, rng, seed, log, consentTimeoutMs = 120_000 }) {
    this.platform = platform;
    this.client = client;
    this.consent = consent;
    this.agencies = agencies;
    this.rng = rng;
    this.seed = seed;
    this.log = log;
    this.consentTimeoutMs = consentTimeoutMs;
    this.journeys = [];
    this.tokens = new Map();
    this.abandoned = { consentNotLearnt: 0 };
    this.errors = [];
  }

  async tokenOf(agencyId) {
    if (!this.tokens.has(agencyId)) this.tokens.set(agencyId, await mintToken({ sub: `chaos.caseworker@${agencyId}`, agencyId, roles: ['caseworker'], ttlSeconds: 6 * 3600 }));
    return this.tokens.get(agencyId);
  }

  async journey(n) {
    const from = this.agencies.from[n % this.agencies.from.length];
    const to = this.agencies.to[Math.floor(this.rng() * this.agencies.to.length)];
    const journey = { n, from, to, clientId: null, referrals: [] };
    this.journeys.push(journey);
    const fromToken = await this.tokenOf(from);
    const toToken = await this.tokenOf(to);
    const person = `Chaos Person ${this.seed} ${n}`;
    const registered = await this.client.send({
      kind: 'register-client',
      service: 'client-journey',
      url: this.platform.url('client-journey', '/clients'),
      token: fromToken,
      body: { name: person, dateOfBirth: `${1970 + (n % 35)}-0${(n % 9) + 1}-1${n % 10}`, contact: { email: `chaos.${this.seed}.${n}@example.org` }, postcode: 'NB1 4QT' },
      subject: { journey: n, person },
    });
    // a refusal naming the existing record still tells the caseworker who the client is
    journey.clientId = registered.body?.id ?? (registered.body?.code === 'CLIENT.ALREADY_REGISTERED' ? registered.body.clientId : null) ?? null;
    if (!journey.clientId) return;
    const consented = await this.client.send({
      kind: 'give-consent',
      service: 'client-journey',
      url: this.platform.url('client-journey', `/clients/${journey.clientId}/consents`),
      token: fromToken,
      body: { agencyId: to, purpose: 'referral', evidence: 'written' },
      subject: { journey: n, clientId: journey.clientId, agencyId: to },
    });
    if (consented.command.outcome !== 'ok') return;
    if (!(await this.consent.known(journey.clientId, to, this.consentTimeoutMs))) {
      this.abandoned.consentNotLearnt += 1;
      return;
    }
    await Promise.all(
      DOMAINS.map(async (domain) => {
        const referral = { domain, id: null };
        journey.referrals.push(referral);
        const requested = await this.client.send({
          kind: 'request-referral',
          service: 'referral',
          url: this.platform.url('referral', '/referrals'),
          token: fromToken,
          body: { clientId: journey.clientId, fromAgencyId: from, toAgencyId: to, domain },
          subject: { journey: n, clientId: journey.clientId, domain },
        });
        if (requested.command.outcome !== 'ok') return;
        referral.id = requested.body.id;
        for (const step of STEPS) {
          const stepped = await this.client.send({
            kind: `${step}-referral`,
            service: 'referral',
            url: this.platform.url('referral', `/referrals/${referral.id}/${step}`),
            token: toToken,
            body: {},
            subject: { journey: n, clientId: journey.clientId, domain, referralId: referral.id, step },
          });
          if (stepped.command.outcome !== 'ok') return;
        }
      }),
    );
  }

  /**
   * Starts `ratePerSecond` journeys a second until `until`, never more than `maxInFlight` at
   * once (a journey not started for that is counted); resolves when every journey has ended.
   */
  async run({ ratePerSecond, until, maxInFlight }) {
    const inFlight = new Set();
    let n = 0;
    this.skipped = 0;
    const interval = 1000 / ratePerSecond;
    let nextAt = Date.now();
    while (Date.now() < until) {
      if (inFlight.size < maxInFlight) {
        const journeyNumber = (n += 1);
        const p = this.journey(journeyNumber).catch((error) => {
          // a bug of the harness, not of the platform: the run cannot vouch for this journey
          this.errors.push(`journey ${journeyNumber}: ${error.stack ?? error}`);
          this.log(`journey ${journeyNumber} broke: ${error.stack ?? error}`);
        });
        inFlight.add(p);
        p.finally(() => inFlight.delete(p));
      } else {
        this.skipped += 1;
      }
      nextAt += interval;
      await sleep(Math.max(0, nextAt - Date.now()));
    }
    await Promise.all(inFlight);
    return n;
  }
}
