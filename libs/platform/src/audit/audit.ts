import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import { Observable, tap } from 'rxjs';
import { AuthenticatedRequest } from '../auth/auth.guard';
import { Database } from '../database';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Locals the audit trail reads once the response is sent. */
export interface AuditLocals {
  auditAction?: string;
  auditRecord?: string;
  errorCode?: string;
}

/** Names the action (controller.handler) and the record (the result's id, else the path's). */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const locals = http.getResponse<Response>().locals as AuditLocals;
    locals.auditAction = `${context.getClass().name.replace(/HttpController$/, '')}.${context.getHandler().name}`;
    const fromPath = request.params?.id ?? request.params?.clientId ?? request.params?.agencyId;
    if (fromPath) locals.auditRecord = String(fromPath);
    return next.handle().pipe(
      tap((result) => {
        const id = (result as { id?: unknown } | null)?.id;
        if (typeof id === 'string') locals.auditRecord = id;
      }),
    );
  }
}

/**
 * Appends one audit row per state-changing request, allowed or refused, once the response is
 * known: who (user, agency, roles), what, on which record, when, and the outcome with its code.
 */
@Injectable()
export class AuditMiddleware implements NestMiddleware {
  private readonly logger = new Logger('Audit');

  constructor(private readonly database: Database) {}

  use(request: AuthenticatedRequest, response: Response, next: NextFunction): void {
    if (STATE_CHANGING.has(request.method)) {
      const at = new Date();
      response.on('finish', () => void this.record(request, response, at));
    }
    next();
  }

  private async record(request: AuthenticatedRequest, response: Response, at: Date): Promise<void> {
    const locals = response.locals as AuditLocals;
    const status = response.statusCode;
    const outcome = status < 400 ? 'allowed' : status >= 500 ? 'failed' : 'refused';
    const principal = request.principal;
    const correlation = request.headers['x-correlation-id'];
    try {
      await this.database.dataSource.query(
        `INSERT INTO audit_log (at, user_id, agency_id, roles, method, action, record_id, outcome, status, reason, correlation_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          at,
          principal?.userId ?? null,
          principal?.agencyId ?? null,
          principal?.roles ?? [],
          request.method,
          locals.auditAction ?? `${request.method} ${request.path}`.slice(0, 200),
          locals.auditRecord?.slice(0, 200) ?? null,
          outcome,
          status,
          locals.errorCode ?? null,
          typeof correlation === 'string' ? correlation.slice(0, 100) : null,
        ],
      );
    } catch (error) {
      this.logger.error(`audit row not written for ${request.method} ${request.path} (${status}): ${(error as Error).message}`);
    }
  }
}
