import { randomBytes } from 'node:crypto';
import type { PersonalData } from './partnership';

/** An answer as the caller receives it: status, headers and the body's exact text. */
export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

/** Sends one request and keeps everything the caller could learn from the answer. */
export async function exchange(method: string, url: string, options: { token?: string; body?: unknown } = {}): Promise<Answer> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => (headers[name] = value));
  return { status: res.status, headers, text, body };
}

/** Headers that differ between any two answers (when and over which connection), never with the data. */
const PER_ANSWER_HEADERS = new Set(['date', 'connection', 'keep-alive', 'x-request-id', 'x-correlation-id']);

/**
 * What must be equal between the answer about a real client and the answer about one that does
 * not exist: status, headers and body byte for byte, once the id the caller itself sent is set
 * aside (echoing it back tells the caller nothing).
 */
export function comparable(answer: Answer, ownIds: readonly string[]): { status: number; headers: Record<string, string>; text: string } {
  const strip = (value: string) => ownIds.reduce((v, id) => v.split(id).join('<id>'), value);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(answer.headers)) {
    // content-length and etag follow the body, which is compared itself (with the ids set aside)
    if (!PER_ANSWER_HEADERS.has(name) && name !== 'content-length' && name !== 'etag') headers[name] = strip(value);
  }
  return { status: answer.status, headers, text: strip(answer.text) };
}

/** A client id in the services' own format that no client has. */
export function unknownClientId(): string {
  return `c-${randomBytes(8).toString('hex')}`;
}

/** The strings of a person's record that must never reach an agency that may not see them. */
export function personalNeedles(p: PersonalData): string[] {
  return [p.name, p.dateOfBirth, p.contact.email, ...(p.contact.phone ? [p.contact.phone] : []), p.postcode];
}

/** Which of the needles occur in an answer, body or headers (case-insensitive). */
export function leaked(answer: Answer, needles: readonly string[]): string[] {
  const haystack = `${answer.text}\n${Object.entries(answer.headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n')}`.toLowerCase();
  return needles.filter((n) => haystack.includes(n.toLowerCase()));
}
