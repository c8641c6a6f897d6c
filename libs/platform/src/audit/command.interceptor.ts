import { CallHandler, ExecutionContext, HttpException, HttpStatus, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { defer, lastValueFrom, Observable } from 'rxjs';
import { EntityManager } from 'typeorm';
import { AuthenticatedRequest } from '../auth/auth.guard';
import { Database } from '../database';
import { classifyDatabaseError } from '../database-errors';
import { CodedHttpException, refusalBody, STATE_CHANGING } from '../http';
import { Refusal } from '@umbrella/contracts';
import { findCommandOutcome, UnitOfWork } from '../unit-of-work';
import { AuditLocals, AuditTrail, noteAuditTarget, recordIdOf } from './audit';

/** The IETF httpapi draft's header; a key is any printable ASCII string up to 255 characters. */
const IDEMPOTENCY_HEADER = 'idempotency-key';
const IDEMPOTENCY_KEY = /^[\x21-\x7E]([\x20-\x7E]{0,253}[\x21-\x7E])?$/;

interface StoredAnswer {
  readonly fingerprint: string;
  readonly status: number;
  readonly body: unknown;
}

/** The commit was interrupted and the database could not be asked in time: the client retries with its key. */
export class OutcomeUnknownError extends CodedHttpException {
  constructor() {
    super(
      HttpStatus.SERVICE_UNAVAILABLE,
      'OUTCOME_UNKNOWN',
      'The database connection was lost while the request was committing and it could not yet be told whether it did; retry with the same Idempotency-Key to get its answer.',
    );
  }
}

/**
 * Every state-changing request is one command with one transaction (see UnitOfWork): the handler's
 * writes, its answer, its audit row and its idempotency record commit together. A 2xx is sent only
 * after COMMIT returned; if COMMIT was interrupted, the request's audit row says whether it
 * committed. A request refused by the agreement keeps its recorded decision and commits it with
 * the refusal's audit row; any other refusal rolls back and is audited by the error filter before
 * it is answered. With an Idempotency-Key, a retry gets the first answer, never a conflict with
 * its own earlier attempt.
 */
@Injectable()
export class CommandInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Command');

  constructor(
    private readonly database: Database,
    private readonly audit: AuditTrail,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const response = http.getResponse<Response>();
    if (!noteAuditTarget(context, this.reflector)) return next.handle();
    if (!STATE_CHANGING.has(request.method)) return defer(() => this.read(request, response, next));
    return defer(() => this.command(request, response, next));
  }

  /**
   * A read of a client's data (AuditedRead): answered only once its audit row is written. If the
   * row cannot be written, the data is not answered (503); a refusal is audited by the error filter.
   */
  private async read(request: AuthenticatedRequest, response: Response, next: CallHandler): Promise<unknown> {
    const result = await lastValueFrom(next.handle(), { defaultValue: undefined });
    const locals = response.locals as AuditLocals;
    const client = recordIdOf((result as { clientId?: unknown } | null)?.clientId);
    if (client) locals.auditRecord = client;
    try {
      await this.audit.writeOutsideCommand(request, response, response.statusCode, null);
    } catch (error) {
      this.logger.error(`audit row not written for ${request.method} ${request.path}: ${(error as Error).message}; the data is not answered`);
      throw classifyDatabaseError(error) === 'busy'
        ? new CodedHttpException(HttpStatus.SERVICE_UNAVAILABLE, 'DATABASE_BUSY', 'The service is busy; retry shortly.')
        : new CodedHttpException(HttpStatus.SERVICE_UNAVAILABLE, 'SERVICE_UNAVAILABLE', 'This read could not be put on record, so its data is not answered; try again shortly.');
    }
    return result;
  }

  private async command(request: AuthenticatedRequest, response: Response, next: CallHandler): Promise<unknown> {
    const key = idempotencyKeyOf(request);
    // a key is the caller's own: one user at one agency (a user id is unique at its identity provider, and an agency's too)
    const scope = request.principal ? `${request.principal.agencyId ?? ''}/${request.principal.userId}` : '';
    const fingerprint = key ? fingerprintOf(request) : '';
    if (key) {
      const stored = await this.storedAnswer(scope, key);
      if (stored) return this.replay(request, response, stored, fingerprint);
    }
    const unit = new UnitOfWork(this.database.dataSource);
    try {
      let result: unknown;
      try {
        result = await unit.run(() => lastValueFrom(next.handle(), { defaultValue: undefined }));
      } catch (error) {
        const recorded = recordedRefusalOf(error);
        if (recorded) {
          // the decision and its event are on record: commit them with the refusal's audit row
          const { status, body } = recorded;
          const committed = await this.complete(unit, request, response, { key, scope, fingerprint, status, body, code: codeOf(body) });
          if (committed !== 'ours') return committed;
          throw error;
        }
        await unit.rollback();
        if (key) {
          // a concurrent attempt with the same key may have committed while this one ran
          const stored = await this.storedAnswer(scope, key).catch(() => null);
          if (stored) return this.replay(request, response, stored, fingerprint);
        }
        throw error;
      }
      // the record the path names (the client a consent is for), or else the one the command created
      const id = (result as { id?: unknown } | null)?.id;
      const locals = response.locals as AuditLocals;
      if (typeof id === 'string' && !locals.auditRecord) locals.auditRecord = id;
      const committed = await this.complete(unit, request, response, { key, scope, fingerprint, status: response.statusCode, body: result ?? null, code: null });
      return committed === 'ours' ? result : committed;
    } finally {
      await unit.end();
    }
  }

  /**
   * Writes the idempotency record and the audit row in the command's transaction and commits.
   * Returns 'ours' once committed, or the replayed answer of a concurrent attempt with the same key
   * that committed first (then this attempt is rolled back: its work was the same command).
   */
  private async complete(
    unit: UnitOfWork,
    request: Request,
    response: Response,
    answer: { key: string | null; scope: string; fingerprint: string; status: number; body: unknown; code: string | null },
  ): Promise<'ours' | unknown> {
    const tx = await unit.manager();
    if (answer.key) {
      const record = (response.locals as AuditLocals).auditRecord ?? null;
      const inserted = await this.remember(tx, answer.scope, answer.key, answer.fingerprint, answer.status, answer.body, unit.requestId, record);
      if (!inserted) {
        await unit.rollback();
        const stored = await this.storedAnswer(answer.scope, answer.key);
        if (stored) return this.replay(request, response, stored, answer.fingerprint);
        throw new CodedHttpException(HttpStatus.CONFLICT, 'IDEMPOTENCY.IN_PROGRESS', 'Another request with this Idempotency-Key is in progress; retry shortly.');
      }
    }
    await this.audit.write(tx, request, response, { status: answer.status, reason: answer.code, requestId: unit.requestId });
    try {
      await unit.commit();
    } catch (error) {
      const outcome = classifyDatabaseError(error) ? await findCommandOutcome(this.database.dataSource, unit.requestId, unit.backendPid) : 'not-committed';
      if (outcome === 'not-committed') {
        (response.locals as AuditLocals).audited = false;
        throw error;
      }
      if (outcome === 'unknown') throw new OutcomeUnknownError();
      this.logger.warn(`COMMIT of ${request.method} ${request.path} was interrupted but had committed (request ${unit.requestId})`);
      unit.committed();
    }
    return 'ours';
  }

  /**
   * Keeps the answer for retries, with the record it concerns (a client id, a referral id…) so
   * that a service erasing a client removes the answers and fingerprints of that client's commands.
   */
  private async remember(tx: EntityManager, scope: string, key: string, fingerprint: string, status: number, body: unknown, requestId: string, recordId: string | null): Promise<boolean> {
    // waits for a concurrent attempt with the same key to end; inserts nothing if that one committed
    const rows: unknown[] = await tx.query(
      `INSERT INTO idempotency_key (scope, key, fingerprint, status, body, request_id, record_id) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (scope, key) DO NOTHING RETURNING 1`,
      [scope, keyDigest(key), fingerprint, status, JSON.stringify(body ?? null), requestId, recordId],
    );
    return rows.length > 0;
  }

  private async storedAnswer(scope: string, key: string): Promise<StoredAnswer | null> {
    // the body is kept as the text it was, so a replay answers the same bytes (jsonb would reorder keys)
    const rows: { fingerprint: string; status: number; body: string }[] = await this.database.dataSource.query(
      `SELECT fingerprint, status, body FROM idempotency_key WHERE scope = $1 AND key = $2 AND created_at > now() - interval '24 hours'`,
      [scope, keyDigest(key)],
    );
    const row = rows[0];
    return row ? { fingerprint: row.fingerprint, status: row.status, body: JSON.parse(row.body) as unknown } : null;
  }

  /** Answers a retried command with its first answer; a different command under the same key is refused. */
  private async replay(request: Request, response: Response, stored: StoredAnswer, fingerprint: string): Promise<unknown> {
    if (stored.fingerprint !== fingerprint) {
      throw new CodedHttpException(
        HttpStatus.UNPROCESSABLE_ENTITY,
        'IDEMPOTENCY.KEY_REUSED',
        'This Idempotency-Key was used for a different request; use a new key for a new request.',
      );
    }
    response.setHeader('Idempotent-Replayed', 'true');
    await this.audit.write(this.database.dataSource, request, response, { status: stored.status, reason: 'IDEMPOTENT_REPLAY' });
    if (stored.status >= 400) throw new HttpException(stored.body as Record<string, unknown>, stored.status);
    response.status(stored.status);
    return stored.body;
  }
}

