/**
 * How deeply a request's JSON may nest. Validation (class-transformer, class-validator) walks a
 * body recursively, so a body nested a few thousand levels overflows the stack; no request of
 * the API nests beyond a handful of levels, an imported HSDS directory beyond about ten.
 */
export const MAX_JSON_DEPTH = 32;

/** At most this many problems are reported: enough to fix a request, never an echo of a huge one. */
const MAX_PROBLEMS = 10;
const MAX_SEGMENT = 40;

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * What is wrong with a string that no field of the API can store: PostgreSQL refuses NUL in text,
 * and a lone UTF-16 surrogate is not text at all (it cannot be encoded as UTF-8, and validators
 * that encode their input throw on it). `undefined` when the string is fine.
 */
export function unsafeTextProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain a NUL character (U+0000)';
  if (LONE_SURROGATE.test(text)) return 'must not contain a lone UTF-16 surrogate (not a Unicode character)';
  return undefined;
}

/**
 * Field names JavaScript gives a meaning of its own: class-transformer drops them (or, for
 * `__proto__`, swaps the object's prototype) on the way to validation, so they would vanish
 * silently instead of being refused like any other unknown field.
 */
const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

/** What is wrong with a field name, or `undefined`. */
function fieldNameProblem(key: string): string | undefined {
  if (RESERVED_NAMES.has(key)) return 'the field name is reserved and cannot be used';
  const problem = unsafeTextProblem(key);
  return problem ? `the field name ${problem}` : undefined;
}

/** A path segment as it can safely be shown: unsafe characters escaped, long keys cut. */
function shown(segment: string): string {
  // eslint-disable-next-line no-control-regex
  const escaped = segment.replace(/[\u0000-\u001f\uD800-\uDFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > MAX_SEGMENT ? `${escaped.slice(0, MAX_SEGMENT)}…` : escaped;
}

/** A value met on the walk; its path is spelled out only when it has a problem. */
interface Visit {
  readonly value: unknown;
  readonly key: string;
  readonly parent: Visit | null;
  readonly depth: number;
}

function pathOf(visit: Visit, root: string): string {
  const keys: string[] = [];
  for (let v: Visit | null = visit; v && v.parent; v = v.parent) keys.push(shown(v.key));
  return keys.reverse().join('.') || root || 'value';
}

/**
 * Walks a parsed request value (a body, the query, the path parameters) without recursion and
 * returns one `field: problem` line per problem found, in the format of validation errors:
 * nesting deeper than `maxDepth`, strings — values or keys — that `unsafeTextProblem` refuses, and
 * reserved field names.
 * `root` names the value itself when it is not an object (e.g. `body` for a JSON string body).
 */
export function unsafeInputProblems(value: unknown, root = '', maxDepth = MAX_JSON_DEPTH): string[] {
  const problems: string[] = [];
  const stack: Visit[] = [{ value, key: '', parent: null, depth: 0 }];
  while (stack.length > 0 && problems.length < MAX_PROBLEMS) {
    const visit = stack.pop() as Visit;
    const v = visit.value;
    if (typeof v === 'string') {
      const problem = unsafeTextProblem(v);
      if (problem) problems.push(`${pathOf(visit, root)}: ${problem}`);
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (visit.depth + 1 > maxDepth) {
      problems.push(`${pathOf(visit, root)}: must not nest deeper than ${maxDepth} levels`);
      continue;
    }
    const children: Visit[] = [];
    if (Array.isArray(v)) {
      v.forEach((item, i) => children.push({ value: item, key: String(i), parent: visit, depth: visit.depth + 1 }));
    } else {
      for (const key of Object.keys(v)) {
        const child: Visit = { value: (v as Record<string, unknown>)[key], key, parent: visit, depth: visit.depth + 1 };
        const problem = fieldNameProblem(key);
        if (problem) problems.push(`${pathOf(child, root)}: ${problem}`);
        else children.push(child);
      }
    }
    // pushed in reverse so that problems come out in the document's order
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return problems.slice(0, MAX_PROBLEMS);
}

function decodes(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * What in a request target (path and query, as sent) is not percent-encoded UTF-8, e.g.
 * `%E0%A4%A`: Express would fail on it while matching routes, naming no parameter, or decode it
 * into replacement characters. One line per bad path segment or query parameter.
 */
export function undecodableTargetProblems(target: string): string[] {
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? '' : target.slice(q + 1);
  const problems: string[] = [];
  for (const segment of path.split('/')) {
    if (!decodes(segment)) problems.push(`path: '${segment.slice(0, 60)}' is not percent-encoded UTF-8`);
  }
  for (const part of query ? query.split('&') : []) {
    const [key] = part.split('=', 1);
    if (decodes(part.replace(/\+/g, ' '))) continue;
    const name = decodes(key.replace(/\+/g, ' ')) ? shown(decodeURIComponent(key.replace(/\+/g, ' '))) : 'query';
    problems.push(`${name}: '${part.slice(0, 60)}' is not percent-encoded UTF-8`);
  }
  return problems.slice(0, MAX_PROBLEMS);
}
