import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DOMAINS_OF_SUPPORT, DomainOfSupport, Milestone, MILESTONES } from '@umbrella/contracts';
import { IsIn, IsString, ValidateIf } from 'class-validator';
import { isBarrier } from '../../domain/milestone.decider';
import { IsPastCalendarDate } from '../../validation';

export class RecordMilestoneRequestDto {
  @ApiProperty({ enum: MILESTONES })
  @IsIn(MILESTONES)
  milestone: Milestone;

  @ApiPropertyOptional({ enum: DOMAINS_OF_SUPPORT, description: 'Required for a barrier (the domain of support that addresses it); optional otherwise' })
  @ValidateIf((o: RecordMilestoneRequestDto) => isBarrier(o.milestone) || o.domain !== undefined)
  @IsIn(DOMAINS_OF_SUPPORT)
  domain?: DomainOfSupport;

  @ApiProperty({ example: '2026-11-20', description: 'The day it happened (YYYY-MM-DD), not in the future' })
  @IsString()
  @IsPastCalendarDate()
  occurredOn: string;
}
