import { ServiceConfig } from '@umbrella/platform';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/**
 * k: the fewest distinct clients a published figure may rest on. Five, as statistical offices
 * commonly publish; at least three, because with two either client's agency could take its own
 * client away and read the other's.
 */
export const DEFAULT_REPORT_MIN_CLIENTS = 5;
export const REPORT_MIN_CLIENTS_RANGE = { min: 3, max: 1000 } as const;

const MESSAGE = `REPORT_MIN_CLIENTS must be an integer between ${REPORT_MIN_CLIENTS_RANGE.min} and ${REPORT_MIN_CLIENTS_RANGE.max} (the fewest distinct clients a published figure may rest on; default ${DEFAULT_REPORT_MIN_CLIENTS})`;

/** reporting's settings: the platform's, plus the small-cell threshold of every report. */
export class ReportingConfig extends ServiceConfig {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsOptional()
  @IsInt({ message: MESSAGE })
  @Min(REPORT_MIN_CLIENTS_RANGE.min, { message: MESSAGE })
  @Max(REPORT_MIN_CLIENTS_RANGE.max, { message: MESSAGE })
  REPORT_MIN_CLIENTS?: number;
}

/** What the report service needs of the configuration. */
export interface ReportSettings {
  readonly minimumClients: number;
}

export const REPORT_SETTINGS = Symbol('REPORT_SETTINGS');

export function reportSettings(config: ReportingConfig): ReportSettings {
  return { minimumClients: config.REPORT_MIN_CLIENTS ?? DEFAULT_REPORT_MIN_CLIENTS };
}
