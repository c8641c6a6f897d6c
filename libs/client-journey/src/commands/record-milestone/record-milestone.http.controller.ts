import { Body, Controller, Headers, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { DOMAINS_OF_SUPPORT, MILESTONES } from '@umbrella/contracts';
import { actorOf, CurrentPrincipal, Principal, Roles } from '@umbrella/platform';
import type { Response } from 'express';
import { ClientAccess } from '../../access/client.access-policy';
import { correlationOf, ParseClientIdPipe } from '../../validation';
import { MilestoneRow, RecordMilestoneHandler } from './record-milestone.handler';
import { RecordMilestoneRequestDto } from './record-milestone.request.dto';

export class MilestoneView {
  @ApiProperty() id: string;
  @ApiProperty() clientId: string;
  @ApiProperty({ enum: MILESTONES }) milestone: string;
  @ApiPropertyOptional({ nullable: true, enum: DOMAINS_OF_SUPPORT }) domain: string | null;
  @ApiProperty() occurredOn: string;
  @ApiProperty() recordedByAgencyId: string;
  @ApiProperty() recordedBy: string;
  @ApiProperty({ description: 'The lead agency at the time, credited with an outcome (UA-10)' }) leadAgencyId: string;
  @ApiProperty() recordedAt: string;
}

function toView(r: MilestoneRow): MilestoneView {
  return {
    id: r.milestone_id,
    clientId: r.client_id,
    milestone: r.milestone,
    domain: r.domain,
    occurredOn: r.occurred_on,
    recordedByAgencyId: r.recorded_by_agency_id,
    recordedBy: r.recorded_by,
    leadAgencyId: r.lead_agency_id,
    recordedAt: r.recorded_at.toISOString(),
  };
}

@ApiTags('milestones')
@ApiBearerAuth()
@Controller('clients')
export class RecordMilestoneHttpController {
  constructor(private readonly handler: RecordMilestoneHandler) {}

  @Post(':clientId/milestones')
  @Roles('caseworker')
  @ApiOperation({ summary: 'Record a milestone (barrier, training, job entry, sustained employment, leaving) for a client your agency works with' })
  @ApiCreatedResponse({ type: MilestoneView, description: 'recorded' })
  @ApiOkResponse({ type: MilestoneView, description: 'the same milestone on the same day was already recorded: nothing changed' })
  async record(
    @Param('clientId', ParseClientIdPipe) clientId: string,
    @Body() body: RecordMilestoneRequestDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
    @Headers('x-correlation-id') correlationId?: string,
  ): Promise<MilestoneView> {
    const agencyId = ClientAccess.actingAgency(principal);
    const { milestone, created } = await this.handler.execute({ clientId, request: body, principal, agencyId, actor: actorOf(principal), correlationId: correlationOf(correlationId) });
    res.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return toView(milestone);
  }
}
