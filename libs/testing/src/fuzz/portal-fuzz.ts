import { EXOTIC_STRINGS } from './openapi-fuzz';
import { Random } from './random';

/*
 * Bad requests to the portal's pages. The portal has no OpenAPI document: its pages and their
 * fields are listed here. Every form post carries at least one value the services refuse, so no
 * post may change anything. A form post carries the token a page of the portal would give it
 * (`token`), so that it reaches the page's handler; without it the portal refuses it first (403).
 */

interface PortalPage {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly fields: readonly string[];
  /** A field and a value that make the service behind the page refuse the post. */
  readonly spoil?: readonly [string, string];
  /**
   * The form token a post sends: the session's, the sign-in form's (bound to a pre-session
   * cookie), or none — a sign-out with its token would end the session the other cases use.
   */
  readonly token?: PortalToken;
}

export type PortalToken = 'session' | 'sign-in' | 'none';

const PAGES: readonly PortalPage[] = [
  { method: 'GET', path: '/', fields: [] },
  { method: 'GET', path: '/services', fields: ['needs', 'age', 'region', 'hasCapacity', 'clientId'] },
  { method: 'GET', path: '/clients', fields: [] },
  { method: 'GET', path: '/clients/find', fields: ['findId'] },
  { method: 'GET', path: '/clients/{clientId}', fields: ['registered'] },
  { method: 'GET', path: '/clients/{clientId}/journey', fields: [] },
  { method: 'GET', path: '/refer', fields: ['clientId', 'toAgencyId', 'domain', 'serviceId'] },
  { method: 'GET', path: '/inbox', fields: ['notice', 'refused'] },
  { method: 'GET', path: '/inbox/rows', fields: [] },
  { method: 'GET', path: '/agency', fields: ['notice', 'refused'] },
  { method: 'GET', path: '/agreement', fields: ['version'] },
  { method: 'GET', path: '/decisions', fields: ['code', 'outcome', 'clientId'] },
  { method: 'GET', path: '/sign-in', fields: ['returnTo', 'notice'] },
  { method: 'GET', path: '/oidc/start', fields: ['returnTo'] },
  { method: 'GET', path: '/oidc/callback', fields: ['code', 'state', 'error'] },
  { method: 'POST', path: '/sign-in', fields: ['role', 'agencyId', 'returnTo'], spoil: ['role', 'superuser'], token: 'sign-in' },
  { method: 'POST', path: '/oidc/start', fields: ['returnTo'], token: 'sign-in' },
  { method: 'POST', path: '/sign-out', fields: [], token: 'none' },
  { method: 'POST', path: '/clients', fields: ['name', 'dateOfBirth', 'contact', 'postcode'], spoil: ['dateOfBirth', 'not-a-date'], token: 'session' },
  { method: 'POST', path: '/clients/{clientId}/consents', fields: ['agencyId', 'purpose', 'evidence'], spoil: ['purpose', 'everything'], token: 'session' },
  { method: 'POST', path: '/clients/{clientId}/claims', fields: ['claimDomain'], spoil: ['claimDomain', 'not-a-domain'], token: 'session' },
  { method: 'POST', path: '/refer', fields: ['clientId', 'toAgencyId', 'domain', 'serviceId'], spoil: ['domain', 'not-a-domain'], token: 'session' },
  { method: 'POST', path: '/referrals/{id}/{action}', fields: ['reason', 'note'], token: 'session' },
  { method: 'POST', path: '/agency/services/{id}/capacity', fields: ['available'], spoil: ['available', '-5'], token: 'session' },
];

export interface PortalCase {
  readonly kind: string;
  readonly method: string;
  readonly target: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signedIn: boolean;
  readonly stateChanging: boolean;
  /** The form token to add to a URL-encoded body (see `PortalPage.token`). */
  readonly token: PortalToken;
  /** The status the portal must answer with, when there is one. */
  readonly expectStatus?: number;
  readonly note: string;
}

const FORM = 'application/x-www-form-urlencoded';
const enc = encodeURIComponent;

/** Path values: never a record of the fixtures, so that no post can act on one. */
function pathValue(name: string, random: Random): string {
  if (name === 'action') return random.pick(['accept', 'reject', 'complete', 'explode', '']);
  if (name === 'clientId') return random.pick([`c-${random.uuid().replace(/-/g, '').slice(0, 16)}`, 'c-XYZ', '\u202Ec-1', "' OR 1=1"]);
  return random.pick([random.uuid(), 'not-a-uuid', '💥']);
}

function fill(page: PortalPage, random: Random): string {
  return page.path.replace(/\{([^}]+)\}/g, (_m, name: string) => enc(pathValue(name, random)));
}

function formOf(page: PortalPage, random: Random, value: () => string): string {
  const pairs = page.fields.filter(() => random.chance(0.8)).map((f) => `${enc(f)}=${enc(value())}`);
  if (page.spoil) pairs.push(`${enc(page.spoil[0])}=${enc(page.spoil[1])}`);
  return pairs.join('&');
}

