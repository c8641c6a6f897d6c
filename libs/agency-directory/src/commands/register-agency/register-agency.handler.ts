import { HttpStatus, Injectable } from '@nestjs/common';
import { Actor } from '@umbrella/contracts';
import { EventPublisher, newEvent } from '@umbrella/messaging';
import { CodedHttpException, Database } from '@umbrella/platform';
import { Agency } from '../../agency.entity';
import { RegisterAgencyRequestDto } from './register-agency.request.dto';

@Injectable()
export class RegisterAgencyHandler {
  constructor(
    private readonly database: Database,
    private readonly publisher: EventPublisher,
  ) {}

  /** Registers the agency and publishes `AgencyRegistered` in one transaction. */
  /** `hsdsId` keeps the organization id of an imported HSDS directory; new agencies get a fresh one. */
  async execute(command: RegisterAgencyRequestDto, actor: Actor, hsdsId?: string): Promise<Agency> {
    const agency = await this.database.transaction(async (tx) => {
      const inserted: { id: string }[] = await tx.query(
        `INSERT INTO agency (id, name, description, stakeholder_type, region, email, website, legal_status, hsds_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9::uuid, gen_random_uuid()))
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [command.id, command.name, command.description ?? '', command.stakeholderType, command.region, command.email ?? null, command.website ?? null, command.legalStatus ?? null, hsdsId ?? null],
      );
      if (inserted.length === 0) {
        throw new CodedHttpException(HttpStatus.CONFLICT, 'AGENCY.ALREADY_REGISTERED', `Agency ${command.id} is already registered.`);
      }
      const row = await tx.findOneByOrFail(Agency, { id: command.id });
      await this.publisher.publish(tx, [
        newEvent({
          type: 'AgencyRegistered',
          producer: 'agency-directory',
          actor,
          data: {
            agencyId: row.id,
            name: row.name,
            stakeholderType: command.stakeholderType,
            region: row.region,
            registeredAt: row.createdAt.toISOString(),
          },
        }),
      ]);
      return row;
    });
    return agency;
  }
}
