import { applyDecorators, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiOperation, ApiOperationOptions } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthenticatedRequest } from '../auth/auth.guard';
import { Database } from '../database';
import { correlationIdOf, STATE_CHANGING } from '../http';

/** Locals the command pipeline and the error filter share for one request. */
export interface AuditLocals {
  auditAction?: string;
  auditRecord?: string;
  errorCode?: string;
  /** A read of a client's data (see AuditedRead): audited like a command, allowed or refused. */
  auditRead?: boolean;
  /** Set once the request's audit row is written (or committed with the command). */
  audited?: boolean;
}

const AUDITED_READ = 'umbrella:audited-read';

/**
 * Marks a read of a client's personal data, journey, notes or case: it is audited like a command
 * (who, which agency, which client, when, allowed or refused), and its data is answered only
 * once its audit row is written. The record is the client the route names (`:clientId`, `:id`
 * or `?clientId=`), or the `clientId` of the answer (a referral names its client). A list that
 * only sometimes names a client (`?clientId=`) is audited `when-naming-a-client`.
 */
export const AuditedRead = (when: 'always' | 'when-naming-a-client' = 'always') => SetMetadata(AUDITED_READ, when);

const AUDIT_ACTION = 'umbrella:audit-action';

/**
 * An operation that moved to a controller of another name keeps the names it was published under:
 * its OpenAPI operation id (clients are generated from the document) and the action its audit rows
 * carry (a trail is read over years). `action` is the name it had, `Controller.method`.
 */
export function PublishedOperation(action: `${string}.${string}`, options: Omit<ApiOperationOptions, 'operationId'>): MethodDecorator {
  const [controller, method] = action.split('.');
  return applyDecorators(SetMetadata(AUDIT_ACTION, action), ApiOperation({ ...options, operationId: `${controller}HttpController_${method}` }));
}

/** What a request's audit row says it acted on: an id of the shapes the services issue, never other text from the path. */
const RECORD_ID = /^([a-z0-9][a-z0-9-]{1,99}|[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})$/;

export function recordIdOf(value: unknown): string | undefined {
  return typeof value === 'string' && RECORD_ID.test(value) ? value.toLowerCase() : undefined;
}

/**
 * Notes, as soon as the route is known (in the first guard, so a refusal by any guard knows it
 * too), what the request's audit row will say: the action, the record, and whether the request
 * is audited at all (every command, and the reads marked AuditedRead). Returns the latter.
 */
export function noteAuditTarget(context: ExecutionContext, reflector: Reflector): boolean {
  const request = context.switchToHttp().getRequest<Request>();
  const locals = context.switchToHttp().getResponse<Response>().locals as AuditLocals;
  locals.auditAction = reflector.get<string | undefined>(AUDIT_ACTION, context.getHandler()) ?? `${context.getClass().name.replace(/HttpController$/, '')}.${context.getHandler().name}`;
  const record = recordIdOf(request.params?.id ?? request.params?.clientId ?? request.params?.agencyId ?? request.query?.clientId);
  if (record) locals.auditRecord = record;
  const read = STATE_CHANGING.has(request.method) ? undefined : reflector.getAllAndOverride<'always' | 'when-naming-a-client' | undefined>(AUDITED_READ, [context.getHandler(), context.getClass()]);
  if (read === 'always' || (read === 'when-naming-a-client' && recordIdOf(request.query?.clientId))) locals.auditRead = true;
  return STATE_CHANGING.has(request.method) || locals.auditRead === true;
}

export interface AuditFilter {
  readonly userId?: string;
  readonly agencyId?: string;
  readonly recordId?: string;
  readonly outcome?: string;
  readonly from?: string;
  readonly to?: string;
  readonly limit?: number;
}

export interface AuditEntry {
  readonly id: string;
  readonly at: string;
  readonly userId: string | null;
  readonly agencyId: string | null;
  readonly roles: string[];
  readonly method: string;
  readonly action: string;
  readonly recordId: string | null;
  readonly outcome: AuditOutcome;
  readonly status: number;
  readonly reason: string | null;
}

