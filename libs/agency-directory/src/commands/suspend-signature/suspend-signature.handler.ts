import { HttpStatus, Injectable } from '@nestjs/common';
import { Actor } from '@umbrella/contracts';
import { EventPublisher, newEvent } from '@umbrella/messaging';
import { CodedHttpException, Database } from '@umbrella/platform';
import { SignatureView, toSignatureView } from '../../signature.view';

/** Only a coordinator suspends an agency's signature of the umbrella agreement (UA-1). */
@Injectable()
export class SuspendSignatureHandler {
  constructor(
    private readonly database: Database,
    private readonly publisher: EventPublisher,
  ) {}

  async suspend(agencyId: string, version: string, reason: string, actor: Actor): Promise<SignatureView> {
    const view = await this.database.transaction(async (tx) => {
      // TypeORM answers UPDATE … RETURNING with [rows, affected]
      const [rows]: [Record<string, unknown>[], number] = await tx.query(
        `UPDATE agreement_signature SET status = 'suspended', suspended_at = now(), suspension_reason = $3
          WHERE agency_id = $1 AND agreement_version = $2 AND status = 'signed' RETURNING *`,
        [agencyId, version, reason],
      );
      if (rows.length === 0) {
        const existing: Record<string, unknown>[] = await tx.query('SELECT * FROM agreement_signature WHERE agency_id = $1 AND agreement_version = $2', [agencyId, version]);
        if (existing.length > 0) return toSignatureView(existing[0]);
        throw new CodedHttpException(HttpStatus.NOT_FOUND, 'AGREEMENT.NOT_SIGNED', 'This agency has not signed this version of the agreement.');
      }
      await this.publisher.publish(tx, [
        newEvent({
          type: 'AgreementSignatureSuspended',
          producer: 'agency-directory',
          actor,
          agreementVersion: version,
          data: { agencyId, agreementVersion: version, reason, suspendedAt: (rows[0].suspended_at as Date).toISOString() },
        }),
      ]);
      return toSignatureView(rows[0]);
    });
    return view;
  }
}
