import { applyDecorators, HttpStatus, PipeTransform } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { isUUID, IsUUID } from 'class-validator';
import { VALIDATION_FAILED_MESSAGE } from '../error-codes';
import { CodedHttpException } from '../http';

/*
 * Ids that are UUIDs are accepted in either case and normalised to lower case, the form the
 * services issue, store, publish and answer with (RFC 9562: UUIDs compare case-insensitively and
 * are written in lower case). Every other id (agency and region slugs, pseudonymous client ids) is
 * lower case by its pattern and refused otherwise.
 */

const lowerCase = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value);

/** A UUID field of a DTO (body, query or path parameters), normalised to lower case. */
export function IsUuid(message: string): PropertyDecorator {
  return applyDecorators(Transform(lowerCase), IsUUID('all', { message }));
}

/** A single UUID path parameter: 400 VALIDATION_FAILED naming it, else the lower-case UUID. */
export class ParseUuidPipe implements PipeTransform<unknown, string> {
  constructor(private readonly name: string) {}

  transform(value: unknown): string {
    if (typeof value !== 'string' || !isUUID(value, 'all')) {
      throw new CodedHttpException(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', VALIDATION_FAILED_MESSAGE, [`${this.name}: ${this.name} must be a UUID`]);
    }
    return value.toLowerCase();
  }
}
