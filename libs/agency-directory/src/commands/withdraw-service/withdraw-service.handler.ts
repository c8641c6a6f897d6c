import { HttpStatus, Injectable } from '@nestjs/common';
import { Actor } from '@umbrella/contracts';
import { EventPublisher, newEvent } from '@umbrella/messaging';
import { CodedHttpException, Database } from '@umbrella/platform';

@Injectable()
export class WithdrawServiceHandler {
  constructor(
    private readonly database: Database,
    private readonly publisher: EventPublisher,
  ) {}

  /** Withdrawn services stay on record (status defunct) so past referrals still name them. */
  async withdraw(serviceId: string, actor: Actor, assertMayManage: (agencyId: string) => void): Promise<void> {
    await this.database.transaction(async (tx) => {
      const rows: { agency_id: string; status: string }[] = await tx.query('SELECT agency_id, status FROM service WHERE id = $1 FOR UPDATE', [serviceId]);
      if (rows.length === 0) throw new CodedHttpException(HttpStatus.NOT_FOUND, 'SERVICE.NOT_FOUND', 'No such service.');
      assertMayManage(rows[0].agency_id);
      if (rows[0].status === 'defunct') return;
      await tx.query(`UPDATE service SET status = 'defunct', updated_at = now() WHERE id = $1`, [serviceId]);
      await this.publisher.publish(tx, [
        newEvent({
          type: 'ServiceWithdrawn',
          producer: 'agency-directory',
          actor,
          data: { serviceId, agencyId: rows[0].agency_id, withdrawnAt: new Date().toISOString() },
        }),
      ]);
    });
  }
}