interface AuditRow {
  id: string;
  at: Date;
  user_id: string | null;
  agency_id: string | null;
  roles: string[];
  method: string;
  action: string;
  record_id: string | null;
  outcome: AuditOutcome;
  status: number;
  reason: string | null;
}

export type AuditOutcome = 'allowed' | 'refused' | 'failed';

export function outcomeOf(status: number): AuditOutcome {
  return status < 400 ? 'allowed' : status >= 500 ? 'failed' : 'refused';
}

/**
 * The audit trail: one append-only row per state-changing request, allowed or refused — who
 * (user, agency, roles), what, on which record, when, and the outcome with its code.
 */
@Injectable()
export class AuditTrail {
  constructor(private readonly database: Database) {}

  /** Appends the row with `executor` (the command's transaction, or the pool for a refusal). */
  async write(
    executor: EntityManager | DataSource,
    request: Request,
    response: Response,
    entry: { status: number; reason?: string | null; requestId?: string | null; at?: Date },
  ): Promise<void> {
    const locals = response.locals as AuditLocals;
    const principal = (request as AuthenticatedRequest).principal;
    const correlation = request.headers['x-correlation-id'];
    await executor.query(
      `INSERT INTO audit_log (at, user_id, agency_id, roles, method, action, record_id, outcome, status, reason, correlation_id, request_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        entry.at ?? new Date(),
        principal?.userId ?? null,
        principal?.agencyId ?? null,
        principal?.roles ?? [],
        request.method.slice(0, 10),
        printable(locals.auditAction ?? `${request.method} ${request.path}`).slice(0, 200),
        locals.auditRecord ? printable(locals.auditRecord).slice(0, 200) : null,
        outcomeOf(entry.status),
        entry.status,
        entry.reason ?? null,
        // only an id-shaped correlation id is kept (as events carry it), never free text
        typeof correlation === 'string' ? (correlationIdOf(correlation) ?? null) : null,
        entry.requestId ?? null,
      ],
    );
    locals.audited = true;
  }

  /**
   * Records a request the service refused or failed before any command committed, or a read,
   * before the answer goes out. Throws when the row cannot be written: the caller must not answer
   * as if the request were on record.
   */
  async writeOutsideCommand(request: Request, response: Response, status: number, code: string | null): Promise<void> {
    await this.write(this.database.dataSource, request, response, { status, reason: code });
  }

  /** The trail, newest first, narrowed by each filter given. */
  async list(filter: AuditFilter): Promise<AuditEntry[]> {
    const rows: AuditRow[] = await this.database.dataSource.query(
      `SELECT id::text, at, user_id, agency_id, roles, method, action, record_id, outcome, status, reason FROM audit_log
        WHERE ($1::text IS NULL OR user_id = $1) AND ($2::text IS NULL OR agency_id = $2) AND ($3::text IS NULL OR outcome = $3)
          AND ($4::timestamptz IS NULL OR at >= $4) AND ($5::timestamptz IS NULL OR at <= $5) AND ($6::text IS NULL OR record_id = $6)
        ORDER BY at DESC, id DESC LIMIT $7`,
      [filter.userId ?? null, filter.agencyId ?? null, filter.outcome ?? null, filter.from ?? null, filter.to ?? null, filter.recordId ?? null, filter.limit ?? 100],
    );
    return rows.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      userId: r.user_id,
      agencyId: r.agency_id,
      roles: r.roles,
      method: r.method,
      action: r.action,
      recordId: r.record_id,
      outcome: r.outcome,
      status: r.status,
      reason: r.reason,
    }));
  }
}

/** Text PostgreSQL can store: no NUL, no lone surrogates (a request's path may carry either). */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- NUL is exactly what PostgreSQL's text refuses
  return text.replace(/\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}
