import { Random } from './random';

/*
 * Bad requests generated from a service's OpenAPI document: for each operation, requests that are
 * wrong in one way or several — wrong types, missing and extra fields, deep nesting, huge strings,
 * NUL characters, lone surrogates, right-to-left text, injection strings, bad path and query
 * parameters, wrong content types and encodings, malformed and oversize bodies, forged tokens.
 * A request to an operation that changes state is always wrong in at least one way the service
 * must refuse before it acts, so none of them may be answered 2xx or change anything.
 */

export interface Schema {
  readonly type?: string;
  readonly enum?: readonly unknown[];
  readonly items?: Schema;
  readonly $ref?: string;
  readonly allOf?: readonly Schema[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly maxLength?: number;
}

export interface Parameter {
  readonly name: string;
  readonly in: string;
  readonly required?: boolean;
  readonly schema?: Schema;
}

export interface Operation {
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: { readonly content?: Readonly<Record<string, { readonly schema?: Schema }>> };
}

export interface OpenApiDocument {
  readonly paths: Readonly<Record<string, Readonly<Record<string, Operation>>>>;
  readonly components?: { readonly schemas?: Readonly<Record<string, Schema>> };
}

export interface FuzzOperation {
  /** e.g. `POST /agencies/{agencyId}/services` */
  readonly name: string;
  readonly method: string;
  readonly template: string;
  readonly pathParams: readonly string[];
  readonly query: readonly Parameter[];
  /** The body's schema when the body is a JSON object the service validates. */
  readonly body?: Schema;
  readonly stateChanging: boolean;
  /** The other methods the path is served with. */
  readonly methodsOfPath: readonly string[];
}

/** How a case authenticates: with the token of a role the operation allows, or with a header that must be refused. */
export type FuzzAuth = { readonly kind: 'role' } | { readonly kind: 'forged'; readonly header: string | undefined };

export interface FuzzCase {
  /** What is wrong with the request, e.g. `body.wrong-type`. */
  readonly kind: string;
  /** Every mutation applied: the kind, and on a write, the sure one paired with an unsure kind. */
  readonly mutations: readonly string[];
  readonly operation: FuzzOperation;
  readonly method: string;
  /** The path and query, percent-encoded as they go on the wire. */
  readonly target: string;
  readonly auth: FuzzAuth;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  /** The one right answer, for kinds that have one (`code` may end in `*`: any code with that prefix). */
  readonly expect?: { readonly status: number; readonly code: string };
  /** A few words on what was done, for the failure report. */
  readonly note: string;
}

export interface FuzzContext {
  readonly random: Random;
  /** Values of a path parameter that name real records, so that requests reach the handlers. */
  fixture(template: string, param: string): readonly string[];
  /** Authorization header values that must be refused with 401 (`undefined`: no header). */
  readonly forgedTokens: readonly (string | undefined)[];
  /** Operations that need no token. */
  readonly isPublic: (operation: FuzzOperation) => boolean;
  /** Path prefixes with a body limit above the default, where an oversize body is not tried. */
  readonly largeBodyPrefixes: readonly string[];
  /** The default body limit in bytes: oversize bodies are just above it. */
  readonly bodyLimitBytes: number;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function resolve(doc: OpenApiDocument, schema: Schema | undefined): Schema | undefined {
  let s = schema;
  for (let i = 0; s && i < 10; i++) {
    if (s.$ref) s = doc.components?.schemas?.[s.$ref.replace('#/components/schemas/', '')];
    else if (s.allOf?.length === 1) s = s.allOf[0];
    else return s;
  }
  return s;
}

/** Every operation of the document, its body schema resolved. */
export function operationsOf(doc: OpenApiDocument): FuzzOperation[] {
  const ops: FuzzOperation[] = [];
  // The methods Express serves a path with: those of every template that matches it, since a
  // parameter matches any segment (`PUT /services/{id}` serves `PUT /services/search`). Our own
  // parameter values are ids, never one of the literal segments.
  const segments = (template: string) => template.split('/');
  const isParam = (segment: string) => segment.startsWith('{');
  const serves = (route: string, path: string) => {
    const [r, p] = [segments(route), segments(path)];
    return r.length === p.length && r.every((seg, i) => seg === p[i] || isParam(seg));
  };
  for (const [template, item] of Object.entries(doc.paths)) {
    const methodsOfPath = Object.entries(doc.paths)
      .filter(([route]) => serves(route, template))
      .flatMap(([, other]) => METHODS.filter((m) => other[m]).map((m) => m.toUpperCase()));
    for (const m of METHODS) {
      const op = item[m];
      if (!op) continue;
      const method = m.toUpperCase();
      const bodySchema = resolve(doc, op.requestBody?.content?.['application/json']?.schema);
      ops.push({
        name: `${method} ${template}`,
        method,
        template,
        pathParams: [...template.matchAll(/\{([^}]+)\}/g)].map((x) => x[1]),
        query: (op.parameters ?? []).filter((p) => p.in === 'query'),
        body: bodySchema?.type === 'object' && bodySchema.properties ? resolveDeep(doc, bodySchema, 0) : undefined,
        stateChanging: STATE_CHANGING.has(method),
        methodsOfPath,
      });
    }
  }
  return ops;
}

/** The schema with its references resolved a few levels down (DTOs nest two or three levels). */
function resolveDeep(doc: OpenApiDocument, schema: Schema, depth: number): Schema {
  const s = resolve(doc, schema) ?? {};
  if (depth > 4) return s;
  return {
    ...s,
    ...(s.items ? { items: resolveDeep(doc, s.items, depth + 1) } : {}),
    ...(s.properties ? { properties: Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, resolveDeep(doc, v, depth + 1)])) } : {}),
  };
}

