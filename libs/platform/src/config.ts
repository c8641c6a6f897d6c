import { ClassConstructor, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  Validate,
  ValidateIf,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { validatePlain } from '@umbrella/contracts';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);

export { ROLES } from '@umbrella/contracts/vocabulary';
export type { Role } from '@umbrella/contracts/vocabulary';

/** Asymmetric algorithms only: a shared-secret (HS*) or unsigned (`none`) token is never accepted. */
export const ALLOWED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

const CLAIM_PATH = /^[A-Za-z_][A-Za-z0-9_:/.-]{0,99}$/;

/**
 * How bearer tokens are verified. An identity provider (Keycloak, Entra ID, Auth0…) plugs in by
 * configuration: its issuer, the audience of our API, and its JWKS URL or public key.
 */
export class AuthConfig {
  @IsString({ message: 'AUTH_ISSUER must be set (the iss claim tokens must carry)' })
  @IsNotEmpty({ message: 'AUTH_ISSUER must not be empty' })
  @MaxLength(500, { message: 'AUTH_ISSUER must be at most 500 characters' })
  AUTH_ISSUER: string;

  @IsString({ message: 'AUTH_AUDIENCE must be set (the aud claim tokens must carry)' })
  @IsNotEmpty({ message: 'AUTH_AUDIENCE must not be empty' })
  @MaxLength(200, { message: 'AUTH_AUDIENCE must be at most 200 characters' })
  AUTH_AUDIENCE: string;

  @ValidateIf((c: AuthConfig) => !c.AUTH_PUBLIC_KEY_FILE)
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'AUTH_JWKS_URL must be an http(s) URL (or set AUTH_PUBLIC_KEY_FILE instead)' })
  AUTH_JWKS_URL?: string;

  @ValidateIf((c: AuthConfig) => !c.AUTH_JWKS_URL)
  @IsNotEmpty({ message: 'AUTH_PUBLIC_KEY_FILE must be set to a PEM public key file (or set AUTH_JWKS_URL instead)' })
  @IsString({ message: 'AUTH_PUBLIC_KEY_FILE must be set to a PEM public key file (or set AUTH_JWKS_URL instead)' })
  AUTH_PUBLIC_KEY_FILE?: string;

  @IsOptional()
  @Matches(new RegExp(`^(${ALLOWED_ALGORITHMS.join('|')})(,(${ALLOWED_ALGORITHMS.join('|')}))*$`), {
    message: `AUTH_ALGORITHMS must be a comma-separated list of ${ALLOWED_ALGORITHMS.join(', ')}`,
  })
  AUTH_ALGORITHMS?: string;

  /** Claim (or dotted path, e.g. `realm_access.roles` for Keycloak) holding the user's roles. */
  @IsOptional()
  @Matches(CLAIM_PATH, { message: 'AUTH_ROLES_CLAIM must be a claim name or dotted path' })
  AUTH_ROLES_CLAIM?: string;

  @IsOptional()
  @Matches(CLAIM_PATH, { message: 'AUTH_AGENCY_CLAIM must be a claim name or dotted path' })
  AUTH_AGENCY_CLAIM?: string;
}

/**
 * How long an idle kept-alive HTTP connection stays open. Above the idle timeout of a load balancer
 * or proxy in front (60 s is typical), so it is always the client side that closes an idle
 * connection: were the server to close one as the client reuses it, the client would get a reset
 * (`other side closed`) for a request that never arrived. Node's own default is 5 s.
 */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 65_000;

export interface HttpTimeoutSettings {
  HTTP_KEEP_ALIVE_TIMEOUT_MS?: number;
  HTTP_HEADERS_TIMEOUT_MS?: number;
}

/** The server's timeouts from the settings, defaults applied. */
export function httpTimeouts(settings: HttpTimeoutSettings): { keepAliveTimeoutMs: number; headersTimeoutMs: number } {
  const keepAliveTimeoutMs = settings.HTTP_KEEP_ALIVE_TIMEOUT_MS ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS;
  return { keepAliveTimeoutMs, headersTimeoutMs: settings.HTTP_HEADERS_TIMEOUT_MS ?? keepAliveTimeoutMs + 1000 };
}

