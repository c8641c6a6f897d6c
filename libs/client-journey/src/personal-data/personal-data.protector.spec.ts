import { randomBytes } from 'node:crypto';
import { normaliseName } from './name-normalisation';
import { PersonalData, PersonalDataProtector, PersonalDataUnreadable } from './personal-data.protector';

const jane: PersonalData = { name: 'Jane Doe', dateOfBirth: '2003-05-14', contact: { email: 'jane@example.org', phone: '+44 7700 900123' }, postcode: 'NB1 4QT' };

describe('name normalisation', () => {
  it.each([
    ['case and surrounding spaces', '  JANE   doe ', 'Jane Doe'],
    ['accents', 'Zoë Brontë', 'Zoe Bronte'],
    ['letters NFKD keeps whole', 'Jürgen Straße', 'Jurgen Strasse'],
    ['apostrophes', "Siobhán O'Brien", 'Siobhan OBrien'],
    ['hyphens', 'Mary-Jane Smith', 'Mary Jane Smith'],
    ['family name first', 'Doe, Jane', 'Jane Doe'],
  ])('ignores %s', (_what, a, b) => {
    expect(normaliseName(a)).toBe(normaliseName(b));
  });

  it('still tells different names apart', () => {
    expect(normaliseName('Jane Doe')).not.toBe(normaliseName('Joan Doe'));
    expect(normaliseName('Jane Doe')).toBe('doe jane');
  });
});

describe('PersonalDataProtector', () => {
  const protector = new PersonalDataProtector(randomBytes(32));

  it('round-trips personal data through AES-256-GCM, with no plaintext in what is stored', () => {
    const sealed = protector.seal('c-1', jane);
    expect(protector.open('c-1', sealed)).toEqual(jane);
    const stored = Buffer.concat([sealed.iv, sealed.authTag, sealed.ciphertext]).toString('latin1');
    for (const secret of ['Jane', 'Doe', '2003-05-14', 'jane@example.org', '7700', 'NB1']) expect(stored).not.toContain(secret);
    expect(sealed.iv).toHaveLength(12);
  });

  it('uses a fresh nonce each time, so equal data never looks equal at rest', () => {
    const a = protector.seal('c-1', jane);
    const b = protector.seal('c-1', jane);
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
  });

  it('refuses to open data sealed for another client, altered, or under another key', () => {
    const sealed = protector.seal('c-1', jane);
    expect(() => protector.open('c-2', sealed)).toThrow(PersonalDataUnreadable);
    const tampered = Buffer.from(sealed.ciphertext);
    tampered[0] ^= 1;
    expect(() => protector.open('c-1', { ...sealed, ciphertext: tampered })).toThrow(PersonalDataUnreadable);
    expect(() => new PersonalDataProtector(randomBytes(32)).open('c-1', sealed)).toThrow(PersonalDataUnreadable);
  });

  it('derives one blind index for one person however the name is typed, and another for anyone else', () => {
    const index = protector.blindIndex('Jane Doe', '2003-05-14');
    expect(protector.blindIndex('  doe, JANE', '2003-05-14').equals(index)).toBe(true);
    expect(protector.blindIndex('Jane Doe', '2003-05-15').equals(index)).toBe(false);
    expect(protector.blindIndex('Joan Doe', '2003-05-14').equals(index)).toBe(false);
  });

  it('keys the blind index: another key gives another index, so a list of names and birthdays reveals nothing', () => {
    const other = new PersonalDataProtector(randomBytes(32));
    expect(other.blindIndex('Jane Doe', '2003-05-14').equals(protector.blindIndex('Jane Doe', '2003-05-14'))).toBe(false);
  });

  it('seals a case note for its client and note only, with no plaintext in what is stored', () => {
    const text = 'Jane Doe mentioned rent arrears; call 07700 900123 after 5pm.';
    const sealed = protector.sealNote('c-1', 'n-1', text);
    expect(protector.openNote('c-1', 'n-1', sealed)).toBe(text);
    const stored = Buffer.concat([sealed.iv, sealed.authTag, sealed.ciphertext]).toString('latin1');
    for (const secret of ['Jane', 'arrears', '07700']) expect(stored).not.toContain(secret);
    expect(() => protector.openNote('c-2', 'n-1', sealed)).toThrow(PersonalDataUnreadable);
    expect(() => protector.openNote('c-1', 'n-2', sealed)).toThrow(PersonalDataUnreadable);
    // a note never opens as the client's personal data, nor the other way round
    expect(() => protector.open('c-1', sealed)).toThrow(PersonalDataUnreadable);
    expect(() => protector.openNote('c-1', 'n-1', protector.seal('c-1', jane))).toThrow(PersonalDataUnreadable);
  });

  it('accepts only a 32-byte master key', () => {
    expect(() => new PersonalDataProtector(randomBytes(16))).toThrow(RangeError);
    expect(() => PersonalDataProtector.fromBase64(randomBytes(32).toString('base64'))).not.toThrow();
  });
});
