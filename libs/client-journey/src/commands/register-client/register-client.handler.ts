import { Injectable } from '@nestjs/common';
import { Actor } from '@umbrella/contracts';
import { EventPublisher, newEvent } from '@umbrella/messaging';
import { Database } from '@umbrella/platform';
import { randomBytes, randomUUID } from 'node:crypto';
import { applyAccessEffect } from '../../access/access-grants';
import { ClientAccess } from '../../access/client.access-policy';
import { ClientAlreadyRegistered } from '../../client.errors';
import { ClientRecord, findClient } from '../../client.store';
import { calendarDateOf, derivedAge, regionOf } from '../../domain/client-attributes';
import { PersonalData, PersonalDataProtector } from '../../personal-data/personal-data.protector';
import { RegisterClientRequestDto } from './register-client.request.dto';

export interface RegisterClientCommand {
  readonly request: RegisterClientRequestDto;
  /** The caseworker's agency, which becomes the lead agency; the caseworker becomes the key worker. */
  readonly agencyId: string;
  readonly actor: Actor;
  readonly correlationId?: string;
}

/** Thrown inside the transaction to roll it back when the blind index shows the person exists. */
class Duplicate extends Error {}

/** Pseudonymous ids are random: nothing about the person can be read from them. */
export function newClientId(): string {
  return `c-${randomBytes(8).toString('hex')}`;
}

@Injectable()
export class RegisterClientHandler {
  constructor(
    private readonly database: Database,
    private readonly publisher: EventPublisher,
    private readonly protector: PersonalDataProtector,
  ) {}

  /**
   * Stores the client, their sealed personal data, the first key-worker assignment and the events
   * (derived attributes only) in one transaction. A person already registered, found by blind
   * index, gets a 409 naming the existing pseudonymous id.
   */
  async execute(command: RegisterClientCommand, attempt = 1): Promise<ClientRecord> {
    const now = new Date();
    const { request } = command;
    const personal: PersonalData = {
      name: request.name.trim(),
      dateOfBirth: request.dateOfBirth,
      contact: { ...(request.contact.email ? { email: request.contact.email.trim() } : {}), ...(request.contact.phone ? { phone: request.contact.phone.trim() } : {}) },
      postcode: request.postcode.trim().toUpperCase(),
    };
    const age = derivedAge(personal.dateOfBirth, calendarDateOf(now));
    const region = regionOf(personal.postcode);
    const blindIndex = this.protector.blindIndex(personal.name, personal.dateOfBirth);
    const clientId = newClientId();
    const assignmentId = randomUUID();
    const keyWorkerId = command.actor.userId;

    let client: ClientRecord;
    try {
      client = await this.database.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO client (client_id, age_band, under25, region, registered_by_agency_id, registered_at, lead_agency_id, key_worker_id, key_worker_assignment_id, key_worker_since)
           VALUES ($1, $2, $3, $4, $5, $6, $5, $7, $8, $6)`,
          [clientId, age.ageBand, age.under25, region, command.agencyId, now, keyWorkerId, assignmentId],
        );
        const sealed = this.protector.seal(clientId, personal);
        // ON CONFLICT waits for a concurrent registration of the same person and then yields to it.
        const inserted: unknown[] = await tx.query(
          `INSERT INTO client_personal_data (client_id, blind_index, key_version, iv, auth_tag, ciphertext) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT ON CONSTRAINT client_personal_data_blind_index DO NOTHING RETURNING client_id`,
          [clientId, blindIndex, sealed.keyVersion, sealed.iv, sealed.authTag, sealed.ciphertext],
        );
        if (inserted.length === 0) throw new Duplicate();
        await tx.query(
          `INSERT INTO key_worker_assignment (assignment_id, client_id, lead_agency_id, key_worker_id, assigned_at, assigned_by) VALUES ($1, $2, $3, $4, $5, $6)`,
          [assignmentId, clientId, command.agencyId, keyWorkerId, now, command.actor.userId],
        );
        const events = [
          newEvent({
            type: 'ClientRegistered',
            producer: 'client-journey',
            correlationId: command.correlationId,
            actor: command.actor,
            occurredAt: now,
            data: { clientId, ageBand: age.ageBand, under25: age.under25, region, registeredByAgencyId: command.agencyId, registeredAt: now.toISOString() },
          }),
          newEvent({
            type: 'KeyWorkerAssigned',
            producer: 'client-journey',
            correlationId: command.correlationId,
            actor: command.actor,
            occurredAt: now,
            data: { clientId, assignmentId, leadAgencyId: command.agencyId, keyWorkerId, assignedAt: now.toISOString() },
          }),
        ];
        for (const event of events) await applyAccessEffect(tx, event);
        await this.publisher.publish(tx, events);
        return (await findClient(tx, clientId)) as ClientRecord;
      });
    } catch (error) {
      if (!(error instanceof Duplicate)) throw error;
      const db = this.database.dataSource.manager;
      const rows: { client_id: string }[] = await db.query('SELECT client_id FROM client_personal_data WHERE blind_index = $1', [blindIndex]);
      const existing = rows[0]?.client_id;
      // The other record was erased between our insert and this look-up: the person is new again.
      if (!existing && attempt < 3) return this.execute(command, attempt + 1);
      if (!existing) throw error;
      throw new ClientAlreadyRegistered(existing, await ClientAccess.isVisibleTo(command.agencyId, existing, db));
    }
    return client;
  }
}