/** Applies the timeouts to a listening Node HTTP server (Nest's or express's). */
export function applyHttpTimeouts(server: { keepAliveTimeout: number; headersTimeout: number }, settings: HttpTimeoutSettings): void {
  const { keepAliveTimeoutMs, headersTimeoutMs } = httpTimeouts(settings);
  server.keepAliveTimeout = keepAliveTimeoutMs;
  server.headersTimeout = headersTimeoutMs;
}

@ValidatorConstraint({ name: 'exceedsKeepAliveTimeout' })
class ExceedsKeepAliveTimeout implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    const keepAlive = (args.object as HttpTimeoutSettings).HTTP_KEEP_ALIVE_TIMEOUT_MS ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS;
    return typeof value === 'number' && (typeof keepAlive !== 'number' || value > keepAlive);
  }
}

const compose =
  (...decorators: PropertyDecorator[]): PropertyDecorator =>
  (target, key) => {
    for (const decorate of decorators) decorate(target, key);
  };

/** An optional integer setting within a range; the message names the variable and the range. */
const optionalInteger = (name: string, min: number, max: number, what = 'an integer'): PropertyDecorator => {
  const message = `${name} must be ${what} between ${min} and ${max}`;
  return compose(Transform(toInt), IsOptional(), IsInt({ message }), Min(min, { message }), Max(max, { message }));
};

const MILLISECONDS = 'an integer number of milliseconds';

/** `HTTP_KEEP_ALIVE_TIMEOUT_MS`, optional; shared by the services' and the portal's configuration. */
export const KeepAliveTimeoutSetting = (): PropertyDecorator => optionalInteger('HTTP_KEEP_ALIVE_TIMEOUT_MS', 1000, 900_000, MILLISECONDS);

/**
 * `HTTP_HEADERS_TIMEOUT_MS`, optional: above the keep-alive timeout, as load balancers' guides
 * advise, so an idle kept-alive connection is only ever ended by the keep-alive timer.
 */
export const HeadersTimeoutSetting = (): PropertyDecorator =>
  compose(
    optionalInteger('HTTP_HEADERS_TIMEOUT_MS', 1000, 900_000, MILLISECONDS),
    Validate(ExceedsKeepAliveTimeout, { message: 'HTTP_HEADERS_TIMEOUT_MS must be greater than HTTP_KEEP_ALIVE_TIMEOUT_MS (default 65000)' }),
  );

/** Settings every service reads from its environment. */
export class ServiceConfig extends AuthConfig {
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

  /** Connections this instance keeps to PostgreSQL; instances × pool size must stay under the server's max_connections. */
  @optionalInteger('DATABASE_POOL_SIZE', 2, 200)
  DATABASE_POOL_SIZE?: number;

  /** How long a request waits for a free connection before it is answered 503 DATABASE_BUSY. */
  @optionalInteger('DATABASE_POOL_WAIT_MS', 100, 60000)
  DATABASE_POOL_WAIT_MS?: number;

  /** How long a transaction waits for a lock (a client's turn, a row) before it is answered 503 DATABASE_BUSY. */
  @optionalInteger('DATABASE_LOCK_TIMEOUT_MS', 100, 60000)
  DATABASE_LOCK_TIMEOUT_MS?: number;

  /** Distinguishes instances of one service in logs and Kafka client ids. */
  @IsOptional()
  @IsString()
  @IsNotEmpty({ message: 'INSTANCE_ID must not be empty when set' })
  @Matches(/^[A-Za-z0-9._-]{1,50}$/, { message: 'INSTANCE_ID must be 1-50 letters, digits, dots, dashes or underscores' })
  INSTANCE_ID?: string;

  @KeepAliveTimeoutSetting()
  HTTP_KEEP_ALIVE_TIMEOUT_MS?: number;

  @HeadersTimeoutSetting()
  HTTP_HEADERS_TIMEOUT_MS?: number;
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
  const result = validatePlain(schema, plain, { strict: false, firstErrorOnly: true });
  if (!result.ok) {
    throw new ConfigError(result.errors.map((e) => e.replace(/^[A-Z0-9_]+: /, '')));
  }
  return result.value;
}
