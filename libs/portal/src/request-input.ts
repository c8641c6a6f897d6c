import type { NextFunction, Request, Response } from 'express';
import { undecodableTargetProblems, unsafeInputProblems, unsafeTextProblem } from '@umbrella/platform';

/** How the portal answers a request it cannot read: a page with the status and what was wrong. */
export type Refuse = (res: Response, status: number, message: string, problems?: readonly string[]) => void;

/**
 * The path and query must decode (a broken escape such as `%E0%A4%A` would fail inside Express's
 * router) and the path hold no NUL: the same rules as the services', answered as a page.
 */
export function readableTarget(refuse: Refuse) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const problems = undecodableTargetProblems(req.originalUrl);
    if (problems.length === 0) {
      for (const segment of req.path.split('/')) {
        const problem = unsafeTextProblem(decodeURIComponent(segment));
        if (problem) problems.push(`path: ${problem}`);
      }
    }
    if (problems.length > 0) return refuse(res, 400, 'This address cannot be read.', problems);
    next();
  };
}

/** The portal's forms are URL-encoded; any other body (JSON, text, multipart) is refused, not misread. */
export function formsOnly(refuse: Refuse) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (hasBody && !req.is('application/x-www-form-urlencoded')) return refuse(res, 415, 'This page accepts only its own forms.');
    next();
  };
}

/** After the form is read: no NUL or lone surrogate in a form field or the query (the services would refuse them too). */
export function safeFields(refuse: Refuse) {
  return (req: Request, res: Response, next: NextFunction): void => {
    // Express 5 leaves the body undefined when nothing was posted; handlers read fields from it
    req.body ??= {};
    const problems = [...unsafeInputProblems(req.query), ...unsafeInputProblems(req.body)];
    if (problems.length > 0) return refuse(res, 400, 'Some of what was sent cannot be accepted.', problems);
    next();
  };
}

/**
 * What the form reader (body-parser) and the router refuse — a form over the limit, an unreadable
 * body, a broken escape — carries a 4xx status of its own: that status and a page, not a 502.
 */
export function clientErrorOf(error: unknown): { status: number; message: string } | undefined {
  const { status, type } = (error ?? {}) as { status?: unknown; type?: unknown };
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  if (type === 'entity.too.large') return { status, message: 'The form is too large to send.' };
  if (status === 415) return { status, message: 'This page accepts only its own forms, in UTF-8.' };
  return { status, message: 'The request could not be read.' };
}

/** The path of a Referer header, or `/` when there is none or it is not a URL. */
export function refererPath(referer: string | undefined): string {
  if (!referer) return '/';
  try {
    return new URL(referer).pathname;
  } catch {
    return '/';
  }
}
