import { ArgumentsHost, HttpStatus } from '@nestjs/common';
import { Refusal, RefusalKind } from '@umbrella/contracts';
import type { Request, Response } from 'express';
import { AuditLocals } from './audit/audit';
import { ErrorFilter, refusalBody } from './http';

/*
 * A domain refusal carries a kind, never a status: the platform's error filter is the one place a
 * kind becomes an HTTP status, for every service.
 */
describe('domain refusals over HTTP', () => {
  it.each([
    ['conflict', HttpStatus.CONFLICT],
    ['forbidden', HttpStatus.FORBIDDEN],
    ['not-found', HttpStatus.NOT_FOUND],
    ['unprocessable', HttpStatus.UNPROCESSABLE_ENTITY],
  ] as const)('answers a %s refusal %i, with its code and sentence', (kind: RefusalKind, status: number) => {
    expect(refusalBody(new Refusal('SOME.CODE', kind, 'Said for a person.'))).toEqual({ statusCode: status, code: 'SOME.CODE', message: 'Said for a person.' });
  });

  it('carries the details a refusal has (the agreement version a decision was taken under)', () => {
    const refusal = new Refusal('UA-4', 'conflict', 'Agency C already holds this case.', { recorded: true, details: { agreementVersion: '2' } });
    expect(refusalBody(refusal)).toEqual({ statusCode: 409, code: 'UA-4', message: 'Agency C already holds this case.', agreementVersion: '2' });
  });

  describe('the error filter', () => {
    function exchange(method: string, locals: AuditLocals = {}) {
      const sent: { status?: number; body?: unknown } = {};
      const response = {
        locals,
        headersSent: false,
        setHeader: () => undefined,
        status(code: number) {
          sent.status = code;
          return this;
        },
        json(body: unknown) {
          sent.body = body;
          return this;
        },
      };
      const request = { method, path: '/referrals', headers: {} };
      const host = { switchToHttp: () => ({ getResponse: () => response, getRequest: () => request }) } as unknown as ArgumentsHost;
      return { host, sent, locals };
    }
    const recorder = () => {
      const rows: { status: number; code: string | null }[] = [];
      return { rows, writeOutsideCommand: async (_q: Request, _r: Response, status: number, code: string | null) => void rows.push({ status, code }) };
    };

    it.each([
      ['conflict', 409],
      ['forbidden', 403],
      ['not-found', 404],
      ['unprocessable', 422],
    ] as const)('answers a %s refusal %i and audits it with its code, when no command committed it', async (kind, status) => {
      const trail = recorder();
      const { host, sent, locals } = exchange('POST');
      await new ErrorFilter(trail).catch(new Refusal('SOME.CODE', kind, 'No.'), host);
      expect(sent).toEqual({ status, body: { statusCode: status, code: 'SOME.CODE', message: 'No.' } });
      expect(trail.rows).toEqual([{ status, code: 'SOME.CODE' }]);
      expect(locals.errorCode).toBe('SOME.CODE');
    });

    it('does not audit a refusal twice: one committed with its recorded decision is on record already', async () => {
      const trail = recorder();
      const { host, sent } = exchange('POST', { audited: true });
      await new ErrorFilter(trail).catch(new Refusal('UA-5', 'conflict', 'Already open.', { recorded: true, details: { agreementVersion: '1' } }), host);
      expect(sent).toEqual({ status: 409, body: { statusCode: 409, code: 'UA-5', message: 'Already open.', agreementVersion: '1' } });
      expect(trail.rows).toEqual([]);
    });
  });
});
