import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { HeadersTimeoutSetting, KeepAliveTimeoutSetting } from '@umbrella/platform';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);
const URL_OPTIONS = { require_tld: false, protocols: ['http', 'https'], require_protocol: true };

/**
 * The portal's settings. It owns no data: it needs the four services' addresses, a secret that
 * seals its cookies, and one way of signing people in — an OpenID Connect provider in
 * production, or the local development key (only then is the demo sign-in page served).
 */
export class PortalConfig {
  @Transform(toInt)
  @IsInt({ message: 'PORT must be an integer between 1 and 65535' })
  @Min(1, { message: 'PORT must be an integer between 1 and 65535' })
  @Max(65535, { message: 'PORT must be an integer between 1 and 65535' })
  PORT: number;

  @IsOptional()
  @Matches(/^[A-Za-z0-9.:-]+$/, { message: 'HOST must be an interface address or host name' })
  HOST?: string;

  @IsOptional()
  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'], { message: 'LOG_LEVEL must be one of error, warn, log, debug, verbose' })
  LOG_LEVEL?: 'error' | 'warn' | 'log' | 'debug' | 'verbose';

  /** As on the services: kept-alive connections outlive a load balancer's idle timeout. */
  @KeepAliveTimeoutSetting()
  HTTP_KEEP_ALIVE_TIMEOUT_MS?: number;

  @HeadersTimeoutSetting()
  HTTP_HEADERS_TIMEOUT_MS?: number;

  @IsUrl(URL_OPTIONS, { message: 'REFERRAL_URL must be the referral service base URL' })
  REFERRAL_URL: string;

  @IsUrl(URL_OPTIONS, { message: 'AGENCY_DIRECTORY_URL must be the agency-directory service base URL' })
  AGENCY_DIRECTORY_URL: string;

  @IsUrl(URL_OPTIONS, { message: 'CLIENT_JOURNEY_URL must be the client-journey service base URL' })
  CLIENT_JOURNEY_URL: string;

  @IsUrl(URL_OPTIONS, { message: 'REPORTING_URL must be the reporting service (or dashboard) URL analysts are sent to' })
  REPORTING_URL: string;

  /** Seals the draft and sign-in cookies (AES-256-GCM) and keys the sign-in form's token; at least 32 characters. */
  @IsString({ message: 'PORTAL_SESSION_SECRET must be set (at least 32 random characters)' })
  @MinLength(32, { message: 'PORTAL_SESSION_SECRET must be at least 32 characters' })
  PORTAL_SESSION_SECRET: string;

  /**
   * The portal's own origin as browsers see it (`https://portal.example.org`): a form post whose
   * `Origin` is another is refused. Unset, the origin must name the host the request was sent to
   * (its `Host` header); set it wherever a proxy may rewrite `Host`.
   */
  @IsOptional()
  @Matches(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, { message: 'PORTAL_ORIGIN must be an origin: scheme, host and port only (https://portal.example.org)' })
  PORTAL_ORIGIN?: string;

  /** At most this many signed-in sessions are kept in memory; past it the least recently used is ended. */
  @Transform(toInt)
  @IsOptional()
  @IsInt({ message: 'PORTAL_MAX_SESSIONS must be an integer between 100 and 1000000' })
  @Min(100, { message: 'PORTAL_MAX_SESSIONS must be an integer between 100 and 1000000' })
  @Max(1_000_000, { message: 'PORTAL_MAX_SESSIONS must be an integer between 100 and 1000000' })
  PORTAL_MAX_SESSIONS?: number;

  /** Local development only: the private key the demo sign-in page signs tokens with. */
  @ValidateIf((c: PortalConfig) => !c.OIDC_ISSUER)
  @IsString({ message: 'set OIDC_ISSUER (production) or PORTAL_LOCAL_SIGNING_KEY_FILE (local development)' })
  @IsNotEmpty({ message: 'set OIDC_ISSUER (production) or PORTAL_LOCAL_SIGNING_KEY_FILE (local development)' })
  PORTAL_LOCAL_SIGNING_KEY_FILE?: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  PORTAL_LOCAL_ISSUER?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  PORTAL_LOCAL_AUDIENCE?: string;

  @IsOptional()
  @IsUrl(URL_OPTIONS, { message: 'OIDC_ISSUER must be the identity provider issuer URL' })
  OIDC_ISSUER?: string;

  @ValidateIf((c: PortalConfig) => !!c.OIDC_ISSUER)
  @IsString({ message: 'OIDC_CLIENT_ID must be set with OIDC_ISSUER' })
  @IsNotEmpty({ message: 'OIDC_CLIENT_ID must be set with OIDC_ISSUER' })
  OIDC_CLIENT_ID?: string;

  @ValidateIf((c: PortalConfig) => !!c.OIDC_ISSUER)
  @IsUrl(URL_OPTIONS, { message: 'OIDC_REDIRECT_URI must be this portal’s /oidc/callback URL' })
  OIDC_REDIRECT_URI?: string;

  @IsOptional()
  @IsString()
  OIDC_CLIENT_SECRET?: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  OIDC_SCOPE?: string;

  /** Claim paths, as the services read them. */
  @IsOptional() @IsString() AUTH_ROLES_CLAIM?: string;
  @IsOptional() @IsString() AUTH_AGENCY_CLAIM?: string;
}

export const LOCAL_ISSUER = 'urn:umbrella:local-development';
export const LOCAL_AUDIENCE = 'umbrella';
