import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { VALIDATION_FAILED_MESSAGE } from '../error-codes';
import { CodedHttpException } from '../http';
import { unsafeInputProblems } from './unsafe-input';

/**
 * Refuses a request whose path parameters, query or body hold what nothing downstream can take:
 * JSON nested deeper than validation can walk, NUL characters and lone surrogates. It runs once
 * the route is known (so path parameters have names) and before interceptors and pipes, so such
 * a value never reaches validation, a handler, the audit trail or PostgreSQL, whether or not the
 * handler reads it. Registered after the authentication guard: the refusal knows who sent it.
 */
@Injectable()
export class InputGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request>();
    const problems = [
      ...unsafeInputProblems(request.params ?? {}, 'path'),
      ...unsafeInputProblems(request.query ?? {}, 'query'),
      ...unsafeInputProblems(request.body, 'body'),
    ];
    if (problems.length > 0) throw new CodedHttpException(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', VALIDATION_FAILED_MESSAGE, problems.slice(0, 10));
    return true;
  }
}
