import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tables every service needs to take part in at-least-once delivery: the outbox (events
 * waiting to be published, in commit order), the inbox (events already handled, per consumer)
 * and the dead letters a consumer gave up on.
 */
export class MessagingTables1732400000000 implements MigrationInterface {
  name = 'MessagingTables1732400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox (
        id           bigserial PRIMARY KEY,
        event_id     uuid NOT NULL UNIQUE,
        topic        text NOT NULL,
        message_key  text NOT NULL,
        event_type   text NOT NULL,
        envelope     jsonb NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
    await q.query(`CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL`);
    await q.query(`
      CREATE TABLE inbox (
        consumer     text NOT NULL,
        event_id     uuid NOT NULL,
        event_type   text NOT NULL,
        handled_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`);
    await q.query(`
      CREATE TABLE dead_letter (
        id              bigserial PRIMARY KEY,
        consumer        text NOT NULL,
        topic           text NOT NULL,
        kafka_partition int NOT NULL,
        kafka_offset    text NOT NULL,
        message_key     text,
        event_id        text,
        event_type      text,
        reason          text NOT NULL,
        payload         text NOT NULL,
        failed_at       timestamptz NOT NULL DEFAULT now(),
        UNIQUE (consumer, topic, kafka_partition, kafka_offset)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE dead_letter');
    await q.query('DROP TABLE inbox');
    await q.query('DROP TABLE outbox');
  }
}
