import { ApiProperty } from '@nestjs/swagger';
import { IHeaders } from 'kafkajs';
import { DataSource, EntityManager } from 'typeorm';
import { bytesAsText, isStorableText, storableText, textOrBase64 } from './message-bytes';

/**
 * Why a message was dead-lettered, as a stable code shared by the `dead_letter` table, the
 * `dlq-code` header, `GET /dead-letters` and the README.
 */
export const DEAD_LETTER_CODES = {
  'MESSAGE.NO_VALUE': 'the message has no value (null, a tombstone) or an empty one',
  'MESSAGE.TOO_LARGE': 'the value is over the consumer’s size limit',
  'MESSAGE.NOT_UTF8': 'the value is not valid UTF-8',
  'MESSAGE.NOT_JSON': 'the value is not JSON',
  'MESSAGE.TOO_DEEP': 'the value nests arrays and objects deeper than the limit',
  'MESSAGE.UNSTORABLE_TEXT': 'a string in the value holds a NUL or a lone surrogate',
  'MESSAGE.INVALID_EVENT': 'not an event envelope, an unknown type or version, or data its contract refuses',
  'MESSAGE.KEY_MISMATCH': 'the message key is not the envelope’s key',
  'MESSAGE.UNREADABLE': 'reading the message failed in an unexpected way',
  'HANDLER.FAILED': 'the handler kept failing after bounded retries, or refused the event',
} as const;

export type DeadLetterCode = keyof typeof DEAD_LETTER_CODES;

/** A message as a consumer read it from Kafka: bytes, not yet an event. */
export interface RawMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: IHeaders;
}

/** What a consumer gave up on, exactly as it arrived, and why. */
export interface DeadLetter extends RawMessage {
  readonly consumer: string;
  readonly eventId?: string | null;
  readonly eventType?: string | null;
  readonly code: DeadLetterCode;
  readonly reason: string;
}

/** Reasons are cut here in the table, and shorter in the `dlq-reason` header. */
export const MAX_REASON_LENGTH = 4000;

export class DeadLetterHeaderView {
  @ApiProperty({ nullable: true, type: String, description: 'the header name, when it is text PostgreSQL can hold' }) name: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'the name in UTF-8, base64, when it is not' }) nameBase64: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'the value as text, when it is valid UTF-8 without NUL' }) value: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'the value’s bytes, base64, when it is not (both null: no value)' }) valueBase64: string | null;
}

/** The message's headers as stored: each name and value as text, or base64 when not text. */
export function headerViews(headers: IHeaders | undefined): DeadLetterHeaderView[] {
  const views: DeadLetterHeaderView[] = [];
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const nameView = isStorableText(name) ? { name, nameBase64: null } : { name: null, nameBase64: Buffer.from(name, 'utf8').toString('base64') };
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      if (value === undefined || value === null) {
        views.push({ ...nameView, value: null, valueBase64: null });
        continue;
      }
      const shown = textOrBase64(typeof value === 'string' ? Buffer.from(value, 'utf8') : value);
      views.push({ ...nameView, value: shown.text, valueBase64: shown.base64 });
    }
  }
  return views;
}

const INSERT = `INSERT INTO dead_letter
    (consumer, topic, kafka_partition, kafka_offset, message_key, message_key_bytes, headers, event_id, event_type, code, reason, payload)
  VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12)
  ON CONFLICT (consumer, topic, kafka_partition, kafka_offset) DO NOTHING`;

/**
 * Records a dead letter. Every column holds what it is given as it is, or as bytes: the key as
 * text or (when it is not text) as bytea, the value as bytea, header names and values as text or
 * base64, and the reason with any NUL written out. Recording the same message twice (a redelivery)
 * keeps the first row.
 */
export async function insertDeadLetter(db: DataSource | EntityManager, letter: DeadLetter): Promise<void> {
  const keyText = letter.key === null ? null : bytesAsText(letter.key);
  await db.query(INSERT, [
    storableText(letter.consumer),
    storableText(letter.topic),
    letter.partition,
    letter.offset,
    keyText,
    letter.key !== null && keyText === null ? letter.key : null,
    JSON.stringify(headerViews(letter.headers)),
    letter.eventId == null ? null : storableText(letter.eventId),
    letter.eventType == null ? null : storableText(letter.eventType),
    letter.code,
    storableText(letter.reason).slice(0, MAX_REASON_LENGTH),
    letter.value,
  ]);
}

/**
 * The row that can always be stored, should the full one be refused: where the message was and
 * why, without its bytes (they stay on the dead-letter topic).
 */
export async function insertBareDeadLetter(db: DataSource | EntityManager, letter: DeadLetter, refusal: string): Promise<void> {
  await insertDeadLetter(db, {
    consumer: letter.consumer,
    topic: letter.topic,
    partition: letter.partition,
    offset: letter.offset,
    key: null,
    value: null,
    code: letter.code,
    reason: `${letter.reason} (the message itself could not be stored: ${refusal})`,
  });
}

