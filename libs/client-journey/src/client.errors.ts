import { HttpException, HttpStatus } from '@nestjs/common';
import { CodedHttpException, ErrorBody } from '@umbrella/platform';

/** The stable error codes of client-journey's API (listed in the README). */
export const ClientErrors = {
  notFound: () => new CodedHttpException(HttpStatus.NOT_FOUND, 'CLIENT.NOT_FOUND', 'This client is not registered in client-journey.'),
  erased: () => new CodedHttpException(HttpStatus.GONE, 'CLIENT.ERASED', "This client's personal data was erased; nothing more can be recorded for them."),
  consentNotFound: () => new CodedHttpException(HttpStatus.NOT_FOUND, 'CONSENT.NOT_FOUND', 'This client never gave that consent.'),
  unknownAgency: (agencyId: string) =>
    new CodedHttpException(HttpStatus.UNPROCESSABLE_ENTITY, 'CONSENT.UNKNOWN_AGENCY', `Agency ${agencyId} is not (yet) in client-journey's copy of the partnership directory.`),
  leadMovesByReferral: () =>
    new CodedHttpException(
      HttpStatus.CONFLICT,
      'CLIENT.LEAD_MOVES_BY_REFERRAL',
      'The lead moves to another agency only by a referral that hands it over, once that agency accepts it (UA-3, UA-9).',
    ),
};

/** 409 for a person who is already a client: the existing pseudonymous id, never their personal data. */
export interface AlreadyRegisteredBody extends ErrorBody {
  readonly clientId: string;
  /** Whether the caller's agency may already see the existing record. */
  readonly visibleToYourAgency: boolean;
}

export class ClientAlreadyRegistered extends HttpException {
  constructor(clientId: string, visibleToYourAgency: boolean) {
    const message = visibleToYourAgency
      ? `This person is already registered as client ${clientId}; work with that record.`
      : `This person is already registered as client ${clientId} by another agency. Your agency may not see that record yet: ` +
        "the agency holding it can record the client's consent to share with your agency.";
    super({ statusCode: HttpStatus.CONFLICT, code: 'CLIENT.ALREADY_REGISTERED', message, clientId, visibleToYourAgency } satisfies AlreadyRegisteredBody, HttpStatus.CONFLICT);
  }
}
