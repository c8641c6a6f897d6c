import { HttpStatus, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Agreement, agreementDocument, parseAgreement, SHIPPED_AGREEMENT_V1 } from '@umbrella/agreement';
import { Actor } from '@umbrella/contracts';
import { EventPublisher, newEvent } from '@umbrella/messaging';
import { CodedHttpException, Database } from '@umbrella/platform';
import { readFileSync } from 'node:fs';
import { EntityManager } from 'typeorm';
import { AgreementStore, AgreementVersionView, toAgreementVersionView } from '../../agreement/agreement.store';

/** Version 1 as shipped in the repository (libs/agreement/agreements). */
export function shippedAgreementText(): string {
  return readFileSync(SHIPPED_AGREEMENT_V1, 'utf8');
}

const SEED_LOCK = 7_211_010;

/**
 * The referral service owns the umbrella agreement: a coordinator publishes a new version here, it
 * becomes active at once and is announced on the agreements topic. Version 1, as shipped, is
 * published the same way when the service starts on a database that has none.
 */
@Injectable()
export class PublishAgreementHandler implements OnApplicationBootstrap {
  private readonly logger = new Logger('Agreement');

  constructor(
    private readonly database: Database,
    private readonly publisher: EventPublisher,
    private readonly agreements: AgreementStore,
  ) {}

  onApplicationBootstrap(): void {
    void this.database.whenReady().then(() => this.seed().catch((error) => this.logger.error(`cannot load the shipped agreement: ${(error as Error).message}`)));
  }

  /** Loads version 1 when no agreement has been published yet (once, whatever the number of instances). */
  async seed(): Promise<void> {
    const parsed = parseAgreement(shippedAgreementText());
    if (!parsed.ok) throw new Error(`the shipped agreement is invalid: ${parsed.problems.join('; ')}`);
    const published = await this.database.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK]);
      const [{ n }] = await tx.query('SELECT count(*)::int AS n FROM agreement');
      if (n > 0) return false;
      await this.insert(tx, parsed.agreement, null);
      return true;
    });
    if (published) {
      this.logger.log(`loaded ${parsed.agreement.id} version ${parsed.agreement.version} as the active agreement`);
    }
  }

  async publish(document: unknown, actor: Actor): Promise<AgreementVersionView> {
    const parsed = parseAgreement(document);
    if (!parsed.ok) {
      throw new CodedHttpException(HttpStatus.BAD_REQUEST, 'AGREEMENT.INVALID', 'The agreement document is invalid; see errors for every problem.', parsed.problems);
    }
    const view = await this.database.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK]);
      const existing: unknown[] = await tx.query('SELECT 1 FROM agreement WHERE version = $1', [parsed.agreement.version]);
      if (existing.length > 0) {
        throw new CodedHttpException(HttpStatus.CONFLICT, 'AGREEMENT.VERSION_EXISTS', `Version ${parsed.agreement.version} has already been published; a change needs a new version.`);
      }
      return this.insert(tx, parsed.agreement, actor);
    });
    this.agreements.forget();
    return view;
  }

  private async insert(tx: EntityManager, agreement: Agreement, actor: Actor | null): Promise<AgreementVersionView> {
    await tx.query('UPDATE agreement SET active = false WHERE active');
    const document = agreementDocument(agreement);
    const [row] = await tx.query(
      `INSERT INTO agreement (version, agreement_id, document, effective_from, published_at, published_by, active)
       VALUES ($1, $2, $3::jsonb, $4, now(), $5, true) RETURNING *`,
      [agreement.version, agreement.id, JSON.stringify(document), agreement.effectiveFrom, actor?.userId ?? null],
    );
    await this.publisher.publish(tx, [
      newEvent({
        type: 'AgreementPublished',
        producer: 'referral',
        agreementVersion: agreement.version,
        ...(actor ? { actor } : {}),
        data: { agreementId: agreement.id, version: agreement.version, effectiveFrom: agreement.effectiveFrom, document, publishedAt: (row.published_at as Date).toISOString() },
      }),
    ]);
    return toAgreementVersionView(row);
  }
}
