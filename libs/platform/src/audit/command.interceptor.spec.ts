import { AddressInfo } from 'node:net';
import { Controller, INestApplication, Module, Param, Post } from '@nestjs/common';
import { APP_INTERCEPTOR, NestFactory } from '@nestjs/core';
import { Refusal, RefusalKind } from '@umbrella/contracts';
import type { Request, Response } from 'express';
import { configureHttp } from '../bootstrap';
import { Database } from '../database';
import { currentUnitOfWork } from '../unit-of-work';
import { AuditLocals, AuditTrail } from './audit';
import { CommandInterceptor } from './command.interceptor';

/*
 * A command refused by the agreement engine keeps its decision on record: the interceptor commits
 * the decision with the refusal's audit row and still answers the refusal. Any other refusal rolls
 * the command back, and the error filter audits it. The database is replaced by a connection that
 * writes down what it is asked, so what commits and what rolls back is read from its journal.
 */

/** What the command's one connection was asked, in order. */
const journal: string[] = [];

class JournalRunner {
  isReleased = false;
  isTransactionActive = false;
  readonly manager = {
    query: async (sql: string) => {
      journal.push(sql.trim().split(/\s+/).slice(0, 3).join(' '));
      return [{}];
    },
  };
  async connect(): Promise<void> {}
  async startTransaction(): Promise<void> {
    this.isTransactionActive = true;
    journal.push('BEGIN');
  }
  async commitTransaction(): Promise<void> {
    this.isTransactionActive = false;
    journal.push('COMMIT');
  }
  async rollbackTransaction(): Promise<void> {
    this.isTransactionActive = false;
    journal.push('ROLLBACK');
  }
  async release(): Promise<void> {
    this.isReleased = true;
  }
}

const dataSource = {
  createQueryRunner: () => new JournalRunner(),
  // no answer is stored for any Idempotency-Key yet
  query: async () => [],
};

interface AuditRow {
  readonly where: 'in the command' | 'outside';
  readonly status: number;
  readonly code: string | null;
}

class RecordingTrail {
  rows: AuditRow[] = [];

  async write(executor: { query(sql: string): Promise<unknown> }, _request: Request, response: Response, entry: { status: number; reason?: string | null }): Promise<void> {
    await executor.query('INSERT INTO audit_log');
    this.rows.push({ where: 'in the command', status: entry.status, code: entry.reason ?? null });
    (response.locals as AuditLocals).audited = true;
  }

  async writeOutsideCommand(_request: Request, response: Response, status: number, code: string | null): Promise<void> {
    this.rows.push({ where: 'outside', status, code });
    (response.locals as AuditLocals).audited = true;
  }
}

/** A decision written in the command's transaction, as the agreement engine's runner writes it. */
async function recordDecision(): Promise<void> {
  const unit = currentUnitOfWork();
  if (!unit) throw new Error('not in a command');
  await unit.transaction((tx) => tx.query('INSERT INTO decision (id) VALUES (1)'));
}

@Controller('referrals')
class ReferralsHttpController {
  @Post('refused-by-the-agreement')
  async refusedByTheAgreement() {
    await recordDecision();
    throw new Refusal('UA-5', 'conflict', 'This client already has an open referral for health.', { recorded: true, details: { agreementVersion: '1' } });
  }

  @Post('refused/:kind')
  async refused(@Param('kind') kind: RefusalKind) {
    await recordDecision();
    throw new Refusal('REFERRAL.SOMETHING', kind, 'Not this time.');
  }

  @Post('allowed')
  async allowed() {
    await recordDecision();
    return { id: 'r-1' };
  }
}

describe('a command refused by a domain rule', () => {
  const trail = new RecordingTrail();
  let app: INestApplication;
  let base: string;

  @Module({
    controllers: [ReferralsHttpController],
    providers: [
      { provide: AuditTrail, useValue: trail },
      { provide: Database, useValue: { dataSource } },
      { provide: APP_INTERCEPTOR, useClass: CommandInterceptor },
    ],
  })
  class CommandsModule {}

  beforeAll(async () => {
    app = await NestFactory.create(CommandsModule, { logger: false, bodyParser: false });
    configureHttp(app, { name: 'commands', title: 'Commands', description: 'test' });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
  });
  beforeEach(() => {
    journal.length = 0;
    trail.rows = [];
  });

  async function post(path: string, headers: Record<string, string> = {}) {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers });
    return { status: res.status, body: (await res.json()) as unknown };
  }

  it('commits the recorded decision with the refusal’s audit row, then answers the refusal', async () => {
    expect(await post('/referrals/refused-by-the-agreement')).toEqual({
      status: 409,
      body: { statusCode: 409, code: 'UA-5', message: 'This client already has an open referral for health.', agreementVersion: '1' },
    });
    expect(journal).toEqual(['BEGIN', 'INSERT INTO decision', 'INSERT INTO audit_log', 'COMMIT']);
    expect(trail.rows).toEqual([{ where: 'in the command', status: 409, code: 'UA-5' }]);
  });

  it('keeps the refusal as the answer to a retry with the same Idempotency-Key, in the same commit', async () => {
    expect((await post('/referrals/refused-by-the-agreement', { 'Idempotency-Key': 'k-1' })).status).toBe(409);
    expect(journal).toEqual(['BEGIN', 'INSERT INTO decision', 'INSERT INTO idempotency_key', 'INSERT INTO audit_log', 'COMMIT']);
  });

  it.each([
    ['conflict', 409],
    ['forbidden', 403],
    ['not-found', 404],
    ['unprocessable', 422],
  ] as const)('rolls back a %s refusal that is not on record, and audits it outside the command (%i)', async (kind, status) => {
    expect(await post(`/referrals/refused/${kind}`)).toEqual({ status, body: { statusCode: status, code: 'REFERRAL.SOMETHING', message: 'Not this time.' } });
    expect(journal).toEqual(['BEGIN', 'INSERT INTO decision', 'ROLLBACK']);
    expect(trail.rows).toEqual([{ where: 'outside', status, code: 'REFERRAL.SOMETHING' }]);
  });

  it('commits an allowed command with its audit row', async () => {
    expect(await post('/referrals/allowed')).toEqual({ status: 201, body: { id: 'r-1' } });
    expect(journal).toEqual(['BEGIN', 'INSERT INTO decision', 'INSERT INTO audit_log', 'COMMIT']);
    expect(trail.rows).toEqual([{ where: 'in the command', status: 201, code: null }]);
  });
});
