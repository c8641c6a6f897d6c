import { HttpException, HttpStatus } from '@nestjs/common';
import { CodedHttpException, concerning, ErrorBody } from '@umbrella/platform';

/** The stable error codes of client-journey's API (listed in the README). */
export const ClientErrors = {
  notFound: () => new CodedHttpException(HttpStatus.NOT_FOUND, 'CLIENT.NOT_FOUND', 'This client is not registered in client-journey.'),
  erased: () => new CodedHttpException(HttpStatus.GONE, 'CLIENT.ERASED', "This client's personal data was erased; nothing more can be recorded for them."),
  consentNotFound: () => new CodedHttpException(HttpStatus.NOT_FOUND, 'CONSENT.NOT_FOUND', 'This client never gave that consent.'),
  unknownAgency: (agencyId: string) =>
    new CodedHttpException(HttpStatus.UNPROCESSABLE_ENTITY, 'CONSENT.UNKNOWN_AGENCY', `Agency ${agencyId} is not (yet) in client-journey's copy of the partnership directory.`),
  keyWorkerNotYou: () =>
    new CodedHttpException(
      HttpStatus.UNPROCESSABLE_ENTITY,
      'CLIENT.KEY_WORKER_NOT_YOU',
      'A caseworker of the lead agency becomes the key worker by taking the client on themselves; ask your colleague to do it.',
    ),
  leadMovesByReferral: () =>
    new CodedHttpException(
      HttpStatus.CONFLICT,
      'CLIENT.LEAD_MOVES_BY_REFERRAL',
      'The lead moves to another agency only by a referral that hands it over, once that agency accepts it (UA-3, UA-9).',
    ),
};

/**
 * 409 for a person who is already a client. The existing pseudonymous id only to an agency that
 * sees that record; to any other, nothing but the match itself (the id would be a key to the
 * client). Never their personal data. The audit row of the refusal records the id either way.
 */
export interface AlreadyRegisteredBody extends ErrorBody {
  readonly clientId?: string;
  /** Whether the caller's agency may already see the existing record. */
  readonly visibleToYourAgency: boolean;
}

export class ClientAlreadyRegistered extends HttpException {
  constructor(clientId: string, visibleToYourAgency: boolean) {
    const body: AlreadyRegisteredBody = visibleToYourAgency
      ? { statusCode: HttpStatus.CONFLICT, code: 'CLIENT.ALREADY_REGISTERED', message: `This person is already registered as client ${clientId}; work with that record.`, clientId, visibleToYourAgency }
      : {
          statusCode: HttpStatus.CONFLICT,
          code: 'CLIENT.ALREADY_REGISTERED',
          message:
            'This person is already registered, in a record your agency may not see. Ask the client which agency works with them: ' +
            "that agency can record the client's consent to share with yours.",
          visibleToYourAgency,
        };
    super(body, HttpStatus.CONFLICT);
    concerning(this, clientId);
  }
}
