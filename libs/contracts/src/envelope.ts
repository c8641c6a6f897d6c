import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

export const PRODUCERS = ['referral', 'agency-directory', 'client-journey', 'reporting'] as const;
export type Producer = (typeof PRODUCERS)[number];

/** Who caused an event: consumers attribute actions from here, never from the payload. */
export interface Actor {
  readonly userId: string;
  readonly agencyId?: string;
  readonly role?: string;
}

/**
 * Every event on every topic travels in this envelope. Events carry pseudonymous ids only:
 * no names, addresses or other personal data ever appear in `data`.
 */
export interface EventEnvelope<TType extends string = string, TData = unknown> {
  /** Unique; consumers deduplicate on it. */
  readonly eventId: string;
  /** Past tense, e.g. `ReferralRequested`. */
  readonly type: TType;
  readonly schemaVersion: number;
  readonly occurredAt: string;
  readonly producer: Producer;
  readonly correlationId: string;
  readonly causationId: string | null;
  /** The message key: client id for client-scoped events, agency id for agency-scoped ones. */
  readonly key: string;
  /** Set on decisions taken under the umbrella agreement. */
  readonly agreementVersion?: string;
  readonly actor?: Actor;
  readonly data: TData;
}

export class ActorDto implements Actor {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  userId: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  agencyId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(50)
  role?: string;
}

/** The envelope as validated on the way in; `data` is validated against the contract of its type. */
export class EventEnvelopeDto implements EventEnvelope {
  @IsUUID()
  eventId: string;

  @IsString()
  @Matches(/^[A-Z][A-Za-z]+$/, { message: 'type must be a PascalCase past-tense event name' })
  type: string;

  @IsInt()
  @Min(1)
  schemaVersion: number;

  @IsISO8601({ strict: true })
  occurredAt: string;

  @IsIn(PRODUCERS)
  producer: Producer;

  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  correlationId: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  causationId: string | null;

  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  key: string;

  @IsOptional()
  @IsString()
  @MaxLength(50)
  agreementVersion?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => ActorDto)
  actor?: ActorDto;

  @IsDefined()
  @IsObject()
  data: Record<string, unknown>;
}
