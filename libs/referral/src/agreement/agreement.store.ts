import { HttpStatus, Injectable } from '@nestjs/common';
import { Agreement, parseAgreement } from '@umbrella/agreement';
import { CodedHttpException, Database } from '@umbrella/platform';
import { EntityManager } from 'typeorm';

export interface AgreementVersionView {
  agreementId: string;
  version: string;
  effectiveFrom: string;
  publishedAt: string;
  publishedBy: string | null;
  active: boolean;
  document: Record<string, unknown>;
}

/**
 * The umbrella agreement in force and its published versions, as every decision reads them.
 * Versions are written by publishing one (commands/publish-agreement).
 */
@Injectable()
export class AgreementStore {
  private cache: { agreement: Agreement; at: number } | null = null;

  constructor(private readonly database: Database) {}

  /** The active agreement; cached briefly, so a newly published version is in force within a second. */
  async active(db: EntityManager = this.database.dataSource.manager): Promise<Agreement> {
    if (this.cache && Date.now() - this.cache.at < 1000) return this.cache.agreement;
    const rows: { document: unknown }[] = await db.query('SELECT document FROM agreement WHERE active');
    if (rows.length === 0) throw new CodedHttpException(HttpStatus.SERVICE_UNAVAILABLE, 'AGREEMENT.NOT_LOADED', 'No umbrella agreement is in force yet; try again shortly.');
    const parsed = parseAgreement(rows[0].document);
    if (!parsed.ok) throw new Error(`the active agreement in the database is invalid: ${parsed.problems.join('; ')}`);
    this.cache = { agreement: parsed.agreement, at: Date.now() };
    return parsed.agreement;
  }

  /** A version published on this instance is in force here at once. */
  forget(): void {
    this.cache = null;
  }

  async list(): Promise<AgreementVersionView[]> {
    const rows: Record<string, unknown>[] = await this.database.dataSource.query('SELECT * FROM agreement ORDER BY published_at DESC');
    return rows.map(toAgreementVersionView);
  }

  async get(version: string): Promise<AgreementVersionView> {
    const rows: Record<string, unknown>[] = await this.database.dataSource.query('SELECT * FROM agreement WHERE version = $1', [version]);
    if (rows.length === 0) throw new CodedHttpException(HttpStatus.NOT_FOUND, 'AGREEMENT.NOT_FOUND', 'No such version of the agreement.');
    return toAgreementVersionView(rows[0]);
  }
}

export function toAgreementVersionView(r: Record<string, unknown>): AgreementVersionView {
  return {
    agreementId: r.agreement_id as string,
    version: r.version as string,
    effectiveFrom: r.effective_from as string,
    publishedAt: (r.published_at as Date).toISOString(),
    publishedBy: (r.published_by as string | null) ?? null,
    active: r.active as boolean,
    document: r.document as Record<string, unknown>,
  };
}
