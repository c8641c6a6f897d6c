import { DatabaseError } from 'pg';
import { QueryFailedError, QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError, TypeORMError } from 'typeorm';
import { classifyDatabaseError, DatabaseBusyError } from './database-errors';

/** A server error as pg raises it: a DatabaseError with a SQLSTATE. */
function serverError(code: string, message = 'server error'): DatabaseError {
  const error = new DatabaseError(message, message.length, 'error');
  error.code = code;
  return error;
}

/** The same wrapped the way TypeORM wraps it (driverError). */
function wrapped(driverError: Error): QueryFailedError {
  return new QueryFailedError('SELECT 1', [], driverError);
}

describe('classifyDatabaseError', () => {
  it.each([
    ['pg_terminate_backend (57P01)', serverError('57P01', 'terminating connection due to administrator command')],
    ['57P01 wrapped by TypeORM', wrapped(serverError('57P01', 'terminating connection due to administrator command'))],
    ['crash shutdown (57P02)', serverError('57P02')],
    ['starting up (57P03)', serverError('57P03', 'the database system is starting up')],
    ['too many connections (53300)', serverError('53300')],
    ['connection failure class 08', serverError('08006')],
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['connection reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['pg: Connection terminated unexpectedly', new Error('Connection terminated unexpectedly')],
    ['pg: client not queryable', new Error('Client has encountered a connection error and is not queryable')],
    ['TypeORM: released query runner', new QueryRunnerAlreadyReleasedError()],
    ['TypeORM: transaction on a released query runner', new QueryRunnerProviderAlreadyReleasedError()],
    ['TypeORM: not connected', new TypeORMError('Driver not Connected')],
    ['TypeORM: wrapped connection loss', wrapped(new Error('Connection terminated'))],
    ['a socket error as the cause', Object.assign(new Error('query failed'), { cause: Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }) })],
  ])('%s means the database is unavailable', (_name, error) => {
    expect(classifyDatabaseError(error)).toBe('unavailable');
  });

  it.each([
    ['pool wait elapsed', new Error('timeout exceeded when trying to connect')],
    ['lock_timeout (55P03)', wrapped(serverError('55P03', 'canceling statement due to lock timeout'))],
    ['statement_timeout (57014)', serverError('57014', 'canceling statement due to statement timeout')],
    ['the in-process queue is full', new DatabaseBusyError('too many waiting')],
  ])('%s means the database is busy', (_name, error) => {
    expect(classifyDatabaseError(error)).toBe('busy');
  });

  it.each([
    ['a unique violation', wrapped(serverError('23505', 'duplicate key value violates unique constraint'))],
    ['a syntax error', serverError('42601')],
    ['a NUL in text', serverError('22021', 'invalid byte sequence for encoding "UTF8": 0x00')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['not an error', 'oops'],
    ['nothing', undefined],
    ['an error that causes itself', (() => { const e = new Error('loop') as Error & { cause?: unknown }; e.cause = e; return e; })()],
  ])('%s is not an infrastructure failure', (_name, error) => {
    expect(classifyDatabaseError(error)).toBeNull();
  });
});
