import {
  ArgumentsHost,
  BadRequestException,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
  ValidationPipe,
} from '@nestjs/common';
import { formatValidationErrors, Refusal, RefusalKind } from '@umbrella/contracts';
import type { Request, Response } from 'express';
import type { AuditLocals } from './audit/audit';
import { classifyDatabaseError } from './database-errors';
import { PlatformErrorCode, VALIDATION_FAILED_MESSAGE } from './error-codes';

/**
 * The body of every error response: a stable `code` shared by the API, the logs and the docs,
 * a sentence for a person, and for validation failures one line per bad field.
 */
export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  errors?: string[];
}

/** An error whose code is part of the API contract (e.g. `REFERRAL.UNKNOWN_AGENCY`, `UA-4`). */
export class CodedHttpException extends HttpException {
  constructor(status: HttpStatus, code: string, message: string, errors?: string[], extra?: Record<string, string>) {
    super({ statusCode: status, code, message, ...(errors ? { errors } : {}), ...extra } satisfies ErrorBody, status);
  }
}

/** How each kind of domain refusal answers over HTTP: the one place a refusal becomes a status. */
const REFUSAL_STATUS: Readonly<Record<RefusalKind, HttpStatus>> = {
  conflict: HttpStatus.CONFLICT,
  forbidden: HttpStatus.FORBIDDEN,
  'not-found': HttpStatus.NOT_FOUND,
  unprocessable: HttpStatus.UNPROCESSABLE_ENTITY,
};

/** The answer to a domain refusal: its kind's status, its code and sentence, and the details it carries (the agreement version, say). */
export function refusalBody(refusal: Refusal): ErrorBody {
  return { statusCode: REFUSAL_STATUS[refusal.kind], code: refusal.code, message: refusal.message, ...refusal.options.details };
}

/** Writes the audit row of a request that is answered with an error (see AuditTrail). */
export interface RefusalRecorder {
  writeOutsideCommand(request: Request, response: Response, status: number, code: string | null): Promise<void>;
}

const CONCERNED = new WeakMap<object, string>();

/**
 * Marks a refusal as concerning a record the request did not name by its id — the existing client
 * a registration matched, the client of a referral — so that its audit row records that id: the
 * refusal says nothing of it, the trail keeps who came close.
 */
export function concerning<E extends HttpException>(error: E, recordId: string): E {
  CONCERNED.set(error, recordId);
  return error;
}

/** The record a refusal concerns, when it was marked with `concerning`. */
export function recordConcerned(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? CONCERNED.get(error) : undefined;
}

/** Methods that change state: every such request is audited, allowed or refused. */
export const STATE_CHANGING: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Whether a request must have an audit row before it is answered: every command, and the reads marked AuditedRead. */
export function isAudited(request: Request, response: Response): boolean {
  return STATE_CHANGING.has(request.method) || (response.locals as AuditLocals).auditRead === true;
}

export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    exceptionFactory: (errors) =>
      new BadRequestException({
        statusCode: 400,
        code: 'VALIDATION_FAILED',
        message: VALIDATION_FAILED_MESSAGE,
        errors: formatValidationErrors(errors),
      } satisfies ErrorBody),
  });
}

/**
 * Refusals that Nest or Express raise without a code of ours get a documented one: a route that
 * does not exist (or not with this method), and Nest's own 400s. Any other uncoded status is a
 * bug of ours, answered as one.
 */
const CODES_BY_STATUS: Readonly<Record<number, PlatformErrorCode>> = {
  400: 'VALIDATION_FAILED',
  404: 'ROUTE.NOT_FOUND',
  405: 'ROUTE.NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  503: 'SERVICE_UNAVAILABLE',
};

/**
 * Every error answer goes out here. A state-changing request that did not commit, and a refused
 * read of a client's data, is audited before its answer is sent; if that row cannot be written,
 * the request fails (503) rather than go unrecorded. Database trouble answers 503 with a code saying which kind, and Retry-After.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  constructor(private readonly recorder?: RefusalRecorder) {}

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request>();
    let body = this.toBody(exception);
    const locals = res.locals as AuditLocals;
    locals.errorCode = body.code;
    const concerned = recordConcerned(exception);
    if (concerned) locals.auditRecord = concerned;
    if (body.statusCode >= 500) this.logger.error(`${body.code}: ${(exception as Error)?.stack ?? exception}`);
    if (this.recorder && isAudited(req, res) && !locals.audited) {
      try {
        await this.recorder.writeOutsideCommand(req, res, body.statusCode, body.code);
      } catch (error) {
        this.logger.error(`audit row not written for ${req.method} ${req.path} (${body.statusCode} ${body.code}): ${(error as Error).message}`);
        if (body.statusCode < 500) body = unavailableBody(classifyDatabaseError(error) ?? 'unavailable');
      }
    }
    if (res.headersSent) return;
    if (body.statusCode === 503) res.setHeader('Retry-After', body.code === 'DATABASE_BUSY' ? '1' : '2');
    res.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof Refusal) return refusalBody(exception);
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      if (typeof response === 'object' && response !== null && 'code' in response) return response as ErrorBody;
      const message = typeof response === 'string' ? response : String((response as { message?: unknown }).message ?? exception.message);
      const code = CODES_BY_STATUS[status];
      if (code) return { statusCode: status, code, message, ...(code === 'VALIDATION_FAILED' ? { errors: [message] } : {}) };
    }
    const failure = classifyDatabaseError(exception);
    if (failure) return unavailableBody(failure);
    return { statusCode: 500, code: 'INTERNAL_ERROR', message: 'An unexpected error occurred.' };
  }
}

function unavailableBody(failure: 'unavailable' | 'busy'): ErrorBody {
  return failure === 'busy'
    ? { statusCode: 503, code: 'DATABASE_BUSY', message: 'The service is busy with other requests for the same records; retry shortly.' }
    : { statusCode: 503, code: 'SERVICE_UNAVAILABLE', message: 'A backing service is unavailable; try again shortly.' };
}

/** A caller's X-Correlation-Id, carried into events when it is safe to (letters, digits, `.`, `_`, `-`, at most 100). */
export function correlationIdOf(header: string | undefined): string | undefined {
  return header && /^[A-Za-z0-9._-]{1,100}$/.test(header) ? header : undefined;
}
