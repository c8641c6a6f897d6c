import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DataSource, EntityManager } from 'typeorm';
import { AuthenticatedRequest } from '../auth/auth.guard';
import { Database } from '../database';

/** Locals the command pipeline and the error filter share for one request. */
export interface AuditLocals {
  auditAction?: string;
  auditRecord?: string;
  errorCode?: string;
  /** Set once the request's audit row is written (or committed with the command). */
  audited?: boolean;
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
        typeof correlation === 'string' ? printable(correlation).slice(0, 100) : null,
        entry.requestId ?? null,
      ],
    );
    locals.audited = true;
  }

  /**
   * Records a request the service refused or failed before any command committed, before the
   * answer goes out. Throws when the row cannot be written: the caller must not answer as if the
   * refusal were on record.
   */
  async writeOutsideCommand(request: Request, response: Response, status: number, code: string): Promise<void> {
    await this.write(this.database.dataSource, request, response, { status, reason: code });
  }
}

/** Text PostgreSQL can store: no NUL, no lone surrogates (a request's path may carry either). */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- NUL is exactly what PostgreSQL's text refuses
  return text.replace(/\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}
