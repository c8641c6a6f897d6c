import { CASEWORKER_REASONS, DOMAINS_OF_SUPPORT } from '@umbrella/contracts/vocabulary';
import { CSRF_FIELD } from './csrf';
import { html, raw, Safe } from './html';
import { Session } from './session';

export const DOMAINS = DOMAINS_OF_SUPPORT;
export const REASONS = CASEWORKER_REASONS;

const STYLE = `
body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fff;line-height:1.5}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#ffdd00;padding:.5rem;z-index:9}
header{background:#0b3d62;color:#fff;padding:.5rem 1rem}header a{color:#fff}
nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:1rem;padding:0;margin:.25rem 0}
main{padding:1rem;max-width:70rem}
a{color:#0b4f8a}a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #ffbf47;outline-offset:2px}
label{display:block;font-weight:600;margin-top:.75rem}
input,select,textarea{font-size:1rem;padding:.3rem;border:2px solid #1b1b1b}
button{font-size:1rem;padding:.35rem .8rem;margin-top:.5rem;background:#00703c;color:#fff;border:0;cursor:pointer}
button.secondary{background:#505a5f}
table{border-collapse:collapse;width:100%}th,td{text-align:left;border-bottom:1px solid #b1b4b6;padding:.35rem;vertical-align:top}
.error-summary{border:4px solid #d4351c;padding:.5rem 1rem;margin:1rem 0}.error-summary h2{margin-top:0}
.field-error{color:#d4351c;font-weight:600;display:block}
.notice{border-left:6px solid #00703c;padding:.5rem 1rem;background:#f3f2f1}
.hint{color:#505a5f;display:block}
form.inline{display:inline}
footer{padding:1rem;border-top:1px solid #b1b4b6;color:#505a5f;margin-top:1rem}
input,select{max-width:100%}
caption{text-align:left;font-weight:600}
@media (max-width:40rem){table{display:block;overflow-x:auto}}
fieldset{border:0;padding:0;margin-top:.75rem}legend{font-weight:600}
ul.checkboxes{list-style:none;padding:0;columns:3 14rem}label.inline{display:inline;font-weight:400;margin:0}
`;

/** The inbox refreshes itself: it asks for its rows again and announces new arrivals politely. */
const INBOX_SCRIPT = `
(function(){var body=document.getElementById('inbox-rows');var live=document.getElementById('inbox-live');if(!body)return;
var known=body.getAttribute('data-ids');
setInterval(function(){fetch('/inbox/rows',{credentials:'same-origin'}).then(function(r){if(r.status===401){location.href='/sign-in?returnTo=%2Finbox';return null}return r.ok?r.text():null}).then(function(t){if(t===null||t===undefined)return;
var d=document.createElement('tbody');d.innerHTML=t;var ids=d.firstElementChild?d.firstElementChild.getAttribute('data-ids'):'';
if(ids!==known&&!body.contains(document.activeElement)){body.innerHTML=t;known=ids;live.textContent='The inbox was updated.'}}).catch(function(){})},4000)})();`;

export interface Nav {
  readonly session?: Session & { readonly csrfToken: string };
  readonly reportingUrl: string;
}

/** The hidden field that carries a form's token: every form that posts has one. */
export function csrfField(token: string): Safe {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${token}">`;
}

/**
 * What the sign-in page may say when sent there: a code from this list, each with its fixed
 * sentence. Any other `?notice=` shows nothing, so a link cannot put words in the portal's mouth.
 */
export const SIGN_IN_NOTICES = {
  'sign-in': 'Please sign in.',
  expired: 'Your session has expired. Please sign in again.',
  'draft-kept': 'Your session has expired. Sign in again: your referral has been kept.',
  'signed-out': 'You have signed out.',
} as const;

export type SignInNotice = keyof typeof SIGN_IN_NOTICES;

export function signInNotice(code: unknown): string | undefined {
  return typeof code === 'string' && Object.hasOwn(SIGN_IN_NOTICES, code) ? SIGN_IN_NOTICES[code as SignInNotice] : undefined;
}

function navLinks(nav: Nav): Safe {
  const s = nav.session;
  if (!s) return html``;
  const links: [string, string][] = [['/', 'Home']];
  if (s.roles.includes('caseworker')) links.push(['/services', 'Find services'], ['/clients', 'Clients'], ['/refer', 'Refer'], ['/inbox', 'Inbox']);
  if (s.roles.includes('agency-admin')) links.push(['/services', 'Find services'], ['/inbox', 'Inbox'], ['/agency', 'Our services']);
  if (s.roles.includes('coordinator')) links.push(['/agreement', 'Agreement'], ['/decisions', 'Decisions']);
  if (!s.roles.includes('coordinator')) links.push(['/agreement', 'Agreement']);
  const unique = links.filter(([href], i) => links.findIndex(([h]) => h === href) === i);
  return html`<nav aria-label="Main"><ul>${unique.map(([href, text]) => html`<li><a href="${href}">${text}</a></li>`)}${
    s.roles.includes('analyst') || s.roles.includes('coordinator') ? html`<li><a href="${nav.reportingUrl}">Reporting dashboard</a></li>` : ''
  }</ul></nav>`;
}

