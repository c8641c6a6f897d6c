import { ServiceConfig } from '@umbrella/platform';
import { ValidateBy } from 'class-validator';

const KEY_MESSAGE = 'CLIENT_DATA_KEY must be set to 32 random bytes, base64-encoded (e.g. `openssl rand -base64 32`)';

/** client-journey's settings: the platform's, plus the key that protects clients' personal data. */
export class ClientJourneyConfig extends ServiceConfig {
  /** Master key for personal data at rest (AES-256-GCM) and the duplicate-detection blind index. No default: losing it loses the data. */
  @ValidateBy({
    name: 'isClientDataKey',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && /^[A-Za-z0-9+/]{43}=$/.test(value) && Buffer.from(value, 'base64').length === 32,
      defaultMessage: () => KEY_MESSAGE,
    },
  })
  CLIENT_DATA_KEY: string;
}
