import { AddressInfo, connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { Body, Controller, Get, INestApplication, Module, Param, Post, Query } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Type } from 'class-transformer';
import { IsDefined, IsEmail, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { configureHttp } from '../bootstrap';
import { ErrorFilter } from '../http';
import { IsUuid, ParseUuidPipe } from './uuid';

/*
 * The HTTP layer every service shares (configureHttp), on a real Express server on a loopback
 * port, with a controller shaped like the services' (nested DTOs, an email, UUID parameters).
 * Each bad request is refused with a documented code, naming the field, and through the
 * ErrorFilter — which the audit trail relies on to record every refusal.
 */

class ContactDto {
  @IsOptional() @IsEmail() email?: string;
}

class ThingDto {
  @IsString() @MaxLength(200) name: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => ContactDto) contact: ContactDto;
}

class ThingQueryDto {
  @IsOptional() @IsString() region?: string;
}

class ThingParams {
  @IsUuid('id must be a thing id (UUID)') id: string;
}

@Controller('things')
class ThingsController {
  @Post()
  create(@Body() body: ThingDto) {
    return { name: body.name };
  }

  @Get()
  list(@Query() query: ThingQueryDto) {
    return { region: query.region ?? null };
  }

  @Get(':id')
  get(@Param('id', new ParseUuidPipe('id')) id: string) {
    return { id };
  }

  @Post(':id/touch')
  touch(@Param() { id }: ThingParams) {
    return { id };
  }

  @Post('big')
  big(@Body() body: { text?: string }) {
    return { length: body.text?.length ?? 0 };
  }
}

@Module({ controllers: [ThingsController] })
class ThingsModule {}

