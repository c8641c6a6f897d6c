import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Database } from '@umbrella/platform';
import { ExpireReferralsHandler } from './expire-referrals.handler';

/** What triggers the expiry of referrals: a sweep every 30 s (`REFERRAL_EXPIRY_SWEEP_MS`), never two at once on one instance. */
@Injectable()
export class ExpireReferralsScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Expiry');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly database: Database,
    private readonly handler: ExpireReferralsHandler,
  ) {}

  onApplicationBootstrap(): void {
    const every = Number(process.env.REFERRAL_EXPIRY_SWEEP_MS ?? 30_000);
    void this.database.whenReady().then(() => {
      this.timer = setInterval(() => {
        if (!this.running) {
          this.running = this.handler
            .sweep()
            .then(() => undefined)
            .catch((e) => this.logger.warn(`sweep failed: ${(e as Error).message}`))
            .finally(() => (this.running = null));
        }
      }, every);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
