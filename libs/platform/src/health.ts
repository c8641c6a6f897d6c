import { Controller, Get, HttpStatus, Injectable, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from './auth/auth.guard';

export interface HealthIndicator {
  readonly name: string;
  check(): Promise<boolean>;
}

@Injectable()
export class HealthRegistry {
  private readonly indicators: HealthIndicator[] = [];

  register(indicator: HealthIndicator): void {
    this.indicators.push(indicator);
  }

  async report(): Promise<{ status: 'up' | 'down'; checks: Record<string, { status: 'up' | 'down' }> }> {
    const results = await Promise.all(this.indicators.map(async (i) => [i.name, await i.check().catch(() => false)] as const));
    const checks = Object.fromEntries(results.map(([name, up]) => [name, { status: up ? ('up' as const) : ('down' as const) }]));
    return { status: results.every(([, up]) => up) ? 'up' : 'down', checks };
  }
}

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly registry: HealthRegistry) {}

  @Get()
  @ApiOperation({ summary: 'Readiness: 200 when the database and Kafka answer, 503 otherwise' })
  async health(@Res() res: Response): Promise<void> {
    const report = await this.registry.report();
    res.status(report.status === 'up' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(report);
  }
}
