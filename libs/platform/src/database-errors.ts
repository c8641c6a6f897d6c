/**
 * What a database failure means for the caller. `unavailable`: the connection or the server is
 * gone (retry once it is back). `busy`: the server is there but the service could not get a
 * connection or a lock in time (retry shortly). `null`: not an infrastructure failure — a bug or a
 * constraint, which the caller must handle itself.
 */
export type DatabaseFailure = 'unavailable' | 'busy';

/** SQLSTATE classes and codes that mean the connection or the server is gone. */
const UNAVAILABLE_CODES = new Set([
  '57P01', // admin_shutdown: pg_terminate_backend, or the server shutting down
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or in recovery
  '53300', // too_many_connections
  '53400', // configuration_limit_exceeded
  '25P03', // idle_in_transaction_session_timeout
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);

/** The server answered, but a lock or a statement took longer than the service allows. */
const BUSY_CODES = new Set([
  '55P03', // lock_not_available: lock_timeout elapsed
  '57014', // query_canceled: statement_timeout
]);

/** Errors that pg, pg-pool and TypeORM raise without a SQLSTATE when the connection is lost. */
const UNAVAILABLE_MESSAGES = [
  /Connection terminated/i,
  /connection error and is not queryable/i,
  /Client was closed and is not queryable/i,
  /Query runner already released/i,
  /query runner was already released/i,
  /Driver not Connected/i,
  /not yet established/i,
  /DataSource is not initialized/i,
  /Cannot use a pool after calling end/i,
  /terminating connection/i,
  /server closed the connection/i,
];

/** pg-pool's own words when no connection became free within connectionTimeoutMillis. */
const BUSY_MESSAGES = [/timeout exceeded when trying to connect/i];

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  name?: unknown;
  driverError?: unknown;
  cause?: unknown;
}

/** Classifies an error thrown by pg, pg-pool or TypeORM (which wraps the driver's in `driverError`). */
export function classifyDatabaseError(error: unknown): DatabaseFailure | null {
  const seen = new Set<unknown>();
  let current: unknown = error;
  // TypeORM wraps pg's error; pg wraps socket errors: walk the chain, a few links at most
  for (let depth = 0; depth < 5 && current && typeof current === 'object' && !seen.has(current); depth += 1) {
    seen.add(current);
    if (current instanceof DatabaseBusyError) return 'busy';
    const e = current as ErrorLike;
    const code = typeof e.code === 'string' ? e.code : '';
    const message = typeof e.message === 'string' ? e.message : '';
    if (BUSY_CODES.has(code) || BUSY_MESSAGES.some((m) => m.test(message))) return 'busy';
    if (UNAVAILABLE_CODES.has(code) || code.startsWith('08') || UNAVAILABLE_MESSAGES.some((m) => m.test(message))) return 'unavailable';
    if (e.name === 'QueryRunnerAlreadyReleasedError' || e.name === 'QueryRunnerProviderAlreadyReleasedError' || e.name === 'ConnectionIsNotSetError') return 'unavailable';
    current = e.driverError ?? e.cause;
  }
  return null;
}

/**
 * Thrown when the service refuses to queue more work for the database: too many requests wait for
 * the same client, or for a connection. Answered as 503 DATABASE_BUSY with Retry-After.
 */
export class DatabaseBusyError extends Error {
  readonly code = 'DATABASE_BUSY';
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseBusyError';
  }
}
