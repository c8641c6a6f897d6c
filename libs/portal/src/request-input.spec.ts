import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { testPortalConfig } from './test/portal-config';
import { createPortalApp } from './portal.server';

/*
 * Requests the portal cannot read are answered with a 4xx page saying why, before any page's
 * handler runs (so no service is called: the services' addresses here lead nowhere).
 */
describe('what the portal refuses before any page runs', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createPortalApp(testPortalConfig()).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  async function call(method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}) {
    const res = await fetch(`${base}${path}`, { method, body: init.body, headers: init.headers, redirect: 'manual' });
    return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text(), location: res.headers.get('location') };
  }

  const form = { 'content-type': 'application/x-www-form-urlencoded' };

  it('answers a form over 64 kB with 413', async () => {
    const res = await call('POST', '/refer', { body: `clientId=${'x'.repeat(70_000)}`, headers: form });
    expect(res).toMatchObject({ status: 413, type: expect.stringContaining('text/html') });
    expect(res.text).toContain('The form is too large to send.');
  });

  it.each([
    ['JSON', 'application/json', '{"role":"coordinator"}'],
    ['text', 'text/plain', 'role=coordinator'],
    ['multipart', 'multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="role"\r\n\r\ncoordinator\r\n--x--\r\n'],
  ])('answers a %s body with 415', async (_what, type, body) => {
    const res = await call('POST', '/sign-in', { body, headers: { 'content-type': type } });
    expect(res).toMatchObject({ status: 415, type: expect.stringContaining('text/html') });
  });

  it('answers a broken percent-escape in the path or the query with 400, naming it', async () => {
    const res = await call('POST', '/referrals/%E0%A4%A/accept', { body: 'x=1', headers: form });
    expect(res.status).toBe(400);
    expect(res.text).toContain('path: &#39;%E0%A4%A&#39; is not percent-encoded UTF-8');
    const query = await call('GET', '/sign-in?notice=%E0%A4%A');
    expect(query.status).toBe(400);
    expect(query.text).toContain('notice: &#39;notice=%E0%A4%A&#39; is not percent-encoded UTF-8');
  });

  it('answers NUL in the path, the query or a form field with 400, naming the field', async () => {
    expect((await call('GET', '/clients/c-%00')).status).toBe(400);
    const query = await call('GET', '/sign-in?notice=a%00b');
    expect(query.status).toBe(400);
    expect(query.text).toContain('notice: must not contain a NUL character (U+0000)');
    const field = await call('POST', '/sign-in', { body: 'role=caseworker&agencyId=a%00b', headers: form });
    expect(field.status).toBe(400);
    expect(field.text).toContain('agencyId: must not contain a NUL character (U+0000)');
  });

  it('reads a form post without a body, and a Referer that is not a URL, without failing (and, without a form token, refuses it)', async () => {
    expect(await call('POST', '/refer', { headers: { 'content-length': '0', referer: 'not a url' } })).toMatchObject({ status: 403, type: expect.stringContaining('text/html') });
    const refused = await call('POST', '/clients', { body: 'name=x', headers: { ...form, referer: '::::' } });
    expect(refused).toMatchObject({ status: 403, location: null });
    expect(refused.text).toContain('PORTAL.CSRF');
  });
});
