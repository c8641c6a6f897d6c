/** The four services, called on the server with the signed-in user's token. */
export type Api = 'referral' | 'agency-directory' | 'client-journey' | 'reporting';

export interface ApiAnswer {
  readonly status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

/** The API no longer accepts the user's token: the user signs in again. */
export class SessionExpired extends Error {
  constructor() {
    super('session expired');
  }
}

export class ApiClient {
  constructor(
    private readonly bases: Record<Api, string>,
    private readonly token: string,
  ) {}

  async call(api: Api, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    const res = await fetch(`${this.bases[api].replace(/\/$/, '')}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 401) throw new SessionExpired();
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed };
  }

  get(api: Api, path: string): Promise<ApiAnswer> {
    return this.call(api, 'GET', path);
  }

  post(api: Api, path: string, body: unknown = {}): Promise<ApiAnswer> {
    return this.call(api, 'POST', path, body);
  }

  put(api: Api, path: string, body: unknown): Promise<ApiAnswer> {
    return this.call(api, 'PUT', path, body);
  }
}

/**
 * What a refusal or validation error means for a form: field errors keyed by field name (the
 * services answer `errors: ['field: message', …]`), and a message for the form as a whole — an
 * agreement refusal reads "UA-5: <the sentence>".
 */
export function formErrors(answer: ApiAnswer): { fields: Record<string, string>; summary: string } {
  const fields: Record<string, string> = {};
  const body = answer.body ?? {};
  for (const e of Array.isArray(body.errors) ? (body.errors as string[]) : []) {
    const m = /^([A-Za-z0-9_.[\]]+): (.*)$/.exec(e);
    if (m) fields[m[1].split(/[.[]/)[0]] = m[2];
  }
  const code = typeof body.code === 'string' ? body.code : `HTTP ${answer.status}`;
  const message = typeof body.message === 'string' ? body.message : 'The service refused the request.';
  const summary = /^UA-\d+$/.test(code) ? `${code}: ${message}` : Object.keys(fields).length ? 'Please correct the fields marked below.' : `${message} (${code})`;
  return { fields, summary };
}
