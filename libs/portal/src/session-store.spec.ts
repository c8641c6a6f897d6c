import { Session } from './session';
import { SessionStore } from './session-store';

const someone = (expiresAt: number, userId = 'u1'): Session => ({ token: `t-${userId}`, userId, agencyId: 'college', roles: ['caseworker'], expiresAt });

describe('the session store', () => {
  let now = 1_000_000;
  const store = (maxSessions = 100) => new SessionStore({ maxSessions, graceSeconds: 3600, now: () => now });

  beforeEach(() => (now = 1_000_000));

  it('gives every sign-in a new id and a new form secret, and keeps the token on the server', () => {
    const sessions = store();
    const a = sessions.create(someone(now + 60));
    const b = sessions.create(someone(now + 60));
    expect(a.id).not.toBe(b.id);
    expect(a.csrfToken).not.toBe(b.csrfToken);
    expect(a.csrfToken).not.toBe(a.id);
    expect(sessions.find(a.id)).toMatchObject({ token: 't-u1', userId: 'u1', csrfToken: a.csrfToken });
    expect(sessions.find('no-such-id')).toBeUndefined();
    expect(sessions.find(undefined)).toBeUndefined();
  });

  it('forgets a session that has ended: its id no longer names anything', () => {
    const sessions = store();
    const a = sessions.create(someone(now + 60));
    sessions.end(a.id);
    expect(sessions.find(a.id)).toBeUndefined();
    expect(sessions.size).toBe(0);
  });

  it("keeps a session whose token has expired for a grace period, inactive, then forgets it", () => {
    const sessions = store();
    const a = sessions.create(someone(now + 60));
    expect(sessions.isActive(a)).toBe(true);
    now += 61;
    expect(sessions.isActive(sessions.find(a.id)!)).toBe(false);
    now += 3600;
    expect(sessions.find(a.id)).toBeUndefined();
  });

  it('holds at most its maximum: expired sessions go first, then the least recently used', () => {
    const sessions = store(3);
    const [a, b, c] = [1, 2, 3].map((i) => sessions.create(someone(now + 60 * i, `u${i}`)));
    sessions.find(a.id); // a is now the most recently used
    const d = sessions.create(someone(now + 60, 'u4'));
    expect([a, b, c, d].map((s) => !!sessions.find(s.id))).toEqual([true, false, true, true]);
    expect(sessions.size).toBe(3);
    now += 3600 + 61; // a and d have ended; c has not
    const e = sessions.create(someone(now + 60, 'u5'));
    expect([a, c, d, e].map((s) => !!sessions.find(s.id))).toEqual([false, true, false, true]);
  });

  it('shows a flash message once, to its own session only', () => {
    const sessions = store();
    const a = sessions.create(someone(now + 60));
    const b = sessions.create(someone(now + 60));
    sessions.flash(a.id, { text: 'Referral accepted.', refused: false });
    expect(sessions.takeFlash(b.id)).toBeUndefined();
    expect(sessions.takeFlash(a.id)).toEqual({ text: 'Referral accepted.', refused: false });
    expect(sessions.takeFlash(a.id)).toBeUndefined();
  });
});
