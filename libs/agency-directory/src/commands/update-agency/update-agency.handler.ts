import { HttpStatus, Injectable } from '@nestjs/common';
import { Actor } from '@umbrella/contracts';
import { EventPublisher, newEvent } from '@umbrella/messaging';
import { CodedHttpException, Database } from '@umbrella/platform';
import { Agency } from '../../agency.entity';
import { AgencyProfileDto } from './update-agency.request.dto';

@Injectable()
export class UpdateAgencyHandler {
  constructor(
    private readonly database: Database,
    private readonly publisher: EventPublisher,
  ) {}

  async execute(agencyId: string, dto: AgencyProfileDto, actor: Actor): Promise<Agency> {
    const agency = await this.database.transaction(async (tx) => {
      // TypeORM answers UPDATE … RETURNING with [rows, affected]
      const [updated]: [unknown[], number] = await tx.query(
        `UPDATE agency SET name = $2, description = $3, stakeholder_type = $4, region = $5, email = $6, website = $7, legal_status = $8, updated_at = now()
          WHERE id = $1 RETURNING id`,
        [agencyId, dto.name, dto.description ?? '', dto.stakeholderType, dto.region, dto.email ?? null, dto.website ?? null, dto.legalStatus ?? null],
      );
      if (updated.length === 0) throw new CodedHttpException(HttpStatus.NOT_FOUND, 'AGENCY.NOT_FOUND', 'No such agency.');
      const row = await tx.findOneByOrFail(Agency, { id: agencyId });
      await this.publisher.publish(tx, [
        newEvent({
          type: 'AgencyUpdated',
          producer: 'agency-directory',
          actor,
          data: { agencyId, name: row.name, stakeholderType: dto.stakeholderType, region: row.region, updatedAt: row.updatedAt.toISOString() },
        }),
      ]);
      return row;
    });
    return agency;
  }
}
