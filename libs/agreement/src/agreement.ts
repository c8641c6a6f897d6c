import { DOMAINS_OF_SUPPORT, DomainOfSupport } from '@umbrella/contracts/vocabulary';
import { join } from 'node:path';
import { parse } from 'yaml';

export const CAPACITY_POLICIES = ['refuse', 'waitlist'] as const;
export const ATTRIBUTION_POLICIES = ['lead-at-time', 'receiving-agency'] as const;

/** An umbrella agreement, validated and with every rule parameter resolved. */
export interface Agreement {
  readonly id: string;
  readonly version: string;
  readonly title: string;
  readonly effectiveFrom: string;
  readonly domains: Readonly<Record<DomainOfSupport, { readonly exclusive: boolean }>>;
  readonly rules: {
    /** UA-1 */ readonly requireSignature: boolean;
    /** UA-2 */ readonly requireConsent: boolean;
    /** UA-6 */ readonly handBackWindowDays: number;
    /** UA-7 */ readonly whenNoCapacity: (typeof CAPACITY_POLICIES)[number];
    /** UA-8 */ readonly responseWindow: number;
    /** UA-8 */ readonly businessDays: boolean;
    /** UA-10: `lead-at-time` credits the lead agency when the outcome happened; `receiving-agency` the agency working the domain's referral. */
    readonly attribution: (typeof ATTRIBUTION_POLICIES)[number];
  };
}

export type Parsed = { ok: true; agreement: Agreement } | { ok: false; problems: string[] };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads an agreement document (YAML or JSON text, or an already parsed object) and lists every
 * problem at once, so a coordinator can fix a draft in one go.
 */
export function parseAgreement(input: string | unknown): Parsed {
  let doc: unknown = input;
  if (typeof input === 'string') {
    try {
      doc = parse(input);
    } catch (error) {
      return { ok: false, problems: [`document: not valid YAML or JSON (${(error as Error).message.split('\n')[0]})`] };
    }
  }
  if (!isObject(doc)) return { ok: false, problems: ['document: must be a mapping with id, version, effectiveFrom, domains and rules'] };
  const problems: string[] = [];
  const text = (name: string, pattern: RegExp, hint: string): string => {
    const v = doc[name];
    if (typeof v !== 'string' || !pattern.test(v)) problems.push(`${name}: ${hint}`);
    return String(v);
  };
  const id = text('id', /^[a-z0-9][a-z0-9-]{2,99}$/, 'must be a slug of lowercase letters, digits and dashes');
  const version = text('version', /^[0-9A-Za-z.-]{1,20}$/, 'must be a version such as "1" or "2.1" (quote it in YAML)');
  const title = typeof doc.title === 'string' && doc.title.trim() ? doc.title : id;
  const effectiveFrom = text('effectiveFrom', /^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD (quote it in YAML)');
  if (!problems.some((p) => p.startsWith('effectiveFrom')) && Number.isNaN(Date.parse(`${effectiveFrom}T00:00:00Z`))) problems.push('effectiveFrom: not a real date');

  const domains = {} as Record<DomainOfSupport, { exclusive: boolean }>;
  if (!isObject(doc.domains)) {
    problems.push(`domains: must map each domain of support (${DOMAINS_OF_SUPPORT.join(', ')}) to { exclusive: true|false }`);
  } else {
    for (const name of Object.keys(doc.domains)) {
      if (!(DOMAINS_OF_SUPPORT as readonly string[]).includes(name)) problems.push(`domains.${name}: not a domain of support`);
    }
    for (const name of DOMAINS_OF_SUPPORT) {
      const d = doc.domains[name];
      if (!isObject(d) || typeof d.exclusive !== 'boolean') problems.push(`domains.${name}: must be { exclusive: true } or { exclusive: false }`);
      else domains[name] = { exclusive: d.exclusive };
    }
  }

  const rules = isObject(doc.rules) ? doc.rules : {};
  if (!isObject(doc.rules)) problems.push('rules: must map rule ids (UA-1…UA-10) to their parameters');
  for (const name of Object.keys(rules)) if (!/^UA-(10|[1-9])$/.test(name)) problems.push(`rules.${name}: not a rule of the agreement (UA-1…UA-10)`);
  const param = <T>(rule: string, name: string, fallback: T, check: (v: unknown) => boolean, hint: string): T => {
    const r = rules[rule];
    if (r !== undefined && r !== null && !isObject(r)) {
      problems.push(`rules.${rule}: must be a mapping of parameters`);
      return fallback;
    }
    const v = isObject(r) ? r[name] : undefined;
    if (v === undefined) return fallback;
    if (!check(v)) problems.push(`rules.${rule}.${name}: ${hint}`);
    return v as T;
  };
  const bool = (v: unknown) => typeof v === 'boolean';
  const days = (min: number, max: number) => (v: unknown) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
  const parsedRules = {
    requireSignature: param('UA-1', 'requireSignature', true, bool, 'must be true or false'),
    requireConsent: param('UA-2', 'requireConsent', true, bool, 'must be true or false'),
    handBackWindowDays: param('UA-6', 'handBackWindowDays', 90, days(0, 3650), 'must be a whole number of days from 0 to 3650'),
    whenNoCapacity: param('UA-7', 'whenNoCapacity', 'waitlist' as const, (v) => (CAPACITY_POLICIES as readonly unknown[]).includes(v), `must be one of ${CAPACITY_POLICIES.join(', ')}`),
    responseWindow: param('UA-8', 'responseWindow', 2, days(1, 60), 'must be a whole number of days from 1 to 60'),
    businessDays: param('UA-8', 'businessDays', true, bool, 'must be true or false'),
    attribution: param('UA-10', 'attribution', 'lead-at-time' as const, (v) => (ATTRIBUTION_POLICIES as readonly unknown[]).includes(v), `must be one of ${ATTRIBUTION_POLICIES.join(', ')}`),
  };
  for (const key of Object.keys(doc)) {
    if (!['id', 'version', 'title', 'effectiveFrom', 'domains', 'rules'].includes(key)) problems.push(`${key}: not a field of an agreement`);
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, agreement: { id, version, title, effectiveFrom, domains, rules: parsedRules } };
}

/** The document form of an agreement (what a coordinator reads and edits). */
export function agreementDocument(a: Agreement): Json {
  return {
    id: a.id,
    version: a.version,
    title: a.title,
    effectiveFrom: a.effectiveFrom,
    domains: a.domains,
    rules: {
      'UA-1': { requireSignature: a.rules.requireSignature },
      'UA-2': { requireConsent: a.rules.requireConsent },
      'UA-6': { handBackWindowDays: a.rules.handBackWindowDays },
      'UA-7': { whenNoCapacity: a.rules.whenNoCapacity },
      'UA-8': { responseWindow: a.rules.responseWindow, businessDays: a.rules.businessDays },
      'UA-10': { attribution: a.rules.attribution },
    },
  };
}

/** Where the agreement versions shipped with the platform live (read by the service that owns the agreement). */
export const SHIPPED_AGREEMENT_V1 = join(__dirname, '..', 'agreements', 'umbrella-agreement.v1.yaml');
