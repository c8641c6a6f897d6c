import { Role, ROLES } from '../config';

/** The authenticated user on whose behalf a request acts. */
export interface Principal {
  readonly userId: string;
  /** The agency the user works for; null for partnership-wide roles without one. */
  readonly agencyId: string | null;
  readonly roles: readonly Role[];
}

export function hasRole(principal: Principal, ...roles: Role[]): boolean {
  return roles.some((r) => principal.roles.includes(r));
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** The actor recorded in event metadata, so consumers attribute actions without trusting payloads. */
export function actorOf(principal: Principal): { userId: string; agencyId?: string; role?: string } {
  return {
    userId: principal.userId,
    ...(principal.agencyId ? { agencyId: principal.agencyId } : {}),
    ...(principal.roles[0] ? { role: principal.roles.join(',') } : {}),
  };
}
