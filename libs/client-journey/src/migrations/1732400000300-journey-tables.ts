import { MigrationInterface, QueryRunner } from 'typeorm';

export class JourneyTables1732400000300 implements MigrationInterface {
  name = 'JourneyTables1732400000300';

  async up(q: QueryRunner): Promise<void> {
    // `seq` keeps the order events arrived in: one client's events share a partition, so this is their order.
    await q.query(`
      CREATE TABLE journey_entry (
        seq          bigserial PRIMARY KEY,
        event_id     uuid NOT NULL UNIQUE,
        client_id    text NOT NULL,
        event_type   text NOT NULL,
        occurred_at  timestamptz NOT NULL,
        agency_ids   text[] NOT NULL DEFAULT '{}',
        summary      text NOT NULL,
        details      jsonb NOT NULL
      )`);
    await q.query('CREATE INDEX journey_entry_client ON journey_entry (client_id, seq)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE journey_entry');
  }
}
