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
import { formatValidationErrors } from '@umbrella/contracts';
import type { Response } from 'express';
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

/** Infrastructure errors mean "try again later", not "we have a bug". */
function isUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string; name?: string };
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03', '08006', '08001'].includes(e?.code ?? '') ||
    /not initialized|not yet established|Driver not Connected|Connection terminated|timeout exceeded when trying to connect/i.test(e?.message ?? '')
  );
}

@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception);
    res.locals.errorCode = body.code;
    if (body.statusCode >= 500) this.logger.error(`${body.code}: ${(exception as Error)?.stack ?? exception}`);
    res.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      if (typeof response === 'object' && response !== null && 'code' in response) return response as ErrorBody;
      const message = typeof response === 'string' ? response : String((response as { message?: unknown }).message ?? exception.message);
      const code = CODES_BY_STATUS[status];
      if (code) return { statusCode: status, code, message, ...(code === 'VALIDATION_FAILED' ? { errors: [message] } : {}) };
    }
    if (isUnavailable(exception)) {
      return { statusCode: 503, code: 'SERVICE_UNAVAILABLE', message: 'A backing service is unavailable; try again shortly.' };
    }
    return { statusCode: 500, code: 'INTERNAL_ERROR', message: 'An unexpected error occurred.' };
  }
}