// ---- values ---------------------------------------------------------------------------------

/** Text that is valid but unusual: right-to-left, combining, invisible, injection attempts. */
export const EXOTIC_STRINGS: readonly string[] = [
  '\u202Egnp.exe',
  'مرحبا بالعالم',
  'שלום עולם',
  '\u200F\u200E\u202B',
  "' OR '1'='1",
  "'; DROP TABLE referral; --",
  '" OR ""="',
  '1; SELECT pg_sleep(0)--',
  '<script>alert(1)</script>',
  '{{7*7}}${7*7}',
  '%s%s%n',
  '../../../../etc/passwd',
  '\\\\',
  '${jndi:ldap://127.0.0.1/a}',
  '👩‍👩‍👧‍👦',
  'e\u0301\u0301\u0301',
  '\u200B',
  '   ',
  '',
  'NaN',
  '-1',
  '1e309',
  'null',
  'true',
  '[]',
  '{}',
  '\uFEFF',
  '\uFFFF',
  '\u{10FFFF}',
  'Ω≈ç√∫',
  '\r\n\t',
];
const NUL_STRINGS: readonly string[] = ['a\u0000b', '\u0000', 'northbridge\u0000', '\u0000c-0123456789abcdef'];
const SURROGATE_STRINGS: readonly string[] = ['x\uD800y', '\uDC00', 'a\uDBFF', '\uDFFFz', 'p@example.org\uD83D'];
/** Never a valid id, slug, version, domain or action of any kind. */
const NEVER_AN_ID: readonly string[] = ["' OR '1'='1", '\u202Egnp', 'a b', 'x'.repeat(3000), '<script>', '💥', 'Ω'];
const BROKEN_ESCAPES: readonly string[] = ['%E0%A4%A', '%', '%zz', 'a%FFb', '%C0%AF', '%ED%A0%80'];
const MALFORMED_JSON: readonly string[] = ['{', '{"a":', "{'a':1}", '{"a":1}}', 'nul', '{"a":1,}', '{"a":01}', '\u0000', '[1,2', '{"a":"\\x"}', 'undefined'];

/** A JSON value nested `depth` levels, written as text: building it as an object would overflow this process's stack too. */
class Deep {
  constructor(
    readonly depth: number,
    readonly shape: 'array' | 'object',
  ) {}

  toJson(): string {
    return this.shape === 'array' ? `${'['.repeat(this.depth)}1${']'.repeat(this.depth)}` : `${'{"a":'.repeat(this.depth)}1${'}'.repeat(this.depth)}`;
  }
}

