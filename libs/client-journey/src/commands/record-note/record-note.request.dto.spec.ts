import { validatePlain } from '@umbrella/contracts';
import { RecordNoteRequestDto } from './record-note.request.dto';

// the same options as the API's validation pipe: undeclared fields are refused
const errors = (body: unknown) => {
  const result = validatePlain(RecordNoteRequestDto, body, { strict: true });
  return result.ok ? [] : result.errors;
};

describe('writing a case note: the request', () => {
  it('takes text up to 2000 characters, and optionally the referral it is about', () => {
    expect(errors({ text: 'Prefers morning appointments.' })).toEqual([]);
    expect(errors({ text: 'x'.repeat(2000), referralId: '6F1C2B9E-3D4A-4B5C-8D6E-7F8091A2B3C4' })).toEqual([]);
  });

  it('refuses blank or overlong text, a referral id that is not a UUID, and undeclared fields', () => {
    expect(errors({ text: '  \n ' })).toEqual(['text: text must not be blank']);
    expect(errors({ text: 'x'.repeat(2001) })).toEqual(['text: text must be shorter than or equal to 2000 characters']);
    expect(errors({})).toEqual(expect.arrayContaining([expect.stringMatching(/^text: /)]));
    expect(errors({ text: 'ok', referralId: 'r-1' })).toEqual(['referralId: referralId must be a referral id (UUID)']);
    expect(errors({ text: 'ok', clientName: 'Jane Doe' })).toEqual(['clientName: property clientName should not exist']);
  });
});
