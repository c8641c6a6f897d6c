import { HttpStatus, Injectable } from '@nestjs/common';
import { Actor } from '@umbrella/contracts';
import { EventPublisher, newEvent } from '@umbrella/messaging';
import { CodedHttpException, Database } from '@umbrella/platform';
import { randomUUID } from 'node:crypto';
import { crossFieldProblems, ServiceRequestDto } from '../../service.request.dto';
import { loadService, ServiceRecord, snapshotOf, writeService } from '../../service.store';

export function assertCrossFields(dto: ServiceRequestDto): void {
  const problems = crossFieldProblems(dto);
  if (problems.length > 0) {
    throw new CodedHttpException(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'The request is invalid; see errors for each bad field.', problems);
  }
}

/** Offers a new service and publishes its full snapshot. */
@Injectable()
export class OfferServiceHandler {
  constructor(
    private readonly database: Database,
    private readonly publisher: EventPublisher,
  ) {}

  /** `id` keeps the service id of an imported HSDS directory; new services get a fresh one. */
  async offer(agencyId: string, dto: ServiceRequestDto, actor: Actor, id: string = randomUUID()): Promise<ServiceRecord> {
    assertCrossFields(dto);
    const service = await this.database.transaction(async (tx) => {
      const agency: unknown[] = await tx.query('SELECT 1 FROM agency WHERE id = $1', [agencyId]);
      if (agency.length === 0) throw new CodedHttpException(HttpStatus.NOT_FOUND, 'AGENCY.NOT_FOUND', 'No such agency.');
      await writeService(tx, id, agencyId, dto, true);
      const record = (await loadService(tx, id)) as ServiceRecord;
      await this.publisher.publish(tx, [
        newEvent({
          type: 'ServiceOffered',
          producer: 'agency-directory',
          actor,
          data: { ...snapshotOf(record), offeredAt: new Date().toISOString() },
        }),
      ]);
      return record;
    });
    return service;
  }
}
