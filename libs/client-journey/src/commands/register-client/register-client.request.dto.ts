import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsEmail, IsNotEmptyObject, IsString, Matches, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { IsPastCalendarDate } from '../../validation';

/** An email address, a phone number, or both; `contact` itself must not be empty. */
export class ClientContactDto {
  @ApiPropertyOptional({ example: 'jane@example.org' })
  @ValidateIf((o: ClientContactDto) => o.email !== undefined)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ example: '+44 7700 900123' })
  @ValidateIf((o: ClientContactDto) => o.phone !== undefined)
  @IsString()
  @Matches(/^\+?[0-9][0-9 ()-]{5,24}$/, { message: 'phone must be digits, spaces, dashes or brackets, with an optional leading +' })
  phone?: string;
}

/** The minimum personal data a caseworker records. It is encrypted at rest and never leaves client-journey. */
export class RegisterClientRequestDto {
  @ApiProperty({ example: 'Jane Doe' })
  @IsString()
  @MaxLength(200)
  @Matches(/\p{L}/u, { message: 'name must contain letters' })
  name: string;

  @ApiProperty({ example: '2003-05-14', description: 'YYYY-MM-DD; not in the future' })
  @IsString()
  @IsPastCalendarDate({ notBefore: '1900-01-01' })
  dateOfBirth: string;

  @ApiProperty({ type: ClientContactDto })
  @IsDefined()
  @IsNotEmptyObject({ nullable: false }, { message: 'contact needs an email address or a phone number' })
  @ValidateNested()
  @Type(() => ClientContactDto)
  contact: ClientContactDto;

  @ApiProperty({ example: 'NB1 4QT', description: 'The postcode (or its outward part); only its area leaves this service' })
  @IsString()
  @Matches(/^\s*([A-Za-z]{1,2}\d[A-Za-z\d]?(\s*\d[A-Za-z]{2})?|\d{4,6})\s*$/, {
    message: 'postcode must be a postcode or its outward part (e.g. NB1 4QT, NB1) or a 4-6 digit postcode',
  })
  postcode: string;
}
