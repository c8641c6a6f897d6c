import { Principal } from '@umbrella/platform';
import { principalOf, refusalCode } from '@umbrella/testing';
import { DirectoryAccess } from './directory.access-policy';

const as = (roles: Principal['roles'], agencyId: string | null = 'a'): Principal => principalOf(roles, agencyId);
const code = refusalCode;

describe('DirectoryAccess', () => {
  it('lets a coordinator manage any agency and an agency admin only their own', () => {
    expect(code(() => DirectoryAccess.manageAgency(as(['coordinator'], null), 'x'))).toBeUndefined();
    expect(code(() => DirectoryAccess.manageAgency(as(['agency-admin']), 'a'))).toBeUndefined();
    expect(code(() => DirectoryAccess.manageAgency(as(['agency-admin']), 'b'))).toBe('ACCESS.OTHER_AGENCY');
  });

  it('refuses every other role', () => {
    for (const role of ['caseworker', 'analyst', 'operator'] as const) {
      expect(code(() => DirectoryAccess.manageAgency(as([role]), 'a'))).toBe('ACCESS.ROLE_NOT_ALLOWED');
    }
  });

  it('lets every role read', () => {
    expect(DirectoryAccess.readers).toEqual(['caseworker', 'agency-admin', 'coordinator', 'analyst', 'operator']);
  });
});
