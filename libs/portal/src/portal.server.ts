import { readFileSync } from 'node:fs';
import { createPrivateKey, KeyObject } from 'node:crypto';
import express, { NextFunction, Request, Response } from 'express';
import { SignJWT } from 'jose';
import { ReferralAction, RULE_IDS, RULES, TRANSITIONS } from '@umbrella/agreement';
import { ROLES } from '@umbrella/contracts/vocabulary';
import { Api, ApiClient, formErrors, SessionExpired } from './api';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, PortalConfig } from './config';
import { html, raw, Safe } from './html';
import { authorizationUrl, checkCallback, discover, exchangeCode, OidcClient, PENDING_SIGN_IN_TTL_SECONDS, PendingSignIn, ProviderMetadata, safeReturnTo, startSignIn } from './oidc';
import { crossOriginProblem, CSRF_CODE, CSRF_FIELD, isRandomToken, randomToken, SAFE_METHODS, sameToken, SignInTokens } from './csrf';
import { clientErrorOf, formsOnly, readableTarget, refererPath, Refuse, safeFields } from './request-input';
import { cookie, CookieSealer, parseCookies, sessionFromToken } from './session';
import { Flash, SessionStore, StoredSession } from './session-store';
import { csrfField, DOMAINS, emptyForm, errorSummary, field, FormState, INBOX_SCRIPT, Nav, page, PATTERNS, REASONS, SignInNotice, signInNotice, timeLeft } from './views';

const SESSION = 'umbrella_session';
const PRE_SESSION = 'umbrella_pre_session';
const PENDING = 'umbrella_sign_in';
const DRAFT = 'umbrella_draft';
const DRAFT_TTL_SECONDS = 3600;
const PRE_SESSION_TTL_SECONDS = 24 * 3600;
const DEFAULT_MAX_SESSIONS = 10_000;
/** The forms posted before there is a session: they carry the sign-in form's token instead. */
const SIGN_IN_FORMS: ReadonlySet<string> = new Set(['/sign-in', '/oidc/start']);
const REFER_FIELDS = ['clientId', 'toAgencyId', 'domain', 'serviceId'] as const;
/** The steps the inbox offers the receiving agency's caseworker, as the lifecycle allows them; rejecting has a form of its own, with a reason. */
const INBOX_STEPS: readonly (readonly [ReferralAction, string])[] = [
  ['accept', 'Accept'],
  ['start', 'Start'],
  ['hold', 'Put on hold'],
  ['resume', 'Resume'],
  ['complete', 'Complete'],
];

type Handler = (req: Request, res: Response, session: StoredSession, api: ApiClient) => Promise<unknown>;

/**
 * The caseworker portal: server-rendered pages over the four services' APIs. The user's token
 * stays on this server, in a session the browser knows only by a random id (an httpOnly,
 * SameSite=Strict cookie); it is sent by this server, never by page scripts. Every form carries a
 * token and every post is checked for it and for its origin. Sign-in is OpenID Connect
 * (authorization code with PKCE) or, for local development only, a page listing the demo users
 * when the local signing key is configured.
 */