type Json = null | boolean | number | string | Deep | Json[] | { [key: string]: Json };

function toJson(value: Json): string {
  if (value instanceof Deep) return value.toJson();
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  if (value !== null && typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(',')}}`;
  return JSON.stringify(value);
}

/** A value of the schema's shape, not necessarily valid: the starting point that mutations spoil. */
function plausible(schema: Schema, random: Random, depth = 0): Json {
  if (schema.enum?.length) return random.pick(schema.enum) as Json;
  switch (schema.type) {
    case 'string':
      return random.pick(['fuzz', 'training', 'northbridge', '2001-02-03', 'fuzz@example.org']);
    case 'number':
    case 'integer':
      return random.pick([0, 1, 7, 18]);
    case 'boolean':
      return random.chance(0.5);
    case 'array':
      return schema.items && depth < 4 ? [plausible(schema.items, random, depth + 1)] : [];
    default: {
      const out: { [key: string]: Json } = {};
      if (depth < 4) for (const [k, v] of Object.entries(schema.properties ?? {})) out[k] = plausible(v, random, depth + 1);
      return out;
    }
  }
}

/** A place in a body: the path to it, its schema, and the schema of the object it is a field of. */
interface Slot {
  readonly path: readonly (string | number)[];
  readonly schema: Schema;
  readonly parent?: Schema;
}

function slotsOf(schema: Schema, value: Json, path: (string | number)[] = [], out: Slot[] = []): Slot[] {
  if (path.length > 3) return out;
  if (schema.type === 'array' && Array.isArray(value) && schema.items) {
    value.forEach((v, i) => {
      out.push({ path: [...path, i], schema: schema.items as Schema });
      slotsOf(schema.items as Schema, v, [...path, i], out);
    });
  } else if (schema.properties && value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Deep)) {
    for (const [k, s] of Object.entries(schema.properties)) {
      if (!(k in value)) continue;
      out.push({ path: [...path, k], schema: s, parent: schema });
      slotsOf(s, value[k], [...path, k], out);
    }
  }
  return out;
}

function clone(value: Json): Json {
  if (value instanceof Deep) return value;
  if (Array.isArray(value)) return value.map(clone);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clone(v)]));
  return value;
}

function containerAt(root: Json, path: readonly (string | number)[]): Json {
  let node = root;
  for (const key of path) node = (node as Record<string, Json>)[key as string];
  return node;
}

function setAt(root: Json, path: readonly (string | number)[], value: Json): Json {
  const copy = clone(root);
  if (path.length === 0) return value;
  // defined, not assigned: assigning `__proto__` would set the prototype instead of adding a field
  Object.defineProperty(containerAt(copy, path.slice(0, -1)), path[path.length - 1], { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

function deleteAt(root: Json, path: readonly (string | number)[]): Json {
  const copy = clone(root);
  const parent = containerAt(copy, path.slice(0, -1));
  const key = path[path.length - 1];
  if (Array.isArray(parent)) parent.splice(key as number, 1);
  else delete (parent as Record<string, Json>)[key as string];
  return copy;
}

function wrongTypeFor(schema: Schema, random: Random): Json {
  switch (schema.type) {
    case 'string':
      return random.pick<Json>([12345, {}, [1], true, { a: 'b' }, -0.5]);
    case 'number':
    case 'integer':
      return random.pick<Json>(['abc', {}, [], true, '1e999']);
    case 'boolean':
      return random.pick<Json>(['yes', 1, {}, []]);
    case 'array':
      return random.pick<Json>(['x', 42, {}, true]);
    default:
      // an object: an array is the shape that used to slip through nested validation
      return random.pick<Json>(['x', 42, [], true, [[]]]);
  }
}

// ---- cases ----------------------------------------------------------------------------------

interface Draft {
  path: Record<string, string>;
  query: [string, string][];
  body?: Json;
  rawBody?: string | Uint8Array;
  headers: Record<string, string>;
  auth: FuzzAuth;
  method: string;
  expect?: { status: number; code: string };
  notes: string[];
}

const enc = encodeURIComponent;

function targetOf(op: FuzzOperation, d: Draft): string {
  const path = op.template.replace(/\{([^}]+)\}/g, (_m, name: string) => d.path[name]);
  const query = d.query.map(([k, v]) => `${k}=${v}`).join('&');
  return query ? `${path}?${query}` : path;
}

type Mutation = (op: FuzzOperation, d: Draft, ctx: FuzzContext) => boolean;

const setBody = (d: Draft, body: Json | undefined, note: string) => {
  d.body = body;
  d.notes.push(note);
};

/** Mutations whose request the service must refuse whatever its handler would do. */
const SURE: Record<string, Mutation> = {
  'body.wrong-type': (op, d, { random }) => {
    if (!op.body || d.body === undefined) return false;
    const slots = slotsOf(op.body, d.body).filter((s) => s.schema.type || s.schema.properties);
    if (slots.length === 0) return false;
    const slot = random.pick(slots);
    const value = wrongTypeFor(slot.schema, random);
    setBody(d, setAt(d.body, slot.path, value), `${slot.path.join('.')} = ${toJson(value)}`);
    return true;
  },
  'body.missing-required': (op, d, { random }) => {
    if (!op.body || d.body === undefined) return false;
    const required = slotsOf(op.body, d.body).filter((s) => s.parent?.required?.includes(s.path[s.path.length - 1] as string));
    if (required.length === 0) return false;
    const slot = random.pick(required);
    setBody(d, deleteAt(d.body, slot.path), `without ${slot.path.join('.')}`);
    return true;
  },
  'body.absent': (op, d) => {
    if (!op.body?.required?.length) return false;
    d.body = undefined;
    d.notes.push('no body');
    return true;
  },
  'body.extra-field': (op, d, { random }) => {
    if (!op.body || d.body === undefined) return false;
    const objects = [{ path: [] as (string | number)[], schema: op.body }, ...slotsOf(op.body, d.body).filter((s) => s.schema.properties)];
    const at = random.pick(objects);
    const key = random.pick(['extra', '__proto__', 'constructor', 'isAdmin', 'k'.repeat(300), '$where', 'role']);
    const value = random.pick<Json>([1, 'x', {}, { isAdmin: true }, new Deep(40, 'object'), null]);
    const container = containerAt(d.body, at.path);
    if (container === null || typeof container !== 'object' || Array.isArray(container) || container instanceof Deep) return false;
    setBody(d, setAt(d.body, [...at.path, key], value), `extra ${[...at.path, key.slice(0, 20)].join('.')}`);
    return true;
  },
  'body.deep': (op, d, { random }) => {
    const depth = random.pick([33, 100, 3000, 10000]);
    const deep = new Deep(depth, random.pick(['array', 'object'] as const));
    if (op.body && isObject(d.body) && random.chance(0.7)) {
      const slots = slotsOf(op.body, d.body);
      const path = slots.length && random.chance(0.5) ? random.pick(slots).path : ['deepExtra'];
      setBody(d, setAt(d.body, path, deep), `${path.join('.')} nested ${depth} levels`);
    } else {
      setBody(d, deep, `body nested ${depth} levels`);
    }
    d.expect = { status: 400, code: 'VALIDATION_FAILED' };
    return true;
  },
  'body.nul': (op, d, { random }) => unsafeString(op, d, random, NUL_STRINGS, 'NUL'),
  'body.surrogate': (op, d, { random }) => unsafeString(op, d, random, SURROGATE_STRINGS, 'lone surrogate'),
  'body.malformed': (_op, d, { random }) => {
    d.rawBody = random.pick(MALFORMED_JSON);
    d.headers['content-type'] = 'application/json';
    d.notes.push(`body ${JSON.stringify(d.rawBody)}`);
    d.expect = { status: 400, code: 'MALFORMED_JSON' };
    return true;
  },
  'body.oversize': (op, d, ctx) => {
    if (ctx.largeBodyPrefixes.some((p) => op.template.startsWith(p))) return false;
    d.rawBody = JSON.stringify({ name: 'x'.repeat(ctx.bodyLimitBytes + 1024) });
    d.headers['content-type'] = 'application/json';
    d.notes.push(`body of ${d.rawBody.length} bytes`);
    d.expect = { status: 413, code: 'PAYLOAD_TOO_LARGE' };
    return true;
  },
  'content-type.unsupported': (_op, d, { random }) => {
    const [type, body] = random.pick([
      ['text/plain', 'hello'],
      ['application/xml', '<a>1</a>'],
      ['application/x-www-form-urlencoded', 'a=1&b=2'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n'],
      ['text/json', '{}'],
    ]);
    d.headers['content-type'] = type;
    d.rawBody = body;
    d.notes.push(`content-type ${type}`);
    d.expect = { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' };
    return true;
  },
  'content-type.charset': (_op, d, { random }) => {
    d.headers['content-type'] = `application/json; charset=${random.pick(['latin1', 'iso-8859-1', 'koi8-r', 'x-unknown'])}`;
    d.rawBody = '{"a":1}';
    d.notes.push(d.headers['content-type']);
    d.expect = { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' };
    return true;
  },
  'content-encoding': (_op, d, { random }) => {
    const broken = random.chance(0.5);
    d.headers['content-type'] = 'application/json';
    d.headers['content-encoding'] = broken ? random.pick(['gzip', 'deflate', 'br']) : random.pick(['compress', 'x-bogus', 'identity, gzip']);
    d.rawBody = broken ? new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3]) : '{"a":1}';
    d.notes.push(`content-encoding ${d.headers['content-encoding']}${broken ? ' (broken stream)' : ''}`);
    d.expect = broken ? { status: 400, code: 'MALFORMED_JSON' } : { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' };
    return true;
  },
  'auth.forged': (op, d, ctx) => {
    if (ctx.isPublic(op)) return false;
    const header = ctx.random.pick(ctx.forgedTokens);
    d.auth = { kind: 'forged', header };
    d.notes.push(`authorization ${header === undefined ? '(none)' : header.slice(0, 24)}…`);
    d.expect = { status: 401, code: 'AUTH.*' };
    return true;
  },
  'route.method': (op, d, { random }) => {
    const others = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => !op.methodsOfPath.includes(m));
    if (others.length === 0) return false;
    d.method = random.pick(others);
    d.notes.push(`method ${d.method}`);
    d.expect = { status: 404, code: 'ROUTE.NOT_FOUND' };
    return true;
  },
  'path.nul': (op, d, { random }) => {
    if (op.pathParams.length === 0) return false;
    const p = random.pick(op.pathParams);
    d.path[p] = enc(random.pick(NUL_STRINGS));
    d.notes.push(`${p} with NUL`);
    d.expect = { status: 400, code: 'VALIDATION_FAILED' };
    return true;
  },
  'path.broken-escape': (op, d, { random }) => {
    if (op.pathParams.length === 0) return false;
    const p = random.pick(op.pathParams);
    d.path[p] = random.pick(BROKEN_ESCAPES);
    d.notes.push(`${p} = ${d.path[p]}`);
    d.expect = { status: 400, code: 'VALIDATION_FAILED' };
    return true;
  },
  'path.never-an-id': (op, d, { random }) => {
    if (op.pathParams.length === 0 || op.method === 'GET') return false;
    const p = random.pick(op.pathParams);
    const value = random.pick(NEVER_AN_ID);
    d.path[p] = enc(value);
    d.notes.push(`${p} = ${JSON.stringify(value.slice(0, 30))}`);
    return true;
  },
  'query.nul': (op, d, { random }) => {
    const name = op.query.length ? random.pick(op.query).name : 'q';
    d.query.push([name, enc(random.pick(NUL_STRINGS))]);
    d.notes.push(`query ${name} with NUL`);
    d.expect = { status: 400, code: 'VALIDATION_FAILED' };
    return true;
  },
  'query.broken-escape': (op, d, { random }) => {
    const name = op.query.length ? random.pick(op.query).name : 'q';
    d.query.push([name, random.pick(BROKEN_ESCAPES)]);
    d.notes.push(`query ${name} with a broken escape`);
    d.expect = { status: 400, code: 'VALIDATION_FAILED' };
    return true;
  },
  'query.too-long': (_op, d, { random }) => {
    const n = random.pick([17_000, 20_000]);
    d.query.push(['q', 'x'.repeat(n)]);
    d.notes.push(`query of ${n} characters`);
    d.expect = { status: 431, code: 'HEADERS_TOO_LARGE' };
    return true;
  },
  'query.bad-enum': (op, d, { random }) => {
    const enums = op.query.filter((q) => q.schema?.enum?.length);
    if (enums.length === 0) return false;
    const q = random.pick(enums);
    const value = random.pick(['x', ...EXOTIC_STRINGS.filter((s) => s.trim() !== '')]);
    d.query.push([q.name, enc(value)]);
    d.notes.push(`query ${q.name} = ${JSON.stringify(value)}`);
    return true;
  },
};

/** The kinds of mutation a service must refuse whatever its handler would do. */
export const SURE_KINDS: readonly string[] = Object.keys(SURE);

function unsafeString(op: FuzzOperation, d: Draft, random: Random, pool: readonly string[], what: string): boolean {
  const value = random.pick(pool);
  const slots = op.body && d.body !== undefined ? slotsOf(op.body, d.body).filter((s) => s.schema.type === 'string') : [];
  if (slots.length && random.chance(0.8)) {
    const slot = random.pick(slots);
    setBody(d, setAt(d.body as Json, slot.path, value), `${slot.path.join('.')} with a ${what}`);
  } else if (random.chance(0.5)) {
    setBody(d, { ...(isObject(d.body) ? d.body : {}), [`k${value}`]: 1 }, `a field name with a ${what}`);
  } else {
    setBody(d, { ...(isObject(d.body) ? d.body : {}), note: value }, `an extra field with a ${what}`);
  }
  d.expect = { status: 400, code: 'VALIDATION_FAILED' };
  return true;
}

const isObject = (v: Json | undefined): v is { [key: string]: Json } => v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Deep);

/** Mutations that may leave a request valid: used alone on reads only, and beside a sure one on writes. */
const UNSURE: Record<string, Mutation> = {
  'body.huge-string': (op, d, { random }) => {
    if (!op.body || d.body === undefined) return false;
    const slots = slotsOf(op.body, d.body).filter((s) => s.schema.type === 'string');
    if (slots.length === 0) return false;
    const slot = random.pick(slots);
    const n = random.pick([1000, 10_000, 100_000]);
    setBody(d, setAt(d.body, slot.path, random.pick(['x', 'Ω', '👩‍👩‍👧‍👦', '\u202E']).repeat(n / 4)), `${slot.path.join('.')} of ${n} characters`);
    return true;
  },
  'body.exotic-string': (op, d, { random }) => {
    if (!op.body || d.body === undefined) return false;
    const slots = slotsOf(op.body, d.body).filter((s) => s.schema.type === 'string' || s.schema.enum);
    if (slots.length === 0) return false;
    for (let i = 0; i < 3; i++) {
      const slot = random.pick(slots);
      const value = random.pick(EXOTIC_STRINGS);
      d.body = setAt(d.body, slot.path, value);
      d.notes.push(`${slot.path.join('.')} = ${JSON.stringify(value)}`);
    }
    return true;
  },
  'body.not-an-object': (op, d, { random }) => {
    if (!op.body) return false;
    const value = random.pick<Json>([[], [{}], 'text', 42, true, [d.body ?? {}]]);
    setBody(d, value, `body ${toJson(value).slice(0, 40)}`);
    return true;
  },
  'query.bad-value': (op, d, { random }) => {
    if (op.query.length === 0) return false;
    const q = random.pick(op.query);
    const numeric = q.schema?.type === 'number' || q.schema?.type === 'integer';
    const value = numeric
      ? random.pick(['abc', '-1', '1.5', '1e309', '99999999999999999999999', '', '0x10', ' 7'])
      : random.pick([...EXOTIC_STRINGS, 'z'.repeat(3000), 'x'.repeat(101)]);
    d.query.push([q.name, enc(value)]);
    if (random.chance(0.3)) d.query.push([q.name, enc(random.pick(EXOTIC_STRINGS))]);
    d.notes.push(`query ${q.name} = ${JSON.stringify(value.slice(0, 30))}`);
    return true;
  },
  'query.extra': (_op, d, { random }) => {
    const name = random.pick(['extra', '__proto__', 'constructor[prototype]', 'a[b]', 'limit', 'page']);
    d.query.push([enc(name), enc(random.pick(EXOTIC_STRINGS))]);
    d.notes.push(`query ${name}`);
    return true;
  },
  'path.bad-value': (op, d, { random, fixture }) => {
    if (op.pathParams.length === 0) return false;
    const p = random.pick(op.pathParams);
    const real = fixture(op.template, p);
    const value = random.pick([...(real.length ? [random.pick(real).toUpperCase()] : []), random.uuid(), ...EXOTIC_STRINGS.filter((s) => s !== ''), 'y'.repeat(2000), '0', 'a/b']);
    d.path[p] = enc(value);
    d.notes.push(`${p} = ${JSON.stringify(value.slice(0, 30))}`);
    return true;
  },
};

function draftFor(op: FuzzOperation, ctx: FuzzContext): Draft {
  const path: Record<string, string> = {};
  for (const p of op.pathParams) {
    const real = ctx.fixture(op.template, p);
    path[p] = enc(real.length && ctx.random.chance(0.8) ? ctx.random.pick(real) : ctx.random.uuid());
  }
  const body = op.body ? plausible(op.body, ctx.random) : undefined;
  return { path, query: [], body, headers: {}, auth: { kind: 'role' }, method: op.method, notes: [] };
}

function finish(op: FuzzOperation, d: Draft, kind: string, mutations: readonly string[]): FuzzCase {
  const headers = { ...d.headers };
  let body: string | Uint8Array | undefined = d.rawBody;
  if (body === undefined && d.body !== undefined) {
    body = toJson(d.body);
    headers['content-type'] ??= 'application/json';
  }
  return { kind, mutations, operation: op, method: d.method, target: targetOf(op, d), auth: d.auth, headers, body, expect: d.expect, note: d.notes.join('; ') };
}

/**
 * `count` bad requests for one operation. Every kind that applies is tried once, the rest are
 * drawn at random. On an operation that changes state, each request carries at least one mutation
 * the service must refuse; reads also get the ones that may leave the request valid.
 */
export function casesFor(op: FuzzOperation, ctx: FuzzContext, count: number): FuzzCase[] {
  const sure = Object.keys(SURE);
  const unsure = Object.keys(UNSURE);
  const kinds = op.stateChanging ? [...sure, ...unsure.map((k) => `${k}+`)] : [...sure, ...unsure];
  const cases: FuzzCase[] = [];
  const order = [...kinds];
  while (cases.length < count) {
    if (order.length === 0) {
      order.push(ctx.random.pick(kinds));
    }
    const kind = order.shift() as string;
    const d = draftFor(op, ctx);
    const paired = kind.endsWith('+');
    const name = paired ? kind.slice(0, -1) : kind;
    const applied = (paired || !op.stateChanging ? { ...SURE, ...UNSURE } : SURE)[name](op, d, ctx);
    if (!applied) {
      // a kind that does not fit this operation is not drawn again for it
      kinds.splice(kinds.indexOf(kind), 1);
      if (kinds.length === 0) break;
      continue;
    }
    const mutations = [name];
    if (paired) {
      // whatever the unsure mutation did, the request must still be refused: one sure mutation
      // more (a NUL in the query always applies)
      const first = ctx.random.pick(['body.extra-field', 'body.wrong-type', 'body.nul', 'body.deep']);
      const sure = SURE[first](op, d, ctx) ? first : 'query.nul';
      if (sure === 'query.nul') SURE[sure](op, d, ctx);
      mutations.push(sure);
      d.expect = undefined;
    }
    cases.push(finish(op, d, name, mutations));
  }
  return cases;
}

/** The request that finds which role an operation lets through: a NUL in the query is refused (400) after the role check (403). */
export function roleProbe(op: FuzzOperation, ctx: FuzzContext): FuzzCase {
  const d = draftFor(op, ctx);
  d.body = undefined;
  d.query.push(['probe', '%00']);
  d.notes.push('role probe');
  return finish(op, d, 'probe', ['query.nul']);
}
