import { HttpStatus, Injectable } from '@nestjs/common';
import { Actor } from '@umbrella/contracts';
import { EventPublisher, newEvent } from '@umbrella/messaging';
import { CodedHttpException, Database } from '@umbrella/platform';
import { ServiceRequestDto } from '../../service.request.dto';
import { loadService, ServiceRecord, snapshotOf, writeService } from '../../service.store';
import { assertCrossFields } from '../offer-service/offer-service.handler';

/** Replaces an existing service and publishes its full snapshot. */
@Injectable()
export class UpdateServiceHandler {
  constructor(
    private readonly database: Database,
    private readonly publisher: EventPublisher,
  ) {}

  async update(serviceId: string, dto: ServiceRequestDto, actor: Actor, assertMayManage: (agencyId: string) => void): Promise<ServiceRecord> {
    assertCrossFields(dto);
    const service = await this.database.transaction(async (tx) => {
      const rows: { agency_id: string; status: string }[] = await tx.query('SELECT agency_id, status FROM service WHERE id = $1 FOR UPDATE', [serviceId]);
      if (rows.length === 0) throw new CodedHttpException(HttpStatus.NOT_FOUND, 'SERVICE.NOT_FOUND', 'No such service.');
      assertMayManage(rows[0].agency_id);
      await writeService(tx, serviceId, rows[0].agency_id, dto, false);
      const record = (await loadService(tx, serviceId)) as ServiceRecord;
      await this.publisher.publish(tx, [
        newEvent({
          type: 'ServiceUpdated',
          producer: 'agency-directory',
          actor,
          data: { ...snapshotOf(record), updatedAt: new Date().toISOString() },
        }),
      ]);
      return record;
    });
    return service;
  }
}