describe('the HTTP input every service shares', () => {
  let app: INestApplication;
  let base: string;
  const filtered = jest.spyOn(ErrorFilter.prototype, 'catch');

  beforeAll(async () => {
    app = await NestFactory.create(ThingsModule, { logger: false, bodyParser: false });
    configureHttp(app, { name: 'things', title: 'Things', description: 'test', bodyLimits: { '/things/big': '1mb' } });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    filtered.mockRestore();
  });

  beforeEach(() => filtered.mockClear());

  async function call(method: string, path: string, init: { body?: string | Uint8Array<ArrayBuffer>; headers?: Record<string, string> } = {}) {
    const res = await fetch(`${base}${path}`, { method, body: init.body, headers: init.body === undefined ? init.headers : { 'content-type': 'application/json', ...init.headers } });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  const deepJson = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

  it('refuses a body nested thousands of levels before validation walks it, also as an unknown field', async () => {
    for (const body of [`{"name":"x","contact":${deepJson(5000)}}`, `{"name":"x","contact":{},"extra":${deepJson(5000)}}`, `[${'['.repeat(10000)}${']'.repeat(10000)}]`]) {
      const res = await call('POST', '/things', { body });
      expect(res).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
      expect(res.body.errors[0]).toMatch(/must not nest deeper than 32 levels$/);
    }
    expect(filtered).toHaveBeenCalledTimes(3);
  });

  it('refuses NUL and lone surrogates in the body, the query and path parameters, naming the field', async () => {
    const nul = await call('POST', '/things', { body: JSON.stringify({ name: 'a\u0000', contact: { email: 'x\uD800y@example.org' } }) });
    expect(nul).toEqual({
      status: 400,
      body: {
        statusCode: 400,
        code: 'VALIDATION_FAILED',
        message: 'The request is invalid; see errors for each bad field.',
        errors: ['name: must not contain a NUL character (U+0000)', 'contact.email: must not contain a lone UTF-16 surrogate (not a Unicode character)'],
      },
    });
    expect(await call('GET', '/things?region=north%00bridge')).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', errors: ['region: must not contain a NUL character (U+0000)'] } });
    expect(await call('GET', '/things/a%00b')).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', errors: ['id: must not contain a NUL character (U+0000)'] } });
    // a route whose handler reads no body or query refuses them all the same
    expect(await call('POST', `/things/${'a'.repeat(8)}-aaaa-4aaa-8aaa-${'a'.repeat(12)}/touch?x=%00`)).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(filtered).toHaveBeenCalledTimes(4);
  });

  it('refuses field names that validation would silently drop', async () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const res = await call('POST', '/things', { body: `{"name":"x","contact":{},"${key}":{"name":"y"}}` });
      expect(res).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', errors: [`${key}: the field name is reserved and cannot be used`] } });
    }
    expect(await call('GET', '/things?__proto__=x')).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
  });

  it('refuses an email with a lone surrogate as a validation failure (the validator would throw)', async () => {
    const res = await call('POST', '/things', { body: JSON.stringify({ name: 'x', contact: { email: 'x\uD800y' } }) });
    expect(res).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', errors: ['contact.email: must not contain a lone UTF-16 surrogate (not a Unicode character)'] } });
  });

  it('refuses a broken percent-escape in the path or the query, naming it', async () => {
    expect(await call('GET', '/things/%E0%A4%A')).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', errors: ["path: '%E0%A4%A' is not percent-encoded UTF-8"] } });
    expect(await call('GET', '/nowhere/%zz')).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(await call('GET', '/things?region=a%FFb')).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', errors: ["region: 'region=a%FFb' is not percent-encoded UTF-8"] } });
    expect(filtered).toHaveBeenCalledTimes(3);
  });

  it('refuses bodies that are not JSON, do not parse or are too large, each with its code', async () => {
    expect(await call('POST', '/things', { body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).toMatchObject({ status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    expect(await call('POST', '/things', { body: 'x', headers: { 'content-type': 'text/plain' } })).toMatchObject({ status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    expect(await call('POST', '/things', { body: '{}', headers: { 'content-type': 'application/json; charset=latin1' } })).toMatchObject({ status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    expect(await call('POST', '/things', { body: '{}', headers: { 'content-encoding': 'compress' } })).toMatchObject({ status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    expect(await call('POST', '/things', { body: new Uint8Array([0x1f, 0x8b, 0x08, 0, 1, 2, 3]), headers: { 'content-encoding': 'gzip' } })).toMatchObject({ status: 400, body: { code: 'MALFORMED_JSON' } });
    expect(await call('POST', '/things', { body: '{"name":' })).toMatchObject({ status: 400, body: { code: 'MALFORMED_JSON' } });
    expect(await call('POST', '/things', { body: JSON.stringify({ name: 'x'.repeat(300_000) }) })).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(filtered).toHaveBeenCalledTimes(7);
  });

  it('reads gzip bodies, and larger bodies where a route allows them', async () => {
    expect(await call('POST', '/things', { body: gzipSync(JSON.stringify({ name: 'zipped', contact: {} })), headers: { 'content-encoding': 'gzip' } })).toEqual({ status: 201, body: { name: 'zipped' } });
    expect(await call('POST', '/things/big', { body: JSON.stringify({ text: 'x'.repeat(300_000) }) })).toEqual({ status: 201, body: { length: 300_000 } });
  });

  it('lets a body-less POST through without a content type', async () => {
    const id = '6f1c2b9e-3d4a-4b5c-8d6e-7f8091a2b3c4';
    const res = await fetch(`${base}/things/${id}/touch`, { method: 'POST', headers: { 'content-length': '0' } });
    expect(res.status).toBe(201);
  });

  /** Bytes sent as they are, for what no HTTP client would send; resolves to all that comes back. */
  function raw(bytes: string): Promise<string> {
    const { port } = app.getHttpServer().address() as AddressInfo;
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.end(bytes));
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
      socket.on('end', () => resolve(answer));
      socket.on('error', reject);
    });
  }

  it('answers what is not readable HTTP in the error shape, with a documented code', async () => {
    const nul = await raw('GET /things HTTP/1.1\r\nHost: x\r\nX-Note: a\u0000b\r\n\r\n');
    expect(nul).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(nul.slice(nul.indexOf('\r\n\r\n') + 4))).toEqual({ statusCode: 400, code: 'MALFORMED_REQUEST', message: 'The request is not readable HTTP.' });
    expect(await call('GET', `/things?region=${'x'.repeat(20_000)}`)).toMatchObject({ status: 431, body: { code: 'HEADERS_TOO_LARGE' } });
  });

  it('answers a route or method that does not exist with ROUTE.NOT_FOUND', async () => {
    expect(await call('PATCH', '/things')).toMatchObject({ status: 404, body: { code: 'ROUTE.NOT_FOUND' } });
    expect(await call('GET', '/nothing/here')).toMatchObject({ status: 404, body: { code: 'ROUTE.NOT_FOUND' } });
    expect(filtered).toHaveBeenCalledTimes(2);
  });

  it('accepts UUIDs in either case and answers them in lower case; refuses anything else naming the parameter', async () => {
    const upper = '6F1C2B9E-3D4A-4B5C-8D6E-7F8091A2B3C4';
    expect(await call('GET', `/things/${upper}`)).toEqual({ status: 200, body: { id: upper.toLowerCase() } });
    expect(await call('POST', `/things/${upper}/touch`)).toEqual({ status: 201, body: { id: upper.toLowerCase() } });
    expect(await call('GET', '/things/not-a-uuid')).toEqual({
      status: 400,
      body: { statusCode: 400, code: 'VALIDATION_FAILED', message: 'The request is invalid; see errors for each bad field.', errors: ['id: id must be a UUID'] },
    });
    expect(await call('POST', '/things/not-a-uuid/touch')).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', errors: ['id: id must be a thing id (UUID)'] } });
  });
});
