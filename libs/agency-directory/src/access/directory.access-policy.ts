import { AccessDenied, hasRole, Principal, Role, ROLES } from '@umbrella/platform';

/** Who may do what in the directory: the one place the directory decides it. */
export const DirectoryAccess = {
  /** Everyone signed in reads the directory. */
  readers: [...ROLES] as Role[],

  /** A coordinator registers any agency; an agency admin registers or edits only their own. */
  manageAgency(principal: Principal, agencyId: string): void {
    if (hasRole(principal, 'coordinator')) return;
    if (hasRole(principal, 'agency-admin') && principal.agencyId === agencyId) return;
    if (hasRole(principal, 'agency-admin')) throw new AccessDenied('ACCESS.OTHER_AGENCY', "You may only manage your own agency's entries.");
    throw new AccessDenied('ACCESS.ROLE_NOT_ALLOWED', 'Only agency admins and coordinators manage directory entries.');
  },
};
