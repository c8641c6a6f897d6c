import { Role } from '@umbrella/platform';

/**
 * Reports hold no personal data; analysts read them, and coordinators read them as the evidence
 * of what worked. Agency staff and operators do not.
 */
export const REPORT_READERS: Role[] = ['analyst', 'coordinator'];