export function createPortalApp(config: PortalConfig): express.Express {
  const sealer = new CookieSealer(config.PORTAL_SESSION_SECRET);
  const signInTokens = new SignInTokens(config.PORTAL_SESSION_SECRET);
  const sessions = new SessionStore({ maxSessions: config.PORTAL_MAX_SESSIONS ?? DEFAULT_MAX_SESSIONS, graceSeconds: DRAFT_TTL_SECONDS });
  const ownOrigin = config.PORTAL_ORIGIN ? new URL(config.PORTAL_ORIGIN).origin : undefined;
  const secure = !!(ownOrigin ?? config.OIDC_REDIRECT_URI)?.startsWith('https:');
  // Over HTTPS the cookies' names carry the __Host- prefix: the browser then takes them only from
  // this host, Secure and for the whole path, so no sibling subdomain can set them.
  const named = (base: string) => (secure ? `__Host-${base}` : base);
  const cookieOf = (req: Request, base: string): string | undefined => parseCookies(req.headers.cookie)[named(base)];
  const bases: Record<Api, string> = {
    referral: config.REFERRAL_URL,
    'agency-directory': config.AGENCY_DIRECTORY_URL,
    'client-journey': config.CLIENT_JOURNEY_URL,
    reporting: config.REPORTING_URL,
  };
  const localKey: KeyObject | null = config.PORTAL_LOCAL_SIGNING_KEY_FILE ? createPrivateKey(readFileSync(config.PORTAL_LOCAL_SIGNING_KEY_FILE, 'utf8')) : null;
  const oidc: OidcClient | null = config.OIDC_ISSUER
    ? { clientId: config.OIDC_CLIENT_ID as string, redirectUri: config.OIDC_REDIRECT_URI as string, clientSecret: config.OIDC_CLIENT_SECRET, scope: config.OIDC_SCOPE ?? 'openid profile' }
    : null;
  let metadata: Promise<ProviderMetadata> | null = null;
  const provider = () => (metadata ??= discover(config.OIDC_ISSUER as string).catch((e) => ((metadata = null), Promise.reject(e))));

  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    // No framing, no sniffing, scripts and styles from this page only (the inbox poller is inline).
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  /** The session the browser's cookie names, also one whose token has expired (until it ends). */
  const sessionOf = (req: Request): StoredSession | undefined => sessions.find(cookieOf(req, SESSION));
  /** The session of a signed-in user: its token has not expired. */
  const activeSession = (req: Request): StoredSession | undefined => {
    const s = sessionOf(req);
    return s && sessions.isActive(s) ? s : undefined;
  };
  const endSession = (req: Request, res: Response) => {
    sessions.end(cookieOf(req, SESSION));
    res.append('Set-Cookie', cookie(named(SESSION), '', 0, secure));
  };
  const nav = (session?: StoredSession): Nav => ({ session, reportingUrl: config.REPORTING_URL });
  const send = (res: Response, status: number, title: string, session: StoredSession | undefined, content: Safe, script?: string) =>
    res.status(status).type('html').send(page(title, nav(session), content, { script }));
  const refuse: Refuse = (res, status, message, problems = []) =>
    send(res, status, status === 413 ? 'Form too large' : 'Request not accepted', undefined, html`<div class="error-summary" role="alert"><p>${message}</p>${problems.length ? html`<ul>${problems.map((p) => html`<li>${p}</li>`)}</ul>` : ''}</div><p><a href="/">Go to the start</a></p>`);
  const refuseForgery = (res: Response, reason: string) =>
    send(
      res,
      403,
      'Form not accepted',
      undefined,
      html`<div class="error-summary" role="alert" id="error-summary"><p id="form-refusal">${CSRF_CODE}: this form was not accepted because ${reason}. Nothing was changed.</p></div>
<p>If you sent it yourself, go back, reload the page and send it again. If your session has ended, <a href="/sign-in">sign in</a> first.</p>`,
    );
  app.use(readableTarget(refuse));
  app.use(formsOnly(refuse));
  app.use(express.urlencoded({ extended: false, limit: '64kb' }));
  app.use(safeFields(refuse));

  // Every request that may change something (any method but GET, HEAD and OPTIONS, on any path,
  // before routing) comes from this portal's own pages: not from another origin, and with the
  // token of the form it was sent from — the session's, or the sign-in form's before there is one.
  const preSessionOf = (req: Request): string | undefined => {
    const id = cookieOf(req, PRE_SESSION);
    return isRandomToken(id) ? id : undefined;
  };
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const crossOrigin = crossOriginProblem(req.headers, ownOrigin);
    if (crossOrigin) return refuseForgery(res, crossOrigin);
    const sent: unknown = req.body[CSRF_FIELD];
    const path = req.path.toLowerCase().replace(/\/+$/, '');
    const valid = SIGN_IN_FORMS.has(path) ? signInTokens.check(preSessionOf(req), sent) : sameToken(sent, sessionOf(req)?.csrfToken);
    if (!valid) return refuseForgery(res, 'it does not carry the token of a form this portal gave you');
    next();
  });

  const toSignIn = (res: Response, returnTo: string, notice?: SignInNotice) =>
    res.redirect(303, `/sign-in?returnTo=${encodeURIComponent(returnTo)}${notice ? `&notice=${notice}` : ''}`);
  /** A new session with a new id (the one this browser had, if any, ends), then back where the user was going. */
  const signIn = (req: Request, res: Response, token: string, returnTo: string) => {
    sessions.end(cookieOf(req, SESSION));
    const s = sessions.create(sessionFromToken(token, config.AUTH_ROLES_CLAIM, config.AUTH_AGENCY_CLAIM));
    res.append('Set-Cookie', cookie(named(SESSION), s.id, Math.max(60, Math.ceil(s.endsAt - Date.now() / 1000)), secure));
    res.redirect(303, safeReturnTo(returnTo));
  };
  const flashed = (f: Flash | undefined): Safe =>
    f ? html`<div class="${f.refused ? 'error-summary' : 'notice'}" role="${f.refused ? 'alert' : 'status'}"><p>${f.text}</p></div>` : html``;

  /** Pages behind sign-in; an expired session (or the API answers 401) returns to sign-in and back here after. */
  const signedIn = (fn: Handler) => async (req: Request, res: Response, next: NextFunction) => {
    const found = sessionOf(req);
    const returnTo = req.method === 'GET' ? req.originalUrl : refererPath(req.get('referer'));
    if (!found || !sessions.isActive(found)) return toSignIn(res, returnTo, found ? 'expired' : 'sign-in');
    try {
      await fn(req, res, found, new ApiClient(bases, found.token));
    } catch (error) {
      if (error instanceof SessionExpired) {
        endSession(req, res);
        return toSignIn(res, returnTo, 'expired');
      }
      next(error);
    }
  };

  // Probes, as on the services. The portal owns no data and shows its own page when an API is
  // down, so it is ready as soon as it answers: taking it out of rotation would help no one.
  app.get(['/health', '/health/live', '/health/ready'], (_req, res) => {
    res.json({ status: 'up' });
  });

  // ---- sign-in ------------------------------------------------------------------------------
  app.get('/sign-in', async (req, res) => {
    const returnTo = safeReturnTo(req.query.returnTo);
    const notice = signInNotice(req.query.notice);
    const noticeHtml = notice ? html`<p class="notice" role="status">${notice}</p>` : html``;
    // The sign-in form's token is bound to this browser's pre-session cookie (login CSRF).
    let preSession = preSessionOf(req);
    if (!preSession) {
      preSession = randomToken();
      res.append('Set-Cookie', cookie(named(PRE_SESSION), preSession, PRE_SESSION_TTL_SECONDS, secure));
    }
    const token = csrfField(signInTokens.tokenFor(preSession));
    if (oidc) {
      return send(res, 200, 'Sign in', undefined, html`${noticeHtml}<form method="post" action="/oidc/start">${token}<input type="hidden" name="returnTo" value="${returnTo}"><button type="submit">Sign in with your organisation’s account</button></form>`);
    }
    if (!localKey) return send(res, 404, 'Sign-in is not configured', undefined, html`<p>Set OIDC_ISSUER, or PORTAL_LOCAL_SIGNING_KEY_FILE for local development.</p>`);
    // The demo users: every agency of the directory, in each role. The list is read with a short-lived
    // token of the portal's own, since no one is signed in yet.
    const lookup = new ApiClient(bases, await mintLocal(localKey, config, { sub: 'portal-sign-in-page', agencyId: null, roles: ['operator'], ttlSeconds: 60 }));
    const agencies = await lookup.get('agency-directory', '/agencies').catch(() => ({ status: 503, body: [] }));
    const list: { id: string; name: string; stakeholderType: string }[] = Array.isArray(agencies.body) ? agencies.body : [];
    return send(
      res,
      200,
      'Sign in (local development)',
      undefined,
      html`${noticeHtml}<p>This sign-in page exists only because the local development key is enabled. Choose a demo user: an agency and a role.</p>
<form method="post" action="/sign-in">${token}<input type="hidden" name="returnTo" value="${returnTo}">
${field({ name: 'agencyId', label: 'Agency', hint: 'Leave empty for a partnership-wide user (coordinator, analyst, operator).', options: list.map((a) => [a.id, `${a.name} (${a.stakeholderType})`] as [string, string]) }, emptyForm)}
${field({ name: 'role', label: 'Role', required: true, options: [...ROLES] }, { values: { role: 'caseworker' }, errors: {} })}
<button type="submit">Sign in</button></form>
<h2>Demo users</h2><table><caption>Agencies you can sign in for</caption><thead><tr><th scope="col">Agency</th><th scope="col">Id</th><th scope="col">Kind</th></tr></thead>
<tbody>${list.map((a) => html`<tr><td>${a.name}</td><td>${a.id}</td><td>${a.stakeholderType}</td></tr>`)}</tbody></table>`,
    );
  });

  app.post('/sign-in', async (req, res) => {
    if (!localKey) return send(res, 404, 'Not found', undefined, html`<p>Local sign-in is not enabled.</p>`);
    const role = String(req.body.role ?? '');
    const agencyId = String(req.body.agencyId ?? '');
    if (!(ROLES as readonly string[]).includes(role) || (agencyId && !new RegExp(`^${PATTERNS.agencyId}$`).test(agencyId))) {
      return send(res, 400, 'Sign in (local development)', undefined, errorSummary({ values: {}, errors: {}, summary: 'Choose a role (and optionally an agency).' }));
    }
    const token = await mintLocal(localKey, config, { sub: `${role}@${agencyId || 'partnership'}`, agencyId: agencyId || null, roles: [role], ttlSeconds: 8 * 3600 });
    signIn(req, res, token, String(req.body.returnTo ?? '/'));
  });

  // Starting a sign-in is a form post with the sign-in form's token; an old link to it shows the form.
  app.get('/oidc/start', (req, res) => res.redirect(303, `/sign-in?returnTo=${encodeURIComponent(safeReturnTo(req.query.returnTo))}`));
  app.post('/oidc/start', async (req, res) => {
    if (!oidc) return res.redirect(303, '/sign-in');
    const pending = startSignIn(String(req.body.returnTo ?? '/'));
    const { challenge, ...kept } = pending;
    res.append('Set-Cookie', cookie(named(PENDING), sealer.seal('pending-sign-in', kept), PENDING_SIGN_IN_TTL_SECONDS, secure).replace('SameSite=Strict', 'SameSite=Lax'));
    res.redirect(303, authorizationUrl(await provider(), oidc, pending.state, challenge));
  });

  app.get('/oidc/callback', async (req, res) => {
    if (!oidc) return res.redirect(303, '/sign-in');
    // The provider redirects back cross-site, so this one cookie is SameSite=Lax; it holds no token.
    const pending = sealer.open<PendingSignIn>('pending-sign-in', cookieOf(req, PENDING));
    res.append('Set-Cookie', cookie(named(PENDING), '', 0, secure));
    const problem = req.query.error ? `the identity provider answered ${String(req.query.error)}` : checkCallback(pending, req.query.state);
    if (problem || typeof req.query.code !== 'string') return send(res, 400, 'Sign-in failed', undefined, html`<p role="alert">${problem ?? 'no code'}</p><p><a href="/sign-in">Try again</a></p>`);
    const token = await exchangeCode(await provider(), oidc, req.query.code, (pending as PendingSignIn).verifier);
    signIn(req, res, token, (pending as PendingSignIn).returnTo);
  });

  // The session ends here, not only in this browser: a copy of its cookie no longer works.
  app.post('/sign-out', (req, res) => {
    endSession(req, res);
    res.redirect(303, '/sign-in?notice=signed-out');
  });

  // ---- home ---------------------------------------------------------------------------------
  app.get(
    '/',
    signedIn(async (_req, res, s) => {
      const items: Safe[] = [];
      if (s.roles.includes('caseworker'))
        items.push(html`<li><a href="/services">Find a service</a> for a client’s needs</li><li><a href="/clients">Register or find a client</a> and record consent</li><li><a href="/inbox">Inbox</a>: referrals sent and received</li>`);
      if (s.roles.includes('agency-admin')) items.push(html`<li><a href="/agency">Your agency’s services</a> and their capacity</li>`);
      if (s.roles.includes('coordinator')) items.push(html`<li><a href="/agreement">The umbrella agreement</a> and <a href="/decisions">decisions taken under it</a></li>`);
      if (s.roles.includes('analyst') || s.roles.includes('coordinator')) items.push(html`<li><a href="${config.REPORTING_URL}">Reporting dashboard</a></li>`);
      items.push(html`<li><a href="/agreement">Read the umbrella agreement</a></li>`);
      send(res, 200, 'Your work', s, html`<ul>${items}</ul>`);
    }),
  );

  // ---- find services ------------------------------------------------------------------------
  app.get(
    '/services',
    signedIn(async (req, res, s, api) => {
      const q = (k: string) => (typeof req.query[k] === 'string' ? (req.query[k] as string) : '');
      // Needs come as ticked boxes (repeated `needs`) or as one comma-separated list.
      const needs = ([] as unknown[]).concat(req.query.needs ?? []).flatMap((n) => String(n).split(',')).map((n) => n.trim()).filter(Boolean);
      const values = { needs: needs.join(','), age: q('age'), region: q('region'), hasCapacity: q('hasCapacity'), clientId: q('clientId') };
      const terms = await api.get('agency-directory', '/hsds/taxonomy_terms?per_page=500');
      const taxonomy = terms.status === 200 ? (terms.body.contents as { code: string; name: string }[]) : [];
      const searched = Object.entries(values).some(([k, v]) => k !== 'clientId' && v);
      let results = html``;
      let state: FormState = { values, errors: {} };
      if (searched) {
        const params = new URLSearchParams();
        for (const k of ['needs', 'age', 'region'] as const) if (values[k]) params.set(k, values[k]);
        if (values.hasCapacity) params.set('hasCapacity', 'true');
        const answer = await api.get('agency-directory', `/services/search?${params}`);
        if (answer.status !== 200) {
          const e = formErrors(answer);
          state = { values, errors: e.fields, summary: e.summary };
        } else {
          const rows = answer.body.results as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
          results = html`<h2 id="results">${answer.body.total} service${answer.body.total === 1 ? '' : 's'} found</h2>
<table aria-labelledby="results"><thead><tr><th scope="col">Service</th><th scope="col">Agency</th><th scope="col">Domain</th><th scope="col">Needs</th><th scope="col">Ages</th><th scope="col">Capacity</th><th scope="col"><span>Action</span></th></tr></thead><tbody>
${rows.map(
  (r) => html`<tr><td>${r.name}</td><td>${r.agencyName}</td><td>${r.domain}</td><td>${(r.needs as { name: string }[]).map((n) => n.name).join(', ')}</td>
<td>${r.minimumAge ?? 'any'}–${r.maximumAge ?? 'any'}</td><td>${r.capacity.available} place${r.capacity.available === 1 ? '' : 's'} free${r.capacity.maximum !== null ? html` of ${r.capacity.maximum}` : ''}${r.capacity.hasCapacity ? '' : r.capacity.waitlistAllowed ? ' (waitlist)' : ' (full)'}</td>
<td><a href="/refer?${String(new URLSearchParams({ serviceId: r.id, toAgencyId: r.agencyId, domain: r.domain, ...(values.clientId ? { clientId: values.clientId } : {}) }))}">Refer a client to ${r.name}</a></td></tr>`,
)}</tbody></table>`;
        }
      }
      send(
        res,
        200,
        'Find services',
        s,
        html`${errorSummary(state)}<form method="get" action="/services">
${
          taxonomy.length
            ? html`<fieldset><legend>Needs (optional)</legend>${state.errors.needs ? html`<span class="field-error" id="f-needs-error">Error: ${state.errors.needs}</span>` : ''}<ul class="checkboxes">${taxonomy.map(
                (t) => html`<li><input type="checkbox" id="need-${t.code}" name="needs" value="${t.code}"${needs.includes(t.code) ? raw(' checked') : ''}> <label class="inline" for="need-${t.code}">${t.name}</label></li>`,
              )}</ul></fieldset>`
            : field({ name: 'needs', label: 'Needs', hint: 'Need codes, comma-separated, e.g. skills-and-training,health', pattern: PATTERNS.needs }, state)
        }
${field({ name: 'age', label: 'Client’s age', type: 'number', min: '14', max: '120' }, state)}
${field({ name: 'region', label: 'Region', hint: 'e.g. northbridge', pattern: PATTERNS.agencyId }, state)}
<label for="f-hasCapacity"><input type="checkbox" id="f-hasCapacity" name="hasCapacity" value="true"${values.hasCapacity ? html` checked` : ''}> Only services with places free now</label>
<input type="hidden" name="clientId" value="${values.clientId}">
<button type="submit">Search</button></form>${results}`,
      );
    }),
  );

  // ---- clients ------------------------------------------------------------------------------
  const clientForms = (s: StoredSession, state: FormState) => html`
<h2>Find a client</h2><form method="get" action="/clients/find">${field({ name: 'findId', label: 'Client id', required: true, pattern: PATTERNS.clientId, hint: 'The pseudonymous id, c- and 16 hex digits' }, state)}<button type="submit">Open client</button></form>
<h2>Register a client</h2>${errorSummary(state, { name: 'Name', dateOfBirth: 'Date of birth', contact: 'Email', postcode: 'Postcode' })}
<form method="post" action="/clients">${csrfField(s.csrfToken)}
${field({ name: 'name', label: 'Name', required: true, autocomplete: 'off' }, state)}
${field({ name: 'dateOfBirth', label: 'Date of birth', type: 'date', required: true }, state)}
${field({ name: 'contact', label: 'Email', type: 'email', required: true, autocomplete: 'off' }, state)}
${field({ name: 'postcode', label: 'Postcode', required: true, pattern: PATTERNS.postcode }, state)}
<button type="submit">Register client</button></form>`;

  app.get(
    '/clients',
    signedIn(async (_req, res, s) => send(res, 200, 'Clients', s, clientForms(s, emptyForm))),
  );
  app.get('/clients/find', (req, res) => {
    const id = String(req.query.findId ?? '').trim();
    res.redirect(303, new RegExp(`^${PATTERNS.clientId}$`).test(id) ? `/clients/${id}` : '/clients');
  });
  app.post(
    '/clients',
    signedIn(async (req, res, s, api) => {
      const values = { name: String(req.body.name ?? ''), dateOfBirth: String(req.body.dateOfBirth ?? ''), contact: String(req.body.contact ?? ''), postcode: String(req.body.postcode ?? '') };
      const answer = await api.post('client-journey', '/clients', { name: values.name, dateOfBirth: values.dateOfBirth, contact: { email: values.contact }, postcode: values.postcode });
      if (answer.status === 201) {
        sessions.flash(s.id, { text: `Client registered: ${answer.body.id}. Your agency leads the case.`, refused: false });
        return res.redirect(303, `/clients/${encodeURIComponent(String(answer.body.id))}`);
      }
      const e = formErrors(answer);
      const summary =
        answer.body?.code === 'CLIENT.ALREADY_REGISTERED'
          ? answer.body.visibleToYourAgency
            ? `This person is already a client: ${answer.body.clientId}.`
            : String(answer.body.message)
          : e.summary;
      send(res, answer.status, 'Clients', s, clientForms(s, { values, errors: e.fields, summary }));
    }),
  );

  const clientPage = async (res: Response, s: StoredSession, api: ApiClient, clientId: string, consent: FormState, claim: FormState, notice?: Flash) => {
    const [client, agencies] = await Promise.all([api.get('client-journey', `/clients/${clientId}`), api.get('agency-directory', '/agencies')]);
    if (client.status !== 200) {
      return send(res, client.status, 'Client', s, html`<p role="alert">${formErrors(client).summary}</p><p><a href="/clients">Back to clients</a></p>`);
    }
    const c = client.body;
    const agencyOptions = (Array.isArray(agencies.body) ? agencies.body : []).map((a: { id: string; name: string }) => [a.id, a.name] as [string, string]);
    send(
      res,
      200,
      `Client ${clientId}`,
      s,
      html`${flashed(notice)}
<dl><dt>Name</dt><dd>${c.personalData?.name ?? '(erased)'}</dd><dt>Date of birth</dt><dd>${c.personalData?.dateOfBirth ?? ''}</dd><dt>Postcode</dt><dd>${c.personalData?.postcode ?? ''}</dd>
<dt>Lead agency</dt><dd>${c.leadAgencyId ?? ''}</dd><dt>Key worker</dt><dd>${c.keyWorker?.userId ?? ''}</dd></dl>
<h2>Consent given</h2>${
      (c.consents ?? []).length
        ? html`<ul>${(c.consents as Record<string, string>[]).map((k) => html`<li>${k.agencyId ?? k.domain}: ${k.purpose} (${k.evidence})${k.withdrawnAt ? ' — withdrawn' : ''}</li>`)}</ul>`
        : html`<p>No consent recorded yet.</p>`
    }
<ul><li><a href="/clients/${clientId}/journey">Journey timeline</a></li><li><a href="/services?clientId=${clientId}">Find a service for this client</a></li><li><a href="/refer?clientId=${clientId}">Refer this client</a></li></ul>
<section aria-labelledby="consent-h"><h2 id="consent-h">Record consent</h2>${errorSummary(consent, { agencyId: 'Agency' })}
<form method="post" action="/clients/${clientId}/consents">${csrfField(s.csrfToken)}
${field({ name: 'agencyId', label: 'Share with agency', required: true, options: agencyOptions }, consent)}
${field(
  {
    name: 'purpose',
    label: 'Purpose',
    required: true,
    hint: 'referral: the client may be referred to the agency · case-coordination: the agency sees the record and may take the client on · outcome-tracking: the agency follows the journey only',
    options: ['referral', 'case-coordination', 'outcome-tracking'],
  },
  consent,
)}
${field({ name: 'evidence', label: 'Evidence', required: true, options: ['written', 'verbal', 'electronic'] }, consent)}
<button type="submit">Record consent</button></form></section>
<section aria-labelledby="claim-h"><h2 id="claim-h">Take on this client</h2><p>Work with the client in a domain without a referral (a walk-in). The umbrella agreement decides (UA-4: one agency per client in an exclusive domain).</p>
${errorSummary(claim)}<form method="post" action="/clients/${clientId}/claims">${csrfField(s.csrfToken)}${field({ name: 'claimDomain', label: 'Domain', required: true, options: [...DOMAINS] }, claim)}<button type="submit">Take on the client</button></form></section>`,
    );
  };

  app.get(
    '/clients/:clientId',
    signedIn(async (req, res, s, api) => {
      const id = String(req.params.clientId);
      if (!new RegExp(`^${PATTERNS.clientId}$`).test(id)) return send(res, 404, 'Client', s, html`<p role="alert">That is not a client id.</p>`);
      await clientPage(res, s, api, id, emptyForm, emptyForm, sessions.takeFlash(s.id));
    }),
  );
  app.post(
    '/clients/:clientId/consents',
    signedIn(async (req, res, s, api) => {
      const id = String(req.params.clientId);
      const values = { agencyId: String(req.body.agencyId ?? ''), purpose: String(req.body.purpose ?? ''), evidence: String(req.body.evidence ?? '') };
      const answer = await api.post('client-journey', `/clients/${encodeURIComponent(id)}/consents`, values);
      if (answer.status === 201 || answer.status === 200) return clientPage(res, s, api, id, emptyForm, emptyForm, { text: `Consent recorded: shared with ${values.agencyId} for ${values.purpose}.`, refused: false });
      const e = formErrors(answer);
      await clientPage(res, s, api, id, { values, errors: e.fields, summary: e.summary }, emptyForm);
    }),
  );
  app.post(
    '/clients/:clientId/claims',
    signedIn(async (req, res, s, api) => {
      const id = String(req.params.clientId);
      const domain = String(req.body.claimDomain ?? '');
      const answer = await api.post('referral', `/clients/${encodeURIComponent(id)}/claims/${encodeURIComponent(domain)}`, {});
      if (answer.status < 300) return clientPage(res, s, api, id, emptyForm, emptyForm, { text: `Your agency now works with the client in ${domain}.`, refused: false });
      const e = formErrors(answer);
      await clientPage(res, s, api, id, emptyForm, { values: { claimDomain: domain }, errors: e.fields, summary: e.summary });
    }),
  );

  app.get(
    '/clients/:clientId/journey',
    signedIn(async (req, res, s, api) => {
      const id = String(req.params.clientId);
      const answer = await api.get('client-journey', `/clients/${encodeURIComponent(id)}/journey`);
      if (answer.status !== 200) return send(res, answer.status, 'Journey', s, html`<p role="alert">${formErrors(answer).summary}</p>`);
      const entries = answer.body.entries as { eventId: string; type: string; occurredAt: string; agencyIds: string[]; summary: string }[];
      send(
        res,
        200,
        `Journey of ${id}`,
        s,
        html`<p><a href="/clients/${id}">Back to the client</a></p>${
          entries.length
            ? html`<ol class="timeline">${entries.map(
                (e) => html`<li><time datetime="${e.occurredAt}">${new Date(e.occurredAt).toUTCString()}</time> — <strong>${e.type}</strong>: ${e.summary} <span class="hint">Agencies: ${e.agencyIds.join(', ') || '—'}</span></li>`,
              )}</ol>`
            : html`<p>Nothing recorded yet.</p>`
        }`,
      );
    }),
  );

  // ---- refer --------------------------------------------------------------------------------
  const referForm = (s: StoredSession, state: FormState) => html`${errorSummary(state, { clientId: 'Client id', toAgencyId: 'To agency', domain: 'Domain', serviceId: 'Service' })}
<form method="post" action="/refer" id="refer-form">${csrfField(s.csrfToken)}
${field({ name: 'clientId', label: 'Client id', required: true, pattern: PATTERNS.clientId, hint: 'The pseudonymous id, c- and 16 hex digits' }, state)}
${field({ name: 'toAgencyId', label: 'To agency', required: true, pattern: PATTERNS.agencyId }, state)}
${field({ name: 'domain', label: 'Domain of support', required: true, options: [...DOMAINS] }, state)}
${field({ name: 'serviceId', label: 'Service', pattern: PATTERNS.uuid, hint: 'Filled in when you come from a search result' }, state)}
<button type="submit">Send referral</button></form>`;

  app.get(
    '/refer',
    signedIn(async (req, res, s) => {
      // A form half-filled when the session expired comes back once, after sign-in.
      const draft = sealer.open<Record<string, string>>('draft', cookieOf(req, DRAFT));
      if (draft) res.append('Set-Cookie', cookie(named(DRAFT), '', 0, secure));
      const values: Record<string, string> = {};
      for (const k of REFER_FIELDS) values[k] = draft?.[k] ?? (typeof req.query[k] === 'string' ? (req.query[k] as string) : '');
      send(res, 200, 'Refer a client', s, html`${draft ? html`<p class="notice" role="status">Your referral was kept while you signed in again. Check it and send it.</p>` : ''}${referForm(s, { values, errors: {} })}`);
    }),
  );

  app.post('/refer', async (req, res, next) => {
    const values: Record<string, string> = {};
    for (const k of REFER_FIELDS) values[k] = String(req.body[k] ?? '').trim();
    // Only a form of this browser's session gets here (its token was checked), so a draft kept
    // while the user signs in again is theirs: no other site can plant one.
    const keepDraft = () => {
      res.append('Set-Cookie', cookie(named(DRAFT), sealer.seal('draft', values), DRAFT_TTL_SECONDS, secure));
      endSession(req, res);
      toSignIn(res, '/refer', 'draft-kept');
    };
    const session = sessionOf(req);
    if (!session || !sessions.isActive(session)) return keepDraft();
    try {
      const api = new ApiClient(bases, session.token);
      const answer = await api.post('referral', '/referrals', {
        clientId: values.clientId,
        fromAgencyId: session.agencyId,
        toAgencyId: values.toAgencyId,
        domain: values.domain,
        ...(values.serviceId ? { serviceId: values.serviceId } : {}),
      });
      if (answer.status === 201 || answer.status === 200) {
        return send(
          res,
          201,
          'Referral sent',
          session,
          html`<p class="notice" role="status">Referral sent to ${values.toAgencyId} for ${values.domain}${answer.body.waitlisted ? ' (waitlisted: the service is full)' : ''}. They answer by ${new Date(answer.body.respondBy).toUTCString()} (UA-8).</p>
<ul><li><a href="/inbox">Inbox</a></li><li><a href="/clients/${values.clientId}/journey">The client’s journey</a></li></ul>`,
        );
      }
      const e = formErrors(answer);
      send(res, answer.status, 'Refer a client', session, referForm(session, { values, errors: e.fields, summary: e.summary }));
    } catch (error) {
      if (error instanceof SessionExpired) return keepDraft();
      next(error);
    }
  });

  // ---- inbox --------------------------------------------------------------------------------
  const inboxRows = async (s: StoredSession, api: ApiClient): Promise<Safe> => {
    const answer = await api.get('referral', '/referrals');
    const list = (answer.status === 200 ? answer.body : []) as Record<string, string>[];
    const ids = list.map((r) => `${r.id}:${r.status}`).join(',');
    if (!list.length) return html`<tr data-ids=""><td colspan="7">No referrals yet.</td></tr>`;
    return html`${list.map((r, i) => {
      const received = r.toAgencyId === s.agencyId;
      const canAct = received && s.roles.includes('caseworker');
      const steps = INBOX_STEPS.filter(([action]) => (TRANSITIONS[action].from as readonly string[]).includes(r.status));
      const label = `referral of ${r.clientId} in ${r.domain}`;
      return html`<tr${i === 0 ? html` data-ids="${ids}"` : ''}><td>${received ? 'received from' : 'sent to'} ${received ? r.fromAgencyId : r.toAgencyId}</td><td><a href="/clients/${r.clientId}">${r.clientId}</a></td><td>${r.domain}</td>
<td><span class="status">${r.status}</span>${r.reason ? html` (${r.reason})` : ''}</td><td>${r.status === 'requested' ? timeLeft(r.respondBy) : '—'}</td><td>${new Date(r.requestedAt).toUTCString()}</td>
<td>${canAct ? html`${steps.map(([a, t]) => html`<form class="inline" method="post" action="/referrals/${r.id}/${a}">${csrfField(s.csrfToken)}<button type="submit" aria-label="${t} ${label}">${t}</button></form> `)}${
        r.status === 'requested'
          ? html`<form method="post" action="/referrals/${r.id}/reject">${csrfField(s.csrfToken)}<label for="reason-${r.id}">Reason to reject</label><select id="reason-${r.id}" name="reason" required><option value="">Choose…</option>${REASONS.map((x) => html`<option>${x}</option>`)}</select>
<label for="note-${r.id}">Note for the client’s record (optional)</label><input id="note-${r.id}" name="note" maxlength="2000"><button type="submit" class="secondary" aria-label="Reject ${label}">Reject</button></form>`
          : ''
      }` : ''}</td></tr>`;
    })}`;
  };

  app.get(
    '/inbox',
    signedIn(async (_req, res, s, api) => {
      const notice = sessions.takeFlash(s.id);
      send(
        res,
        200,
        'Inbox',
        s,
        html`${flashed(notice)}
<p>Referrals your agency sent and received. It refreshes itself; a receiving agency answers within the response window (UA-8).</p>
<p id="inbox-live" class="hint" aria-live="polite"></p>
<table><caption>Referrals</caption><thead><tr><th scope="col">Direction</th><th scope="col">Client</th><th scope="col">Domain</th><th scope="col">Status</th><th scope="col">Time left to answer</th><th scope="col">Requested</th><th scope="col">Actions</th></tr></thead>
<tbody id="inbox-rows" data-ids="">${await inboxRows(s, api)}</tbody></table>`,
        INBOX_SCRIPT,
      );
    }),
  );
  app.get('/inbox/rows', async (req, res, next) => {
    const s = activeSession(req);
    if (!s) return res.status(401).end();
    try {
      res.type('html').send((await inboxRows(s, new ApiClient(bases, s.token))).value);
    } catch (error) {
      if (error instanceof SessionExpired) return res.status(401).end();
      next(error);
    }
  });
  app.post(
    '/referrals/:id/:action',
    signedIn(async (req, res, s, api) => {
      const action = String(req.params.action);
      if (!['accept', 'reject', 'start', 'hold', 'resume', 'complete'].includes(action)) return res.redirect(303, '/inbox');
      const body: Record<string, string> = {};
      if (req.body.reason) body.reason = String(req.body.reason);
      const answer = await api.post('referral', `/referrals/${encodeURIComponent(String(req.params.id))}/${action}`, body);
      let text = answer.status < 300 ? `Referral ${answer.body?.referral?.status ?? answer.body?.status ?? action}.` : formErrors(answer).summary;
      // details about the client are a note on their record in client-journey, never part of the referral
      const note = typeof req.body.note === 'string' ? req.body.note.trim() : '';
      if (answer.status < 300 && note) {
        const noted = await api.post('client-journey', `/clients/${encodeURIComponent(String(answer.body.clientId))}/notes`, { text: note, referralId: answer.body.id });
        text += noted.status === 201 ? ' The note is on the client’s record.' : ` The note was not recorded: ${formErrors(noted).summary}`;
      }
      sessions.flash(s.id, { text, refused: answer.status >= 300 });
      res.redirect(303, '/inbox');
    }),
  );

  // ---- agency admin -------------------------------------------------------------------------
  app.get(
    '/agency',
    signedIn(async (req, res, s, api) => {
      if (!s.agencyId) return send(res, 403, 'Our services', s, html`<p role="alert">You sign in for no agency.</p>`);
      const answer = await api.get('agency-directory', `/agencies/${encodeURIComponent(s.agencyId)}/profile`);
      if (answer.status !== 200) return send(res, answer.status, 'Our services', s, html`<p role="alert">${formErrors(answer).summary}</p>`);
      const notice = sessions.takeFlash(s.id);
      const services = answer.body.services as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
      send(
        res,
        200,
        `Services of ${answer.body.agency.name}`,
        s,
        html`${flashed(notice)}
<table><caption>Services and places free now</caption><thead><tr><th scope="col">Service</th><th scope="col">Domain</th><th scope="col">Places free</th><th scope="col">Update capacity</th></tr></thead><tbody>
${services.map(
  (v) => html`<tr><td>${v.name}</td><td>${v.domain}</td><td>${v.capacity.available}${v.capacity.maximum !== null ? html` of ${v.capacity.maximum}` : ''}</td>
<td><form class="inline" method="post" action="/agency/services/${v.id}/capacity">${csrfField(s.csrfToken)}<label for="cap-${v.id}">Places free for ${v.name}</label><input id="cap-${v.id}" name="available" type="number" min="0" max="100000" required value="${v.capacity.available}"> <button type="submit">Update ${v.name}</button></form>
${v.capacity.available > 0 ? html`<form class="inline" method="post" action="/agency/services/${v.id}/capacity">${csrfField(s.csrfToken)}<input type="hidden" name="available" value="0"><button type="submit" class="secondary">Mark ${v.name} full</button></form>` : ''}</td></tr>`,
)}</tbody></table>`,
      );
    }),
  );
  app.post(
    '/agency/services/:id/capacity',
    signedIn(async (req, res, s, api) => {
      const available = Number(req.body.available);
      const answer = await api.put('agency-directory', `/services/${encodeURIComponent(String(req.params.id))}/capacity`, { available });
      const text = answer.status < 300 ? `Capacity updated: ${available} place${available === 1 ? '' : 's'} free.` : formErrors(answer).summary;
      sessions.flash(s.id, { text, refused: answer.status >= 300 });
      res.redirect(303, '/agency');
    }),
  );

  // ---- coordinator --------------------------------------------------------------------------
  app.get(
    '/agreement',
    signedIn(async (req, res, s, api) => {
      const version = typeof req.query.version === 'string' ? req.query.version : '';
      const [one, all] = await Promise.all([api.get('referral', version ? `/agreements/${encodeURIComponent(version)}` : '/agreements/active'), api.get('referral', '/agreements')]);
      if (one.status !== 200) return send(res, one.status, 'The umbrella agreement', s, html`<p role="alert">${formErrors(one).summary}</p>`);
      const doc = one.body.document as { title?: string; domains?: Record<string, { exclusive?: boolean }>; rules?: Record<string, Record<string, unknown>> };
      const params = (id: string) => Object.entries(doc.rules?.[id] ?? {}).filter(([k]) => k !== 'id');
      send(
        res,
        200,
        'The umbrella agreement',
        s,
        html`<h2>${doc.title ?? one.body.agreementId}</h2><p>Version <strong>${one.body.version}</strong>${one.body.active ? ' (in force)' : ''}, effective from ${one.body.effectiveFrom}, published ${new Date(one.body.publishedAt).toUTCString()}.</p>
<nav aria-label="Versions"><h2>Versions</h2><ul>${(Array.isArray(all.body) ? all.body : []).map((v: { version: string; active: boolean }) => html`<li><a href="/agreement?version=${v.version}">Version ${v.version}</a>${v.active ? ' (in force)' : ''}</li>`)}</ul></nav>
<h2>Rules</h2><dl>${RULE_IDS.map(
          (id) => html`<dt><strong>${id}</strong></dt><dd>${RULES[id]}${params(id).length ? html` <span class="hint">Set in this version: ${params(id).map(([k, v]) => `${k} = ${String(v)}`).join('; ')}</span>` : ''}</dd>`,
        )}</dl>
<h2>Domains of support</h2><table><caption>Exclusive domains allow one agency per client at a time (UA-4)</caption><thead><tr><th scope="col">Domain</th><th scope="col">Kind</th></tr></thead><tbody>
${Object.entries(doc.domains ?? {}).map(([d, v]) => html`<tr><td>${d}</td><td>${v?.exclusive ? 'exclusive' : 'shared'}</td></tr>`)}</tbody></table>
<details><summary>The document as published</summary><pre>${JSON.stringify(doc, null, 2)}</pre></details>`,
      );
    }),
  );
  app.get(
    '/decisions',
    signedIn(async (req, res, s, api) => {
      const params = new URLSearchParams();
      for (const k of ['code', 'outcome', 'clientId'] as const) if (typeof req.query[k] === 'string' && req.query[k]) params.set(k, req.query[k] as string);
      const answer = await api.get('referral', `/decisions?${params}`);
      if (answer.status !== 200) return send(res, answer.status, 'Decisions', s, html`<p role="alert">${formErrors(answer).summary}</p>`);
      const values = Object.fromEntries(params.entries());
      send(
        res,
        200,
        'Decisions taken under the agreement',
        s,
        html`<form method="get" action="/decisions">${field({ name: 'code', label: 'Rule', hint: 'e.g. UA-4' }, { values, errors: {} })}${field({ name: 'outcome', label: 'Outcome', options: ['allow', 'deny'] }, { values, errors: {} })}${field({ name: 'clientId', label: 'Client id', pattern: PATTERNS.clientId }, { values, errors: {} })}<button type="submit">Filter</button></form>
<table><caption>Newest first</caption><thead><tr><th scope="col">When</th><th scope="col">Command</th><th scope="col">Outcome</th><th scope="col">Rule</th><th scope="col">Reason</th><th scope="col">Agency</th><th scope="col">Client</th><th scope="col">Version</th></tr></thead><tbody>
${(answer.body as Record<string, string>[]).map((d) => html`<tr><td>${d.decidedAt}</td><td>${d.command}</td><td>${d.outcome}</td><td>${d.code ?? ''}</td><td>${d.reason ?? ''}</td><td>${d.agencyId ?? ''}</td><td>${d.clientId ?? ''}</td><td>${d.agreementVersion}</td></tr>`)}</tbody></table>`,
      );
    }),
  );

  app.use((_req: Request, res: Response) => send(res, 404, 'Page not found', undefined, html`<p><a href="/">Go to the start</a></p>`));
  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
    const refused = clientErrorOf(error);
    if (refused) return refuse(res, refused.status, refused.message);
    console.error(error);
    send(res, 502, 'Something went wrong', undefined, html`<p role="alert">A service did not answer as expected. Please try again.</p>`);
  });
  return app;
}

/** Mints a token exactly like deploy/local-auth.mjs (issuer, audience and claims), for local development. */
export function mintLocal(key: KeyObject, config: PortalConfig, who: { sub: string; agencyId: string | null; roles: string[]; ttlSeconds: number }): Promise<string> {
  const claims: Record<string, unknown> = { roles: who.roles };
  if (who.agencyId) claims.agency_id = who.agencyId;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setSubject(who.sub)
    .setIssuer(config.PORTAL_LOCAL_ISSUER ?? LOCAL_ISSUER)
    .setAudience(config.PORTAL_LOCAL_AUDIENCE ?? LOCAL_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + who.ttlSeconds)
    .sign(key);
}