export function page(title: string, nav: Nav, content: Safe, options: { script?: string } = {}): string {
  const s = nav.session;
  return `<!doctype html>${html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} — Umbrella</title><style>${raw(STYLE)}</style></head><body>
<a class="skip" href="#main">Skip to main content</a>
<header><p><strong>Umbrella</strong> caseworker portal${
    s ? html` · signed in as ${s.userId}${s.agencyId ? html` at ${s.agencyId}` : ''} (${s.roles.join(', ')}) <form class="inline" method="post" action="/sign-out">${csrfField(s.csrfToken)}<button class="secondary" type="submit">Sign out</button></form>` : ''
  }</p>${navLinks(nav)}</header>
<main id="main" tabindex="-1"><h1>${title}</h1>${content}</main>
<footer><p>Umbrella — agencies working each client’s case together under one agreement.</p></footer>
${options.script ? raw(`<script>${options.script}</script>`) : ''}</body></html>`.value}`;
}

export interface FormState {
  readonly values: Record<string, string>;
  readonly errors: Record<string, string>;
  readonly summary?: string;
}

export const emptyForm: FormState = { values: {}, errors: {} };

/** The error summary: role=alert, each field error a link to its field (GOV.UK pattern). */
export function errorSummary(state: FormState, labels: Record<string, string> = {}): Safe {
  const fieldErrors = Object.entries(state.errors);
  if (!state.summary && !fieldErrors.length) return html``;
  return html`<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" id="error-summary">
<h2 id="error-summary-title">There is a problem</h2>${state.summary ? html`<p id="form-refusal">${state.summary}</p>` : ''}
${fieldErrors.length ? html`<ul>${fieldErrors.map(([f, m]) => html`<li><a href="#f-${f}">${labels[f] ?? f}: ${m}</a></li>`)}</ul>` : ''}</div>`;
}

interface FieldSpec {
  readonly name: string;
  readonly label: string;
  readonly type?: string;
  readonly required?: boolean;
  readonly pattern?: string;
  readonly hint?: string;
  readonly options?: readonly (string | [string, string])[];
  readonly min?: string;
  readonly max?: string;
  readonly autocomplete?: string;
}

export function field(spec: FieldSpec, state: FormState): Safe {
  const id = `f-${spec.name}`;
  const value = state.values[spec.name] ?? '';
  const error = state.errors[spec.name];
  const described = [spec.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || null;
  const common = html`id="${id}" name="${spec.name}"${spec.required ? raw(' required') : ''}${described ? html` aria-describedby="${described}"` : ''}${error ? raw(' aria-invalid="true"') : ''}`;
  const control = spec.options
    ? html`<select ${common}>${spec.required ? '' : html`<option value="">(any)</option>`}${spec.options.map((o) => {
        const [v, t] = Array.isArray(o) ? o : [o, o];
        return html`<option value="${v}"${v === value ? raw(' selected') : ''}>${t}</option>`;
      })}</select>`
    : html`<input ${common} type="${spec.type ?? 'text'}" value="${value}"${spec.pattern ? html` pattern="${spec.pattern}"` : ''}${spec.min ? html` min="${spec.min}"` : ''}${spec.max ? html` max="${spec.max}"` : ''}${spec.autocomplete ? html` autocomplete="${spec.autocomplete}"` : ''}>`;
  return html`<label for="${id}">${spec.label}${spec.required ? '' : ' (optional)'}</label>${spec.hint ? html`<span class="hint" id="${id}-hint">${spec.hint}</span>` : ''}${
    error ? html`<span class="field-error" id="${id}-error">Error: ${error}</span>` : ''
  }${control}`;
}

export const PATTERNS = {
  clientId: 'c-[0-9a-f]{16}',
  agencyId: '[a-z0-9]+(-[a-z0-9]+)*',
  needs: '[a-z0-9-]+(,[a-z0-9-]+)*',
  uuid: '[0-9a-fA-F-]{36}',
  postcode: '[A-Za-z0-9 ]{2,10}',
};

/** "1 day 3 hours left", "overdue": the answer window of UA-8, as a caseworker reads it. */
export function timeLeft(respondBy: string, now = Date.now()): string {
  const ms = new Date(respondBy).getTime() - now;
  if (ms <= 0) return 'overdue';
  const hours = Math.floor(ms / 3_600_000);
  const days = Math.floor(hours / 24);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  if (days > 0) return `${days} day${days === 1 ? '' : 's'} ${hours % 24} h left`;
  if (hours > 0) return `${hours} h ${minutes} min left`;
  return `${minutes} min left`;
}

export { INBOX_SCRIPT };
