import { ClassConstructor, Transform } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { validatePlain } from '@umbrella/contracts';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);

/** Settings every service reads from its environment. */
export class ServiceConfig {
  @Transform(toInt)
  @IsInt({ message: 'PORT must be an integer between 1 and 65535' })
  @Min(1, { message: 'PORT must be an integer between 1 and 65535' })
  @Max(65535, { message: 'PORT must be an integer between 1 and 65535' })
  PORT: number;

  /** Loopback by default; containers set 0.0.0.0. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9.:-]+$/, { message: 'HOST must be an interface address or host name' })
  HOST?: string;

  @IsString({ message: 'DATABASE_URL must be set (postgres://user@host:port/database)' })
  @Matches(/^postgres(ql)?:\/\/[^\s]+\/[A-Za-z0-9_]+(\?.*)?$/, {
    message: 'DATABASE_URL must look like postgres://user@host:port/database',
  })
  DATABASE_URL: string;

  @IsString({ message: 'KAFKA_BROKERS must be set (comma-separated host:port list)' })
  @Matches(/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}(,[A-Za-z0-9.\-_[\]:]+:\d{1,5})*$/, {
    message: 'KAFKA_BROKERS must be a comma-separated list of host:port',
  })
  KAFKA_BROKERS: string;

  @IsOptional()
  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'], { message: 'LOG_LEVEL must be one of error, warn, log, debug, verbose' })
  LOG_LEVEL?: 'error' | 'warn' | 'log' | 'debug' | 'verbose';

  /** Distinguishes instances of one service in logs and Kafka client ids. */
  @IsOptional()
  @IsString()
  @IsNotEmpty({ message: 'INSTANCE_ID must not be empty when set' })
  @Matches(/^[A-Za-z0-9._-]{1,50}$/, { message: 'INSTANCE_ID must be 1-50 letters, digits, dots, dashes or underscores' })
  INSTANCE_ID?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the environment at start-up. Only the variables the schema declares are
 * looked at; each problem names its variable, so an operator knows exactly what to fix.
 */
export function loadConfig<T extends object>(schema: ClassConstructor<T>, env: NodeJS.ProcessEnv, defaults: Partial<Record<keyof T, string>> = {}): T {
  const plain: Record<string, unknown> = {};
  for (const [name, fallback] of Object.entries(defaults)) plain[name] = fallback;
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') plain[name] = value;
  }
  const result = validatePlain(schema, plain, { strict: false });
  if (!result.ok) {
    throw new ConfigError(result.errors.map((e) => e.replace(/^[A-Z0-9_]+: /, '')));
  }
  return result.value;
}
