import { ClassConstructor, plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';

/** Flattens class-validator's tree into one readable line per bad field, e.g. `data.domain: domain must be one of…`. */
export function formatValidationErrors(errors: readonly ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => `${path}: ${message}`);
    return [...own, ...formatValidationErrors(error.children ?? [], path)];
  });
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: string[] };

export interface ValidateOptions {
  /** Refuse properties the contract does not declare (strict on the way out, tolerant on the way in). */
  readonly strict: boolean;
  /** One message per field: the first constraint it breaks. */
  readonly firstErrorOnly?: boolean;
}

export function validatePlain<T extends object>(cls: ClassConstructor<T>, plain: unknown, options: ValidateOptions): Validated<T> {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    return { ok: false, errors: ['value must be a JSON object'] };
  }
  const instance = plainToInstance(cls, plain);
  const errors = validateSync(instance, {
    whitelist: options.strict,
    forbidNonWhitelisted: options.strict,
    forbidUnknownValues: true,
    stopAtFirstError: options.firstErrorOnly ?? false,
  });
  return errors.length === 0 ? { ok: true, value: instance } : { ok: false, errors: formatValidationErrors(errors) };
}
