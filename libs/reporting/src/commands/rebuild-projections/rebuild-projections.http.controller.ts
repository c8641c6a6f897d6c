import { Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@umbrella/platform';
import { ProjectionRunner } from '../../projections/projection-runner';

/** Operators and analysts rebuild the projections from the beginning of the topics. */
@ApiTags('reports')
@ApiBearerAuth()
@Roles('analyst', 'operator')
@Controller('reports')
export class RebuildProjectionsHttpController {
  constructor(private readonly runner: ProjectionRunner) {}

  @Post('rebuild')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Empty the projections and re-read every topic from offset zero; figures fill in again as the events are replayed' })
  @ApiAcceptedResponse({ description: 'the projections are empty and being rebuilt' })
  async rebuild(): Promise<{ rebuilding: true }> {
    await this.runner.rebuild();
    return { rebuilding: true };
  }
}
