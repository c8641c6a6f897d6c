import { HttpStatus } from '@nestjs/common';
import { json, NextFunction, Request, RequestHandler, Response } from 'express';
import { VALIDATION_FAILED_MESSAGE } from '../error-codes';
import { CodedHttpException } from '../http';
import { undecodableTargetProblems } from './unsafe-input';

/*
 * What Express does before a route is known — decoding the path, reading the body — refuses bad
 * requests by passing a CodedHttpException to `next`. Nest's exception layer, the last handler of
 * the Express app, hands it to the global ErrorFilter, which answers every refusal the same way
 * (and records it) whether it came from here, a guard, a pipe or a handler.
 */

/** The default limit of a request body; routes may have larger ones (`ServiceDescription.bodyLimits`). */
export const DEFAULT_BODY_LIMIT = '256kb';

/**
 * Express decodes path parameters with decodeURIComponent while it matches routes, and a broken
 * escape (`%E0%A4%A`) fails there with an error that names no parameter; in the query it becomes
 * replacement characters. The request target is checked first, so either is a validation failure
 * like any other.
 */
export function refuseUndecodableTarget(req: Request, _res: Response, next: NextFunction): void {
  const problems = undecodableTargetProblems(req.originalUrl);
  if (problems.length === 0) return next();
  next(new CodedHttpException(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', VALIDATION_FAILED_MESSAGE, problems));
}

/** A body is JSON or nothing: anything else would reach validation as an empty object and be refused for the wrong reason. */
export function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  const length = Number(req.headers['content-length'] ?? 0);
  const hasBody = req.headers['transfer-encoding'] !== undefined || length > 0;
  if (!hasBody || req.is(['application/json', '+json'])) return next();
  next(new CodedHttpException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'UNSUPPORTED_MEDIA_TYPE', 'The request body must be JSON (Content-Type: application/json).'));
}

/** body-parser's errors (http-errors, with a `type`) as the API's refusals; anything else stays as it is. */
export function bodyReadRefusal(error: unknown, limit = DEFAULT_BODY_LIMIT): CodedHttpException | undefined {
  const { type, status } = (error ?? {}) as { type?: unknown; status?: unknown };
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  switch (type) {
    case 'entity.parse.failed':
      return new CodedHttpException(HttpStatus.BAD_REQUEST, 'MALFORMED_JSON', 'The request body is not valid JSON.');
    case 'entity.too.large':
      return new CodedHttpException(HttpStatus.PAYLOAD_TOO_LARGE, 'PAYLOAD_TOO_LARGE', `The request body is over this route's limit of ${limit}.`);
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new CodedHttpException(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        'UNSUPPORTED_MEDIA_TYPE',
        'The request body must be JSON in a Unicode encoding (UTF-8), sent as is or with Content-Encoding gzip, deflate or br.',
      );
    default:
      // an aborted request, a length that does not match, a broken compressed stream
      return new CodedHttpException(HttpStatus.BAD_REQUEST, 'MALFORMED_JSON', 'The request body could not be read.');
  }
}

/** Reads a JSON body up to `limit`; a body it refuses goes on to the error filter as a coded refusal. */
export function jsonBody(limit: string = DEFAULT_BODY_LIMIT): RequestHandler {
  const parse = json({ limit });
  return (req, res, next) => parse(req, res, (error?: unknown) => next(error === undefined ? undefined : (bodyReadRefusal(error, limit) ?? error)));
}
