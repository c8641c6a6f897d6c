/** What a user may do is decided by these roles, carried in the token; the portal offers the same list. */
export const ROLES = ['caseworker', 'agency-admin', 'coordinator', 'analyst', 'operator'] as const;
export type Role = (typeof ROLES)[number];
