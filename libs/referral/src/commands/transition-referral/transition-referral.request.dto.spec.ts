import { validatePlain } from '@umbrella/contracts';
import { TransitionRequestDto } from './transition-referral.request.dto';

// the same options as the API's validation pipe: undeclared fields are refused
const errors = (body: unknown) => {
  const result = validatePlain(TransitionRequestDto, body, { strict: true });
  return result.ok ? [] : result.errors;
};

describe('a lifecycle step: the request', () => {
  it('takes a structured reason, "other" included, with no text', () => {
    expect(errors({})).toEqual([]);
    expect(errors({ reason: 'no-capacity' })).toEqual([]);
    expect(errors({ reason: 'other' })).toEqual([]);
    expect(errors({ reason: 'because' })).toEqual([expect.stringMatching(/^reason: /)]);
  });

  it("refuses free text, naming the field and saying it belongs in the client's notes", () => {
    for (const reasonText of ['Wrong client selected', '', null]) {
      expect(errors({ reason: 'other', reasonText })).toEqual([
        'reasonText: reasonText is not accepted: referrals keep a structured reason only. Write the details as a note on the client in client-journey (POST /clients/{clientId}/notes with this referralId)',
      ]);
    }
  });
});
