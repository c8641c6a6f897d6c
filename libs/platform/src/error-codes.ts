/**
 * The codes the platform itself answers with on every service, whatever the bounded context:
 * the request's shape, its route, and the service's own availability (token codes live with the
 * token verifier). Each context's codes (`REFERRAL.NOT_FOUND`, `UA-4`…) live with its decisions.
 * README.md's table lists them all, and error-codes.spec.ts keeps the two in step.
 */
export const PLATFORM_ERRORS = {
  /** the body, query or path is invalid; `errors` names each bad field */
  VALIDATION_FAILED: 400,
  /** the body is not JSON, or could not be read (broken compression, wrong length) */
  MALFORMED_JSON: 400,
  /** the body is over the route's limit */
  PAYLOAD_TOO_LARGE: 413,
  /** a body that is not `application/json` in a Unicode encoding, or a content encoding other than gzip, deflate or br */
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** no such route, or not with this method */
  'ROUTE.NOT_FOUND': 404,
  /** Node's HTTP parser could not read the request (e.g. a NUL in a header) */
  MALFORMED_REQUEST: 400,
  /** the request line and headers are over 16 kB */
  HEADERS_TOO_LARGE: 431,
  /** the request's headers did not arrive in time */
  REQUEST_TIMEOUT: 408,
  /** this Idempotency-Key came before with a different request */
  'IDEMPOTENCY.KEY_REUSED': 422,
  /** another request with this Idempotency-Key has not finished */
  'IDEMPOTENCY.IN_PROGRESS': 409,
  SERVICE_UNAVAILABLE: 503,
  /** no connection or lock in time: overload */
  DATABASE_BUSY: 503,
  /** the connection dropped during COMMIT and the database could not be asked in time whether it committed */
  OUTCOME_UNKNOWN: 503,
  INTERNAL_ERROR: 500,
} as const satisfies Record<string, number>;

export type PlatformErrorCode = keyof typeof PLATFORM_ERRORS;

/** The message every validation failure carries; `errors` says what is wrong with which field. */
export const VALIDATION_FAILED_MESSAGE = 'The request is invalid; see errors for each bad field.';
