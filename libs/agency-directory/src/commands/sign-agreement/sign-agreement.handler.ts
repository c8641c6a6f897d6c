import { HttpStatus, Injectable } from '@nestjs/common';
import { Actor } from '@umbrella/contracts';
import { EventPublisher, newEvent } from '@umbrella/messaging';
import { CodedHttpException, Database, hasRole, Principal } from '@umbrella/platform';
import { SignatureView, toSignatureView } from '../../signature.view';

/** An agency signs a published version of the umbrella agreement (UA-1). */
@Injectable()
export class SignAgreementHandler {
  constructor(
    private readonly database: Database,
    private readonly publisher: EventPublisher,
  ) {}

  /** Signing again is a no-op; lifting a suspension by signing again is a coordinator's call. Only a published version can be signed. */
  async sign(agencyId: string, version: string, principal: Principal, actor: Actor): Promise<SignatureView> {
    const view = await this.database.transaction(async (tx) => {
      const agency: unknown[] = await tx.query('SELECT 1 FROM agency WHERE id = $1 FOR UPDATE', [agencyId]);
      if (agency.length === 0) throw new CodedHttpException(HttpStatus.NOT_FOUND, 'AGENCY.NOT_FOUND', 'No such agency.');
      // Only a published version can be signed. The directory hears of a new version by event, a
      // moment after the referral service publishes it: until then the answer is this refusal,
      // which a client retries, never a signature of a version nobody published.
      const published: unknown[] = await tx.query('SELECT 1 FROM agreement_version WHERE version = $1', [version]);
      if (published.length === 0) {
        throw new CodedHttpException(
          HttpStatus.UNPROCESSABLE_ENTITY,
          'AGREEMENT.UNKNOWN_VERSION',
          `Version ${version} of the agreement has not been published. A version published a moment ago reaches the directory within seconds: try again shortly.`,
        );
      }
      const existing: Record<string, unknown>[] = await tx.query('SELECT * FROM agreement_signature WHERE agency_id = $1 AND agreement_version = $2', [agencyId, version]);
      if (existing[0]?.status === 'signed') return toSignatureView(existing[0]);
      if (existing[0]?.status === 'suspended' && !hasRole(principal, 'coordinator')) {
        throw new CodedHttpException(HttpStatus.CONFLICT, 'AGREEMENT.SIGNATURE_SUSPENDED', 'This signature is suspended; only a coordinator can reinstate it.');
      }
      const [row] = await tx.query(
        `INSERT INTO agreement_signature (agency_id, agreement_version, status, signed_at) VALUES ($1, $2, 'signed', now())
         ON CONFLICT (agency_id, agreement_version) DO UPDATE SET status = 'signed', signed_at = now(), suspended_at = NULL, suspension_reason = NULL
         RETURNING *`,
        [agencyId, version],
      );
      await this.publisher.publish(tx, [
        newEvent({
          type: 'AgreementSigned',
          producer: 'agency-directory',
          actor,
          agreementVersion: version,
          data: { agencyId, agreementVersion: version, signedAt: (row.signed_at as Date).toISOString() },
        }),
      ]);
      return toSignatureView(row);
    });
    return view;
  }
}
