import { AddressInfo } from 'node:net';
import { Controller, Get, INestApplication, Module, Param, Query } from '@nestjs/common';
import { APP_INTERCEPTOR, NestFactory } from '@nestjs/core';
import type { Request, Response } from 'express';
import { AccessDenied } from '../auth/auth.guard';
import { configureHttp } from '../bootstrap';
import { Database } from '../database';
import { concerning } from '../http';
import { AuditedRead, AuditLocals, AuditTrail, PublishedOperation } from './audit';
import { CommandInterceptor } from './command.interceptor';

/*
 * Reads of a client's data on the HTTP layer every service shares: each is audited, allowed or
 * refused, with the client as its record, and its data is answered only once the row is written.
 * The audit trail is replaced by a recorder that can be made to fail.
 */

interface Row {
  readonly action: string | undefined;
  readonly record: string | undefined;
  readonly status: number;
  readonly code: string | null;
}

class RecordingTrail {
  rows: Row[] = [];
  failing = false;

  async writeOutsideCommand(_request: Request, response: Response, status: number, code: string | null): Promise<void> {
    if (this.failing) throw new Error('connection terminated');
    const locals = response.locals as AuditLocals;
    this.rows.push({ action: locals.auditAction, record: locals.auditRecord, status, code });
    locals.audited = true;
  }
}

const CLIENT = 'c-4f1c2a9be07d3a61';
const REFERRAL = '6f1c2b9e-3d4a-4b5c-8d6e-7f8091a2b3c4';

@Controller()
class ClientsHttpController {
  @Get('clients/:clientId')
  @AuditedRead()
  client(@Param('clientId') clientId: string) {
    if (clientId === 'c-hidden') throw new AccessDenied('ACCESS.CLIENT_NOT_VISIBLE', 'Your agency may not see this client.');
    return { id: clientId, name: 'Jane Doe' };
  }

  @Get('referrals/:id')
  @AuditedRead()
  referral(@Param('id') id: string) {
    if (id !== REFERRAL) throw concerning(new AccessDenied(), CLIENT);
    return { id, clientId: CLIENT };
  }

  @Get('referrals')
  @AuditedRead('when-naming-a-client')
  referrals(@Query('clientId') clientId?: string) {
    return [{ id: REFERRAL, clientId: clientId ?? CLIENT }];
  }

  @Get('directory')
  directory() {
    return { agencies: [] };
  }
}

/** A read that moved here from `CasesHttpController.case`. */
@Controller()
class GetCaseHttpController {
  @Get('clients/:clientId/case')
  @AuditedRead()
  @PublishedOperation('Cases.case', { summary: "The client's case" })
  case(@Param('clientId') clientId: string) {
    return { clientId };
  }
}

describe('reads of a client’s data', () => {
  const trail = new RecordingTrail();
  let app: INestApplication;
  let base: string;

  @Module({
    controllers: [ClientsHttpController, GetCaseHttpController],
    providers: [
      { provide: AuditTrail, useValue: trail },
      { provide: Database, useValue: {} },
      { provide: APP_INTERCEPTOR, useClass: CommandInterceptor },
    ],
  })
  class ReadsModule {}

  beforeAll(async () => {
    app = await NestFactory.create(ReadsModule, { logger: false, bodyParser: false });
    configureHttp(app, { name: 'reads', title: 'Reads', description: 'test' });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
  });

  beforeEach(() => {
    trail.rows = [];
    trail.failing = false;
  });

  async function get(path: string) {
    const res = await fetch(`${base}${path}`);
    const text = await res.text();
    return { status: res.status, cacheControl: res.headers.get('cache-control'), body: text ? JSON.parse(text) : null };
  }

  it('audits an allowed read with the client as its record before answering it', async () => {
    expect(await get(`/clients/${CLIENT}`)).toMatchObject({ status: 200, body: { id: CLIENT, name: 'Jane Doe' } });
    expect(trail.rows).toEqual([{ action: 'Clients.client', record: CLIENT, status: 200, code: null }]);
  });

  it('audits a refused read with its code', async () => {
    expect(await get('/clients/c-hidden')).toMatchObject({ status: 403, body: { code: 'ACCESS.CLIENT_NOT_VISIBLE' } });
    expect(trail.rows).toEqual([{ action: 'Clients.client', record: 'c-hidden', status: 403, code: 'ACCESS.CLIENT_NOT_VISIBLE' }]);
  });

  it('records the client an answer names, and the client a refusal concerns, rather than the id in the path', async () => {
    await get(`/referrals/${REFERRAL}`);
    expect((await get('/referrals/00000000-0000-4000-8000-000000000000')).status).toBe(403);
    expect(trail.rows.map((r) => [r.record, r.status])).toEqual([
      [CLIENT, 200],
      [CLIENT, 403],
    ]);
  });

  it('answers 503 without the data when the audit row cannot be written', async () => {
    trail.failing = true;
    const res = await get(`/clients/${CLIENT}`);
    expect(res).toMatchObject({ status: 503, body: { statusCode: 503, code: 'SERVICE_UNAVAILABLE' } });
    expect(JSON.stringify(res.body)).not.toContain('Jane Doe');
  });

  it('audits a list only when it names a client, and no other read', async () => {
    await get('/referrals');
    await get('/directory');
    expect(trail.rows).toEqual([]);
    await get(`/referrals?clientId=${CLIENT}`);
    expect(trail.rows).toEqual([{ action: 'Clients.referrals', record: CLIENT, status: 200, code: null }]);
  });

  it('never puts other text of the path in the audit trail as the record', async () => {
    await get('/clients/Jane%20Doe');
    expect(trail.rows).toEqual([{ action: 'Clients.client', record: undefined, status: 200, code: null }]);
  });

  it('keeps the action an operation was published under when its code moves to another controller', async () => {
    await get(`/clients/${CLIENT}/case`);
    expect(trail.rows).toEqual([{ action: 'Cases.case', record: CLIENT, status: 200, code: null }]);
    expect((await get('/docs-json')).body.paths['/clients/{clientId}/case'].get).toMatchObject({ operationId: 'CasesHttpController_case', summary: "The client's case" });
  });

  it('marks every answer, allowed or refused, as not to be stored by any cache', async () => {
    for (const path of [`/clients/${CLIENT}`, '/clients/c-hidden', '/directory', '/nowhere']) {
      expect({ path, cacheControl: (await get(path)).cacheControl }).toEqual({ path, cacheControl: 'no-store' });
    }
  });
});
