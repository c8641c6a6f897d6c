import { formErrors } from './api';
import { timeLeft } from './views';

describe('what a service answer means for a form', () => {
  it('puts an agreement refusal in place with its rule id', () => {
    const answer = { status: 409, body: { statusCode: 409, code: 'UA-5', message: 'This client already has an open referral for training.', agreementVersion: '1' } };
    expect(formErrors(answer)).toEqual({ fields: {}, summary: 'UA-5: This client already has an open referral for training.' });
  });

  it('maps validation errors to their fields', () => {
    const answer = { status: 400, body: { code: 'VALIDATION_FAILED', message: 'invalid', errors: ['clientId: clientId must be a pseudonymous id', 'contact.email: must be an email'] } };
    expect(formErrors(answer)).toEqual({ fields: { clientId: 'clientId must be a pseudonymous id', contact: 'must be an email' }, summary: 'Please correct the fields marked below.' });
  });

  it('names any other refusal with its code', () => {
    expect(formErrors({ status: 403, body: { code: 'ACCESS.DENIED', message: 'Not yours.' } }).summary).toBe('Not yours. (ACCESS.DENIED)');
  });
});

describe('time left to answer a referral (UA-8)', () => {
  const now = Date.parse('2026-01-05T09:00:00Z');
  it('reads in days, hours or minutes, and says when it is overdue', () => {
    expect(timeLeft('2026-01-07T12:00:00Z', now)).toBe('2 days 3 h left');
    expect(timeLeft('2026-01-05T11:30:00Z', now)).toBe('2 h 30 min left');
    expect(timeLeft('2026-01-05T09:05:00Z', now)).toBe('5 min left');
    expect(timeLeft('2026-01-05T08:00:00Z', now)).toBe('overdue');
  });
});
