import { recordConcerned } from '@umbrella/platform';
import { ClientAlreadyRegistered } from './client.errors';

describe('the answer to registering a person who is already a client', () => {
  const existing = 'c-4f1c2a9be07d3a61';

  it('names the existing record to an agency that sees it', () => {
    const refusal = new ClientAlreadyRegistered(existing, true);
    expect(refusal.getStatus()).toBe(409);
    expect(refusal.getResponse()).toMatchObject({ code: 'CLIENT.ALREADY_REGISTERED', clientId: existing, visibleToYourAgency: true });
  });

  it('tells any other agency only that the person is registered: no id, no agency', () => {
    const refusal = new ClientAlreadyRegistered(existing, false);
    const body = refusal.getResponse();
    expect(body).toEqual({ statusCode: 409, code: 'CLIENT.ALREADY_REGISTERED', message: expect.any(String), visibleToYourAgency: false });
    expect(JSON.stringify(body)).not.toContain(existing);
  });

  it('keeps the matched id for the audit row of the refusal, either way', () => {
    expect(recordConcerned(new ClientAlreadyRegistered(existing, false))).toBe(existing);
    expect(recordConcerned(new ClientAlreadyRegistered(existing, true))).toBe(existing);
  });
});
