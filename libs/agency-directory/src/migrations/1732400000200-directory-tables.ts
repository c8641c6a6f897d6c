import { MigrationInterface, QueryRunner } from 'typeorm';

export class DirectoryTables1732400000200 implements MigrationInterface {
  name = 'DirectoryTables1732400000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE agency (
        id               text PRIMARY KEY,
        name             text NOT NULL,
        description      text NOT NULL DEFAULT '',
        stakeholder_type text NOT NULL,
        region           text NOT NULL,
        created_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX agency_region ON agency (region)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE agency');
  }
}