/** `count` requests to the portal's pages, every kind tried on every page it fits. */
export function portalCases(random: Random, count: number): PortalCase[] {
  const exotic = () => random.pick([...EXOTIC_STRINGS, 'x'.repeat(2000)]);
  const kinds: Record<string, (page: PortalPage) => Omit<PortalCase, 'kind' | 'signedIn' | 'stateChanging' | 'token'> | undefined> = {
    'query.exotic': (page) => (page.method === 'GET' && page.fields.length ? { method: 'GET', target: `${fill(page, random)}?${formOf(page, random, exotic)}`, headers: {}, note: 'exotic query' } : undefined),
    'query.nul': (page) => ({ method: page.method, target: `${fill(page, random)}?${enc(random.pick([...page.fields, 'q']))}=a%00b`, headers: page.method === 'POST' ? { 'content-type': FORM } : ({} as Record<string, string>), body: page.method === 'POST' ? formOf(page, random, exotic) : undefined, expectStatus: 400, note: 'NUL in the query' }),
    'query.broken-escape': (page) => (page.method === 'GET' ? { method: 'GET', target: `${fill(page, random)}?${random.pick([...page.fields, 'q'])}=%E0%A4%A`, headers: {}, expectStatus: 400, note: 'broken escape in the query' } : undefined),
    'path.broken-escape': (page) => ({ method: page.method, target: page.path.includes('{') ? page.path.replace(/\{[^}]+\}/g, '%E0%A4%A') : `${page.path}/%zz`, headers: {}, expectStatus: 400, note: 'broken escape in the path' }),
    'path.nul': (page) => ({ method: page.method, target: page.path.includes('{') ? page.path.replace(/\{[^}]+\}/g, 'c-%00') : `${page.path}%00`, headers: {}, expectStatus: 400, note: 'NUL in the path' }),
    'form.exotic': (page) => (page.method === 'POST' ? { method: 'POST', target: fill(page, random), headers: { 'content-type': FORM }, body: formOf(page, random, exotic), note: 'exotic form values' } : undefined),
    'form.nul': (page) => (page.method === 'POST' ? { method: 'POST', target: fill(page, random), headers: { 'content-type': FORM }, body: `${formOf(page, random, exotic)}&${enc(random.pick([...page.fields, 'x']))}=%00`, expectStatus: 400, note: 'NUL in a field' } : undefined),
    'form.oversize': (page) => (page.method === 'POST' ? { method: 'POST', target: fill(page, random), headers: { 'content-type': FORM }, body: `${enc(random.pick([...page.fields, 'x']))}=${'y'.repeat(70_000)}`, expectStatus: 413, note: 'form over 64 kB' } : undefined),
    'body.json': (page) => (page.method === 'POST' ? { method: 'POST', target: fill(page, random), headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role: 'coordinator', [random.pick([...page.fields, 'x'])]: exotic() }), expectStatus: 415, note: 'JSON body' } : undefined),
    'body.text': (page) => (page.method === 'POST' ? { method: 'POST', target: fill(page, random), headers: { 'content-type': random.pick(['text/plain', 'multipart/form-data; boundary=z', 'application/xml']) }, body: 'role=coordinator', expectStatus: 415, note: 'body that is not a form' } : undefined),
    'form.charset': (page) => (page.method === 'POST' ? { method: 'POST', target: fill(page, random), headers: { 'content-type': `${FORM}; charset=${random.pick(['utf-7', 'x-bogus'])}` }, body: 'a=1', expectStatus: 415, note: 'unsupported charset' } : undefined),
    'header.referer': (page) => (page.method === 'POST' ? { method: 'POST', target: fill(page, random), headers: { 'content-type': FORM, referer: random.pick(['not a url', '::::', 'http://[', '/relative']) }, body: formOf(page, random, exotic), note: 'Referer that is not a URL' } : undefined),
    // (refused before routing: a request that may change something and carries no form token)
    'route.method': (page) => ({ method: page.method === 'GET' ? random.pick(['PUT', 'DELETE', 'PATCH']) : 'PATCH', target: fill(page, random), headers: {}, expectStatus: 403, note: 'method the page does not have' }),
  };
  const cases: PortalCase[] = [];
  const pairs = PAGES.flatMap((page) => Object.keys(kinds).map((kind) => [page, kind] as const));
  for (let i = 0; cases.length < count && i < count * 4; i++) {
    const [page, kind] = i < pairs.length ? pairs[i] : random.pick(pairs);
    const made = kinds[kind](page);
    if (!made) continue;
    const signedIn = random.chance(0.85);
    const form = made.method === 'POST' && made.headers['content-type'] === FORM;
    cases.push({ ...made, kind, signedIn, stateChanging: made.method !== 'GET', token: form ? (page.token ?? 'none') : 'none' });
  }
  return cases;
}
