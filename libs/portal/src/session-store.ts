import { randomToken } from './csrf';
import { Session } from './session';

/** A signed-in session as the portal keeps it: the browser holds only its random id. */
export interface StoredSession extends Session {
  readonly id: string;
  /** The per-session secret every form of this session carries (the synchronizer token). */
  readonly csrfToken: string;
  /** Seconds since the epoch: the record is forgotten then (the token's expiry plus a grace period). */
  readonly endsAt: number;
}

/** One message for the next page the session shows (after a redirect), then gone. */
export interface Flash {
  readonly text: string;
  readonly refused: boolean;
}

export interface SessionStoreOptions {
  /** At most this many sessions are kept; past it the least recently used one is forgotten. */
  readonly maxSessions: number;
  /**
   * How long a session is kept after its token has expired: a form posted from a page opened
   * before then is still recognised as this session's (so a referral being written is kept
   * while the user signs in again), though nothing is sent to the services with it.
   */
  readonly graceSeconds: number;
  readonly now?: () => number;
}

/**
 * The portal's sessions, in this process's memory, bounded in number and in time. Signing out
 * forgets the session, so a copy of its cookie stops working at once; a restart forgets them all
 * (everyone signs in again). Several portal instances need sticky sessions, or a shared store
 * behind the same methods.
 */
export class SessionStore {
  private readonly sessions = new Map<string, { session: StoredSession; flash?: Flash }>();
  private readonly now: () => number;

  constructor(private readonly options: SessionStoreOptions) {
    this.now = options.now ?? (() => Date.now() / 1000);
  }

  get size(): number {
    return this.sessions.size;
  }

  /** A new session with a new id and a new form secret: ids are never reused, so sign-in rotates them. */
  create(session: Session): StoredSession {
    const now = this.now();
    if (this.sessions.size >= this.options.maxSessions) {
      for (const [id, entry] of this.sessions) if (entry.session.endsAt <= now) this.sessions.delete(id);
      // Least recently used first: every look-up moves a session to the end.
      for (const id of this.sessions.keys()) {
        if (this.sessions.size < this.options.maxSessions) break;
        this.sessions.delete(id);
      }
    }
    const stored: StoredSession = { ...session, id: randomToken(), csrfToken: randomToken(), endsAt: Math.max(session.expiresAt, now) + this.options.graceSeconds };
    this.sessions.set(stored.id, { session: stored });
    return stored;
  }

  /** The session this id names, also when its token has expired (see `isActive`), until it ends. */
  find(id: string | undefined): StoredSession | undefined {
    if (!id) return undefined;
    const entry = this.sessions.get(id);
    if (!entry) return undefined;
    this.sessions.delete(id);
    if (entry.session.endsAt <= this.now()) return undefined;
    this.sessions.set(id, entry);
    return entry.session;
  }

  /** Whether the session's token is still good: only then is the user signed in. */
  isActive(session: StoredSession): boolean {
    return session.expiresAt > this.now();
  }

  end(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  flash(id: string, flash: Flash): void {
    const entry = this.sessions.get(id);
    if (entry) entry.flash = flash;
  }

  takeFlash(id: string): Flash | undefined {
    const entry = this.sessions.get(id);
    const flash = entry?.flash;
    if (entry) entry.flash = undefined;
    return flash;
  }
}
