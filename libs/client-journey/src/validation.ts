import { HttpStatus, Injectable, PipeTransform } from '@nestjs/common';
import { PSEUDONYMOUS_ID, PSEUDONYMOUS_ID_MESSAGE } from '@umbrella/contracts';
import { CodedHttpException, correlationIdOf } from '@umbrella/platform';
import { ValidateBy, ValidationOptions } from 'class-validator';
import { calendarDateOf, isCalendarDate } from './domain/client-attributes';

/**
 * A calendar date (YYYY-MM-DD) that exists, is not in the future (UTC, checked against the clock
 * when the request arrives) and, when given, not before `notBefore`.
 */
export function IsPastCalendarDate(options: { notBefore?: string } = {}, validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isPastCalendarDate',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && isCalendarDate(value) && value <= calendarDateOf(new Date()) && (!options.notBefore || value >= options.notBefore),
        defaultMessage: (args) => {
          const value = args?.value;
          if (typeof value !== 'string' || !isCalendarDate(value)) return `${args?.property} must be a date that exists, as YYYY-MM-DD`;
          if (options.notBefore && value < options.notBefore) return `${args?.property} must not be before ${options.notBefore}`;
          return `${args?.property} must not be in the future`;
        },
      },
    },
    validationOptions,
  );
}

/** An X-Correlation-Id header worth keeping (anything else is ignored, never echoed into events). */
export const correlationOf = correlationIdOf;

/** Path parameters that must be a pseudonymous client id (400 otherwise, before any look-up). */
@Injectable()
export class ParseClientIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!PSEUDONYMOUS_ID.test(value)) throw new CodedHttpException(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'clientId must be a pseudonymous id', [`clientId: ${PSEUDONYMOUS_ID_MESSAGE}`]);
    return value;
  }
}

