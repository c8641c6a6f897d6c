import { readFileSync } from 'node:fs';
import { createRemoteJWKSet, errors, importSPKI, JWTPayload, jwtVerify, JWTVerifyGetKey, KeyLike } from 'jose';
import { ALLOWED_ALGORITHMS, AuthConfig } from '../config';
import { isRole, Principal } from './principal';

/** Why a token was refused; each reason is a stable error code of the API. */
export type TokenProblem =
  | 'AUTH.TOKEN_MISSING'
  | 'AUTH.TOKEN_MALFORMED'
  | 'AUTH.TOKEN_EXPIRED'
  | 'AUTH.TOKEN_SIGNATURE_INVALID'
  | 'AUTH.TOKEN_ISSUER_INVALID'
  | 'AUTH.TOKEN_AUDIENCE_INVALID'
  | 'AUTH.TOKEN_CLAIMS_INVALID';

export class TokenRefused extends Error {
  constructor(readonly code: TokenProblem, message: string) {
    super(message);
    this.name = 'TokenRefused';
  }
}

type KeyResolver = JWTVerifyGetKey;

const AGENCY_ID = /^[a-z0-9][a-z0-9-]{1,99}$/;

function claimAt(payload: JWTPayload, path: string): unknown {
  return path.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), payload);
}

/**
 * Verifies bearer tokens with `jose` against the configured public key or JWKS, checking issuer,
 * audience, expiry and an asymmetric algorithm, then maps the claims to a Principal.
 */
export class TokenVerifier {
  private constructor(
    private readonly key: KeyResolver,
    private readonly config: AuthConfig,
    private readonly algorithms: string[],
  ) {}

  static async create(config: AuthConfig): Promise<TokenVerifier> {
    const algorithms = (config.AUTH_ALGORITHMS ?? 'RS256').split(',');
    for (const alg of algorithms) {
      if (!(ALLOWED_ALGORITHMS as readonly string[]).includes(alg)) throw new Error(`AUTH_ALGORITHMS: ${alg} is not allowed`);
    }
    let key: KeyResolver;
    if (config.AUTH_JWKS_URL) {
      key = createRemoteJWKSet(new URL(config.AUTH_JWKS_URL), { cooldownDuration: 30_000, cacheMaxAge: 600_000 });
    } else {
      let pem: string;
      try {
        pem = readFileSync(config.AUTH_PUBLIC_KEY_FILE as string, 'utf8');
      } catch (error) {
        throw new Error(`AUTH_PUBLIC_KEY_FILE: cannot read ${config.AUTH_PUBLIC_KEY_FILE}: ${(error as Error).message}`);
      }
      try {
        const publicKey: KeyLike = await importSPKI(pem, algorithms[0]);
        key = async () => publicKey;
      } catch (error) {
        throw new Error(`AUTH_PUBLIC_KEY_FILE: not a PEM public key for ${algorithms[0]}: ${(error as Error).message}`);
      }
    }
    return new TokenVerifier(key, config, algorithms);
  }

  async verify(token: string | undefined): Promise<Principal> {
    if (!token) throw new TokenRefused('AUTH.TOKEN_MISSING', 'A bearer token is required.');
    if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) {
      throw new TokenRefused('AUTH.TOKEN_MALFORMED', 'The bearer token is not a signed JWT.');
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        issuer: this.config.AUTH_ISSUER,
        audience: this.config.AUTH_AUDIENCE,
        algorithms: this.algorithms,
        requiredClaims: ['sub', 'exp'],
        clockTolerance: 5,
      }));
    } catch (error) {
      throw this.refusal(error);
    }
    return this.principal(payload);
  }

  private refusal(error: unknown): TokenRefused {
    if (error instanceof errors.JWTExpired) return new TokenRefused('AUTH.TOKEN_EXPIRED', 'The token has expired.');
    if (error instanceof errors.JWTClaimValidationFailed) {
      if (error.claim === 'iss') return new TokenRefused('AUTH.TOKEN_ISSUER_INVALID', 'The token was not issued by the trusted issuer.');
      if (error.claim === 'aud') return new TokenRefused('AUTH.TOKEN_AUDIENCE_INVALID', 'The token is not meant for this API.');
      return new TokenRefused('AUTH.TOKEN_CLAIMS_INVALID', `The token's ${error.claim} claim is invalid.`);
    }
    if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) {
      return new TokenRefused('AUTH.TOKEN_SIGNATURE_INVALID', 'The token signature is not valid.');
    }
    if (error instanceof errors.JOSEAlgNotAllowed) return new TokenRefused('AUTH.TOKEN_SIGNATURE_INVALID', 'The token is not signed with an accepted algorithm.');
    return new TokenRefused('AUTH.TOKEN_MALFORMED', 'The bearer token could not be read.');
  }

  private principal(payload: JWTPayload): Principal {
    const rawRoles = claimAt(payload, this.config.AUTH_ROLES_CLAIM ?? 'roles');
    const roles = (Array.isArray(rawRoles) ? rawRoles : typeof rawRoles === 'string' ? rawRoles.split(' ') : []).filter(isRole);
    const rawAgency = claimAt(payload, this.config.AUTH_AGENCY_CLAIM ?? 'agency_id');
    if (rawAgency !== undefined && (typeof rawAgency !== 'string' || !AGENCY_ID.test(rawAgency))) {
      throw new TokenRefused('AUTH.TOKEN_CLAIMS_INVALID', 'The token carries an invalid agency.');
    }
    if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > 200) {
      throw new TokenRefused('AUTH.TOKEN_CLAIMS_INVALID', 'The token carries an invalid subject.');
    }
    return { userId: payload.sub, agencyId: (rawAgency as string | undefined) ?? null, roles };
  }
}
