/*
 * What a Kafka message may hold is bytes; what PostgreSQL's text and jsonb may hold is valid UTF-8
 * without NUL. These functions tell the two apart, so anything a consumer met can be stored and
 * shown exactly: as text when it is text, as base64 when it is not.
 */

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A UTF-16 surrogate without its pair: with the `u` flag a well-formed pair is one code point and does not match. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const LONE_SURROGATES = /[\uD800-\uDFFF]/gu;

/** Bytes shown as text when they are text PostgreSQL can hold, otherwise as base64: exactly one is set. */
export type TextOrBase64 = { readonly text: string; readonly base64: null } | { readonly text: null; readonly base64: string };

/** The bytes as text, when they are valid UTF-8 without NUL; null otherwise. */
export function bytesAsText(bytes: Uint8Array): string | null {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return null;
  }
  return text.includes('\u0000') ? null : text;
}

export function textOrBase64(bytes: Uint8Array): TextOrBase64 {
  const text = bytesAsText(bytes);
  return text !== null ? { text, base64: null } : { text: null, base64: Buffer.from(bytes).toString('base64') };
}

/** A string PostgreSQL text can hold as it is: no NUL, no lone surrogate (the driver would silently turn it into U+FFFD). */
export function isStorableText(value: string): boolean {
  return !value.includes('\0') && !LONE_SURROGATE.test(value);
}

/** A string as near to the original as PostgreSQL text can hold: NUL written out as `\u0000`, lone surrogates as U+FFFD. For messages meant to be read, not parsed. */
export function storableText(value: string): string {
  return value.replaceAll('\0', '\\u0000').replace(LONE_SURROGATES, '\uFFFD');
}

/**
 * Whether JSON text nests arrays and objects deeper than `maxDepth`, scanning it once without
 * recursion, so a message nested thousands of levels deep is refused before anything recursive
 * (class-transformer, class-validator, a handler) can overflow the stack on it. Brackets inside
 * strings do not count. Text that is not JSON is not judged here: JSON.parse refuses it next.
 */
export function jsonNestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i += 1;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth -= 1;
    }
  }
  return false;
}

/**
 * The path of the first string (property names included) in a parsed JSON value that PostgreSQL
 * text cannot hold, or null. JSON may spell a NUL or a lone surrogate as an escape (`\u0000`,
 * `\ud800`); no event needs one, and storing it would fail (NUL) or alter it (a lone surrogate).
 * Walks with an explicit stack: the value's depth is only bounded by whoever parsed it.
 */
export function findUnstorableString(value: unknown): string | null {
  // each entry points at its parent, so a path is only built for the string found
  interface Step {
    readonly value: unknown;
    readonly name: string;
    readonly parent: Step | null;
  }
  const pathOf = (step: Step | null, last?: string) => {
    const names = last === undefined ? [] : [last];
    for (let s = step; s !== null && s.parent !== null; s = s.parent) names.push(s.name);
    return names.reverse().join('.') || '(value)';
  };
  const stack: Step[] = [{ value, name: '', parent: null }];
  for (let step = stack.pop(); step !== undefined; step = stack.pop()) {
    const current = step.value;
    if (typeof current === 'string') {
      if (!isStorableText(current)) return pathOf(step);
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i -= 1) stack.push({ value: current[i], name: String(i), parent: step });
    } else if (typeof current === 'object' && current !== null) {
      const entries = Object.entries(current);
      for (const [name] of entries) if (!isStorableText(name)) return pathOf(step, storableText(name));
      for (let i = entries.length - 1; i >= 0; i -= 1) stack.push({ value: entries[i][1], name: entries[i][0], parent: step });
    }
  }
  return null;
}
