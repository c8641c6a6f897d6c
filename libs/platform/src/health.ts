import { Controller, Get, HttpStatus, Injectable, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from './auth/auth.guard';

export interface HealthIndicator {
  readonly name: string;
  /**
   * Whether the service cannot serve without this dependency (default true): a required
   * indicator that is down makes the service unready. An optional one is only reported — Kafka,
   * for instance: while it is down the outbox still accepts work, which goes out when it returns.
   */
  readonly requiredForReadiness?: boolean;
  check(): Promise<boolean>;
}

export type CheckStatus = 'up' | 'down';

export interface HealthReport {
  /** `up`: everything answers; `degraded`: serving, an optional dependency is down; `down`: cannot serve. */
  readonly status: 'up' | 'degraded' | 'down';
  readonly checks: Record<string, { status: CheckStatus }>;
}

export interface CheckResult {
  readonly name: string;
  readonly required: boolean;
  readonly up: boolean;
}

/** Readiness from the checks' results: only a required dependency that is down makes the service unready. */
export function readiness(results: readonly CheckResult[]): { ready: boolean; report: HealthReport } {
  const ready = results.every((r) => r.up || !r.required);
  const status = !ready ? 'down' : results.every((r) => r.up) ? 'up' : 'degraded';
  const checks = Object.fromEntries(results.map((r) => [r.name, { status: r.up ? ('up' as const) : ('down' as const) }]));
  return { ready, report: { status, checks } };
}

@Injectable()
export class HealthRegistry {
  private readonly indicators: HealthIndicator[] = [];

  register(indicator: HealthIndicator): void {
    this.indicators.push(indicator);
  }

  async readiness(): Promise<{ ready: boolean; report: HealthReport }> {
    const results = await Promise.all(
      this.indicators.map(async (i): Promise<CheckResult> => ({ name: i.name, required: i.requiredForReadiness ?? true, up: await i.check().catch(() => false) })),
    );
    return readiness(results);
  }
}

/**
 * Probes, without a token. `/health/live`: the process runs and answers (no dependency is checked,
 * so an outage never gets a healthy process restarted). `/health/ready`: it can serve — its
 * database answers; Kafka is reported but does not make it unready. `/health` is readiness.
 */
@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly registry: HealthRegistry) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: 200 while the process runs and answers; checks no dependency' })
  live(): { status: 'up' } {
    return { status: 'up' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: 200 when the database answers (Kafka is reported, status "degraded" while it is down), 503 otherwise' })
  async ready(@Res() res: Response): Promise<void> {
    await this.answerReadiness(res);
  }

  @Get()
  @ApiOperation({ summary: 'The same as /health/ready' })
  async health(@Res() res: Response): Promise<void> {
    await this.answerReadiness(res);
  }

  private async answerReadiness(res: Response): Promise<void> {
    const { ready, report } = await this.registry.readiness();
    res.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(report);
  }
}
