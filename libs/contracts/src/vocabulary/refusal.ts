/**
 * What kind of no a refusal is, independent of any transport: the HTTP layer maps each kind to a
 * status in one place (the platform's error filter), a message consumer to a dead letter.
 */
export type RefusalKind = 'conflict' | 'forbidden' | 'not-found' | 'unprocessable';

/**
 * A domain's refusal, with a stable code shared by the API, the logs, the docs and the UI
 * (`UA-4`, `REFERRAL.UNKNOWN_AGENCY`). `recorded` says the refusal itself is on record (the
 * agreement engine stores its refused decisions): the command commits that record and still answers the refusal.
 */
export class Refusal extends Error {
  constructor(
    readonly code: string,
    readonly kind: RefusalKind,
    message: string,
    readonly options: { readonly recorded?: boolean; readonly details?: Readonly<Record<string, string>> } = {},
  ) {
    super(message);
    this.name = 'Refusal';
  }

  get recorded(): boolean {
    return this.options.recorded ?? false;
  }
}
