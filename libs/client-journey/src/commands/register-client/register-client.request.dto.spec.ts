import { addCalendarDays as addDays } from '@umbrella/agreement';
import { validatePlain } from '@umbrella/contracts';
import { calendarDateOf } from '../../domain/client-attributes';
import { RecordMilestoneRequestDto } from '../record-milestone/record-milestone.request.dto';
import { RegisterClientRequestDto } from './register-client.request.dto';

const valid = { name: 'Jane Doe', dateOfBirth: '2003-05-14', contact: { email: 'jane@example.org' }, postcode: 'NB1 4QT' };
// the same options as the API's validation pipe: undeclared fields are refused
const errors = (cls: new () => object, body: unknown) => {
  const result = validatePlain(cls, body, { strict: true });
  return result.ok ? [] : result.errors;
};

describe('registering a client: the request', () => {
  it('accepts the minimum personal data with an email or a phone number', () => {
    expect(errors(RegisterClientRequestDto, valid)).toEqual([]);
    expect(errors(RegisterClientRequestDto, { ...valid, contact: { phone: '+44 7700 900123' } })).toEqual([]);
    expect(errors(RegisterClientRequestDto, { ...valid, postcode: '10115' })).toEqual([]);
  });

  it('refuses a date of birth in the future, one that does not exist, and one before 1900', () => {
    const tomorrow = addDays(calendarDateOf(new Date()), 1);
    expect(errors(RegisterClientRequestDto, { ...valid, dateOfBirth: tomorrow })).toEqual(['dateOfBirth: dateOfBirth must not be in the future']);
    expect(errors(RegisterClientRequestDto, { ...valid, dateOfBirth: '2003-02-30' })).toEqual(['dateOfBirth: dateOfBirth must be a date that exists, as YYYY-MM-DD']);
    expect(errors(RegisterClientRequestDto, { ...valid, dateOfBirth: '1899-12-31' })).toEqual(['dateOfBirth: dateOfBirth must not be before 1900-01-01']);
    expect(errors(RegisterClientRequestDto, { ...valid, dateOfBirth: calendarDateOf(new Date()) })).toEqual([]);
  });

  it('needs some way to contact the client, and refuses a malformed one', () => {
    expect(errors(RegisterClientRequestDto, { ...valid, contact: {} })).toEqual(['contact: contact needs an email address or a phone number']);
    expect(errors(RegisterClientRequestDto, { ...valid, contact: { email: 'not-an-email' } })).toEqual(['contact.email: email must be an email address']);
    expect(errors(RegisterClientRequestDto, { ...valid, contact: { phone: 'call me' } })).toEqual(['contact.phone: phone must be digits, spaces, dashes or brackets, with an optional leading +']);
    expect(errors(RegisterClientRequestDto, { ...valid, contact: null })).toEqual(expect.arrayContaining([expect.stringMatching(/^contact: /)]));
  });

  it('refuses fields it does not declare (no stray personal data is kept), a name without letters and a non-postcode', () => {
    expect(errors(RegisterClientRequestDto, { ...valid, nationalId: 'AB123456C' })).toEqual(['nationalId: property nationalId should not exist']);
    expect(errors(RegisterClientRequestDto, { ...valid, name: '12345' })).toEqual(['name: name must contain letters']);
    expect(errors(RegisterClientRequestDto, { ...valid, postcode: 'London' })).toEqual([expect.stringMatching(/^postcode: postcode must be a postcode/)]);
  });
});

describe('recording a milestone: the request', () => {
  it('needs a domain for a barrier, and a day that is not in the future', () => {
    expect(errors(RecordMilestoneRequestDto, { milestone: 'job-entry', occurredOn: '2026-01-05' })).toEqual([]);
    expect(errors(RecordMilestoneRequestDto, { milestone: 'barrier-identified', occurredOn: '2026-01-05' })).toEqual([expect.stringMatching(/^domain: domain must be one of/)]);
    expect(errors(RecordMilestoneRequestDto, { milestone: 'job-entry', occurredOn: addDays(calendarDateOf(new Date()), 1) })).toEqual(['occurredOn: occurredOn must not be in the future']);
    expect(errors(RecordMilestoneRequestDto, { milestone: 'promoted', occurredOn: '2026-01-05' })).toEqual([expect.stringMatching(/^milestone: milestone must be one of/)]);
  });
});