function idempotencyKeyOf(request: Request): string | null {
  const value = request.headers[IDEMPOTENCY_HEADER];
  if (value === undefined) return null;
  // the draft's key is a structured-field string: quotes are optional here
  const key = typeof value === 'string' ? value.replace(/^"(.*)"$/, '$1') : '';
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new CodedHttpException(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'The request is invalid; see errors for each bad field.', [
      'Idempotency-Key: must be 1-255 printable ASCII characters, sent once',
    ]);
  }
  return key;
}

/** The same key must come with the same request: method, path and body. */
function fingerprintOf(request: Request): string {
  return createHash('sha256')
    .update(`${request.method} ${request.originalUrl}\n${JSON.stringify(request.body ?? null)}`)
    .digest('hex');
}

function codeOf(body: unknown): string | null {
  const code = (body as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

/** A key is kept as its digest: whatever text a caller chose for it, none of it stays on record. */
function keyDigest(key: string): string {
  return createHash('sha256').update(key).digest('base64url');
}

/** A refusal whose record the command commits before answering it: the status and body it answers with. */
function recordedRefusalOf(error: unknown): { status: number; body: object } | null {
  if (error instanceof Refusal && error.recorded) {
    const body = refusalBody(error);
    return { status: body.statusCode, body };
  }
  return null;
}