/** How much of each value `GET /dead-letters` shows; the whole is in `dead_letter.payload` and on the dead-letter topic. */
export const PAYLOAD_PREVIEW_BYTES = 16 * 1024;

export class DeadLetterView {
  @ApiProperty() id: string;
  @ApiProperty() consumer: string;
  @ApiProperty() topic: string;
  @ApiProperty() partition: number;
  @ApiProperty() offset: string;
  @ApiProperty({ nullable: true, type: String, description: 'the message key as text; null when there is none or it is not text' }) key: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'the key’s bytes, base64, when it is not text (valid UTF-8 without NUL)' }) keyBase64: string | null;
  @ApiProperty({ nullable: true, type: String }) eventId: string | null;
  @ApiProperty({ nullable: true, type: String }) eventType: string | null;
  @ApiProperty({ nullable: true, type: String, enum: Object.keys(DEAD_LETTER_CODES), description: 'null for letters recorded before codes existed' }) code: string | null;
  @ApiProperty() reason: string;
  @ApiProperty({ type: [DeadLetterHeaderView] }) headers: DeadLetterHeaderView[];
  @ApiProperty({ nullable: true, type: String, description: `the value as text (its first ${PAYLOAD_PREVIEW_BYTES} bytes), when it is text` }) payload: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'the value’s bytes (as many), base64, when it is not text' }) payloadBase64: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'the size of the value in bytes; null when the message had none' }) payloadBytes: number | null;
  @ApiProperty({ description: 'whether the value is longer than what is shown' }) payloadTruncated: boolean;
  @ApiProperty() failedAt: string;
}

export interface DeadLetterQuery {
  readonly consumer?: string;
  readonly limit?: number;
}

interface DeadLetterRow {
  id: string;
  consumer: string;
  topic: string;
  kafka_partition: number;
  kafka_offset: string;
  message_key: string | null;
  message_key_bytes: Buffer | null;
  headers: unknown;
  event_id: string | null;
  event_type: string | null;
  code: string | null;
  reason: string;
  payload_head: Buffer | null;
  payload_bytes: number | null;
  failed_at: Date;
}

/** The dead letters, newest first. */
export async function listDeadLetters(db: DataSource | EntityManager, query: DeadLetterQuery): Promise<DeadLetterView[]> {
  const rows: DeadLetterRow[] = await db.query(
    `SELECT id::text, consumer, topic, kafka_partition, kafka_offset, message_key, message_key_bytes, headers, event_id, event_type,
            code, reason, substring(payload FROM 1 FOR $3) AS payload_head, octet_length(payload) AS payload_bytes, failed_at
       FROM dead_letter WHERE ($1::text IS NULL OR consumer = $1) ORDER BY id DESC LIMIT $2`,
    [query.consumer ?? null, query.limit ?? 100, PAYLOAD_PREVIEW_BYTES],
  );
  return rows.map((r) => {
    const truncated = r.payload_bytes !== null && r.payload_bytes > PAYLOAD_PREVIEW_BYTES;
    const payload = r.payload_head === null ? { text: null, base64: null } : preview(r.payload_head, truncated);
    return {
      id: r.id,
      consumer: r.consumer,
      topic: r.topic,
      partition: r.kafka_partition,
      offset: r.kafka_offset,
      key: r.message_key,
      keyBase64: r.message_key_bytes?.toString('base64') ?? null,
      eventId: r.event_id,
      eventType: r.event_type,
      code: r.code,
      reason: r.reason,
      headers: Array.isArray(r.headers) ? r.headers.filter(isHeaderView) : [],
      payload: payload.text,
      payloadBase64: payload.base64,
      payloadBytes: r.payload_bytes,
      payloadTruncated: truncated,
      failedAt: r.failed_at.toISOString(),
    };
  });
}

/** The head of a value, as text when it is text; a cut may split the last character, which is then left out. */
function preview(head: Buffer, truncated: boolean): { text: string | null; base64: string | null } {
  for (let cut = 0; cut <= (truncated ? 3 : 0) && cut < head.length; cut += 1) {
    const text = bytesAsText(head.subarray(0, head.length - cut));
    if (text !== null) return { text, base64: null };
  }
  return head.length === 0 ? { text: '', base64: null } : { text: null, base64: head.toString('base64') };
}

function isHeaderView(value: unknown): value is DeadLetterHeaderView {
  if (typeof value !== 'object' || value === null) return false;
  const fields: unknown[] = ['name', 'nameBase64', 'value', 'valueBase64'].map((f) => Reflect.get(value, f));
  return fields.every((f) => f === null || typeof f === 'string');
}
