import { Refused } from '@umbrella/agreement';

/**
 * A unique constraint caught a race the client's lock did not (two instances, say): the write
 * lost to one that committed first. It maps to the rule the constraint enforces, so the loser is
 * refused as the engine would have refused it had it decided a moment later.
 */
export class RaceLost extends Error {
  constructor(
    readonly code: Refused['code'],
    message: string,
  ) {
    super(message);
  }
}

const CONSTRAINT_RULES: Readonly<Record<string, readonly [Refused['code'], string]>> = {
  referral_one_open_per_client_domain: ['UA-5', 'This client already has an open referral in this domain.'],
  claim_one_holder_in_exclusive_domain: ['UA-4', "Another agency already holds this client's case in this exclusive domain."],
  claim_once_per_agency: ['UA-4', 'Your agency already holds this claim.'],
  client_lead_pkey: ['UA-3', 'This client already has a lead agency.'],
  credited_outcome_pkey: ['UA-10', 'This outcome has already been credited to one agency.'],
};

/** Runs a write whose unique constraint is a rule's last line of defence; a violation surfaces as RaceLost. */
export async function guarded<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw asRaceLost(error) ?? error;
  }
}

/** The race an error reveals, if it is one: a unique violation of a constraint that enforces a rule. */
export function asRaceLost(error: unknown): RaceLost | null {
  if (error instanceof RaceLost) return error;
  const code = fieldOf(error, 'code') ?? fieldOf(fieldOf(error, 'driverError'), 'code');
  const constraint = fieldOf(error, 'constraint') ?? fieldOf(fieldOf(error, 'driverError'), 'constraint');
  const rule = code === '23505' && typeof constraint === 'string' ? CONSTRAINT_RULES[constraint] : undefined;
  return rule ? new RaceLost(rule[0], rule[1]) : null;
}

function fieldOf(value: unknown, field: string): unknown {
  return typeof value === 'object' && value !== null ? Reflect.get(value, field) : undefined;
}
