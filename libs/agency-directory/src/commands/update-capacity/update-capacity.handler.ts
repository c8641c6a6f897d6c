import { HttpStatus, Injectable } from '@nestjs/common';
import { Actor, ServiceCapacityChangedV1 } from '@umbrella/contracts';
import { EventPublisher, newEvent } from '@umbrella/messaging';
import { CodedHttpException, Database } from '@umbrella/platform';
import { CapacityDto } from '../../service.request.dto';

/** The small, frequent change to a service: agencies update its capacity daily, so it is one UPDATE and one event. */
@Injectable()
export class UpdateCapacityHandler {
  constructor(
    private readonly database: Database,
    private readonly publisher: EventPublisher,
  ) {}

  async updateCapacity(serviceId: string, dto: CapacityDto, actor: Actor, assertMayManage: (agencyId: string) => void): Promise<ServiceCapacityChangedV1> {
    const event = await this.database.transaction(async (tx) => {
      const rows: { agency_id: string; status: string; maximum: number | null; waitlist_allowed: boolean }[] = await tx.query(
        `SELECT s.agency_id, s.status, c.maximum, c.waitlist_allowed FROM service s LEFT JOIN service_capacity c ON c.service_id = s.id
          WHERE s.id = $1 FOR UPDATE OF s`,
        [serviceId],
      );
      if (rows.length === 0) throw new CodedHttpException(HttpStatus.NOT_FOUND, 'SERVICE.NOT_FOUND', 'No such service.');
      const current = rows[0];
      assertMayManage(current.agency_id);
      if (current.status === 'defunct') throw new CodedHttpException(HttpStatus.CONFLICT, 'SERVICE.WITHDRAWN', 'The service has been withdrawn.');
      const maximum = dto.maximum !== undefined ? dto.maximum : current.maximum;
      if (maximum !== null && maximum !== undefined && dto.available > maximum) {
        throw new CodedHttpException(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'The request is invalid; see errors for each bad field.', [
          'available: available must not be above maximum',
        ]);
      }
      const waitlistAllowed = dto.waitlistAllowed ?? current.waitlist_allowed ?? false;
      const [{ updated }] = await tx.query(
        `INSERT INTO service_capacity (id, service_id, available, maximum, waitlist_allowed, updated) VALUES (gen_random_uuid(), $1, $2, $3, $4, now())
         ON CONFLICT (service_id) DO UPDATE SET available = EXCLUDED.available, maximum = EXCLUDED.maximum,
           waitlist_allowed = EXCLUDED.waitlist_allowed, updated = now()
         RETURNING updated`,
        [serviceId, dto.available, maximum ?? null, waitlistAllowed],
      );
      const data: ServiceCapacityChangedV1 = {
        serviceId,
        agencyId: current.agency_id,
        available: dto.available,
        ...(maximum !== null && maximum !== undefined ? { maximum } : {}),
        waitlistAllowed,
        updatedAt: (updated as Date).toISOString(),
      };
      await this.publisher.publish(tx, [newEvent({ type: 'ServiceCapacityChanged', producer: 'agency-directory', actor, data })]);
      return data;
    });
    return event;
  }
}
