import { HttpException, Injectable, Logger } from '@nestjs/common';
import { Actor } from '@umbrella/contracts';
import { Database } from '@umbrella/platform';
import { OfferServiceHandler } from '../offer-service/offer-service.handler';
import { RegisterAgencyHandler } from '../register-agency/register-agency.handler';
import { UpdateAgencyHandler } from '../update-agency/update-agency.handler';
import { UpdateServiceHandler } from '../update-service/update-service.handler';
import { ImportDefaults, planImport, Rejection } from './hsds-import';

export interface ImportReport {
  organizations: { created: number; updated: number };
  services: { created: number; updated: number };
  rejected: Rejection[];
}

function reasonOf(error: unknown): string[] {
  if (error instanceof HttpException) {
    const body = error.getResponse() as { message?: string; errors?: string[] };
    return body.errors ?? [body.message ?? error.message];
  }
  return [(error as Error).message];
}

/**
 * Loads a directory published in HSDS 3 JSON: each valid record is written in its own transaction
 * (with its events), so one broken record never blocks, or half-writes, the others.
 */
@Injectable()
export class ImportHsdsHandler {
  private readonly logger = new Logger('HsdsImport');

  constructor(
    private readonly database: Database,
    private readonly registerAgency: RegisterAgencyHandler,
    private readonly updateAgency: UpdateAgencyHandler,
    private readonly offerService: OfferServiceHandler,
    private readonly updateService: UpdateServiceHandler,
  ) {}

  async execute(body: unknown, defaults: ImportDefaults, actor: Actor): Promise<ImportReport> {
    const db = this.database.dataSource.manager;
    const terms: { id: string; code: string }[] = await db.query('SELECT id, code FROM taxonomy_term');
    const plan = planImport(body, defaults, new Map(terms.map((t) => [t.code, t.id])));
    const report: ImportReport = { organizations: { created: 0, updated: 0 }, services: { created: 0, updated: 0 }, rejected: [...plan.rejected] };
    const agencyByHsdsId = new Map<string, string>();

    for (const [index, o] of plan.organizations.entries()) {
      try {
        const existing: { id: string }[] = await db.query('SELECT id FROM agency WHERE hsds_id = $1', [o.hsdsId]);
        if (existing.length > 0) {
          const { id: _slug, ...profile } = o.agency;
          await this.updateAgency.execute(existing[0].id, profile, actor);
          agencyByHsdsId.set(o.hsdsId, existing[0].id);
          report.organizations.updated += 1;
        } else {
          await this.registerAgency.execute(o.agency, actor, o.hsdsId);
          agencyByHsdsId.set(o.hsdsId, o.agency.id);
          report.organizations.created += 1;
        }
      } catch (error) {
        report.rejected.push({ kind: 'organization', index, id: o.hsdsId, name: o.agency.name, reasons: reasonOf(error) });
      }
    }

    for (const [index, s] of plan.services.entries()) {
      try {
        let agencyId = agencyByHsdsId.get(s.organizationHsdsId);
        if (!agencyId) {
          const found: { id: string }[] = await db.query('SELECT id FROM agency WHERE hsds_id = $1', [s.organizationHsdsId]);
          agencyId = found[0]?.id;
        }
        if (!agencyId) throw new Error(`organization_id: ${s.organizationHsdsId} is neither in this file nor in the directory`);
        const existing: { agency_id: string }[] = await db.query('SELECT agency_id FROM service WHERE id = $1', [s.id]);
        if (existing.length > 0) {
          if (existing[0].agency_id !== agencyId) throw new Error('id: a service with this id belongs to another agency');
          await this.updateService.update(s.id, s.service, actor, () => undefined);
          report.services.updated += 1;
        } else {
          await this.offerService.offer(agencyId, s.service, actor, s.id);
          report.services.created += 1;
        }
      } catch (error) {
        report.rejected.push({ kind: 'service', index, id: s.id, name: s.service.name, reasons: reasonOf(error) });
      }
    }
    this.logger.log(
      `imported ${report.organizations.created + report.organizations.updated} organizations and ${report.services.created + report.services.updated} services; rejected ${report.rejected.length} records`,
    );
    return report;
  }
}
