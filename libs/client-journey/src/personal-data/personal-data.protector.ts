import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { normaliseName } from './name-normalisation';

/** The only personal data Umbrella keeps about a client, and only in client-journey. */
export interface PersonalData {
  readonly name: string;
  readonly dateOfBirth: string;
  readonly contact: { readonly email?: string; readonly phone?: string };
  readonly postcode: string;
}

/** Personal data as stored: AES-256-GCM ciphertext with its nonce and tag. */
export interface SealedPersonalData {
  readonly keyVersion: number;
  readonly iv: Buffer;
  readonly authTag: Buffer;
  readonly ciphertext: Buffer;
}

export class PersonalDataUnreadable extends Error {}

/** Bumped when the master key is rotated; rows keep the version they were sealed with. */
const KEY_VERSION = 1;

/**
 * Seals personal data at rest and computes the blind index used to find duplicates without
 * decrypting anything. One master key (CLIENT_DATA_KEY) yields two independent keys by HKDF, so
 * the index key never encrypts and the encryption key never indexes.
 */
export class PersonalDataProtector {
  private readonly encryptionKey: Buffer;
  private readonly indexKey: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new RangeError('the client data key must be 32 bytes');
    this.encryptionKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'umbrella/client-journey/personal-data/aes-256-gcm/v1', 32));
    this.indexKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'umbrella/client-journey/blind-index/hmac-sha256/v1', 32));
  }

  static fromBase64(key: string): PersonalDataProtector {
    return new PersonalDataProtector(Buffer.from(key, 'base64'));
  }

  /** The client id is authenticated with the data, so a sealed row moved to another client fails to open. */
  seal(clientId: string, data: PersonalData): SealedPersonalData {
    return this.sealText(clientId, JSON.stringify(data));
  }

  open(clientId: string, sealed: SealedPersonalData): PersonalData {
    return JSON.parse(this.openText(clientId, sealed)) as PersonalData;
  }

  /**
   * A case note: free text about the client, sealed like their personal data. The note's id is
   * authenticated too, so a note moved to another client, or over another note, fails to open.
   */
  sealNote(clientId: string, noteId: string, text: string): SealedPersonalData {
    return this.sealText(noteContext(clientId, noteId), text);
  }

  openNote(clientId: string, noteId: string, sealed: SealedPersonalData): string {
    return this.openText(noteContext(clientId, noteId), sealed);
  }

  private sealText(associated: string, plain: string): SealedPersonalData {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    cipher.setAAD(Buffer.from(associated, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return { keyVersion: KEY_VERSION, iv, authTag: cipher.getAuthTag(), ciphertext };
  }

  private openText(associated: string, sealed: SealedPersonalData): string {
    if (sealed.keyVersion !== KEY_VERSION) throw new PersonalDataUnreadable(`sealed with key version ${sealed.keyVersion}, this service holds ${KEY_VERSION}`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, sealed.iv);
      decipher.setAAD(Buffer.from(associated, 'utf8'));
      decipher.setAuthTag(sealed.authTag);
      return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new PersonalDataUnreadable('personal data failed authentication (wrong key, or the row was altered)');
    }
  }

  /**
   * A keyed hash of the normalised name and the date of birth: equal for the same person however
   * the name was typed, useless to anyone without the key (no dictionary of names and birthdays).
   */
  blindIndex(name: string, dateOfBirth: string): Buffer {
    return createHmac('sha256', this.indexKey).update(`${normaliseName(name)}\u0000${dateOfBirth}`, 'utf8').digest();
  }
}

/** Distinct from any client id (which has no NUL), so a note's ciphertext never opens as a client's personal data. */
function noteContext(clientId: string, noteId: string): string {
  return `${clientId}\u0000note\u0000${noteId}`;
}
