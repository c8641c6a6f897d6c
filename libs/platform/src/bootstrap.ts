import { INestApplication, Logger, LogLevel, Type } from '@nestjs/common';
import { ModuleRef, NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { AuditTrail } from './audit/audit';
import { applyHttpTimeouts, ConfigError, HttpTimeoutSettings } from './config';
import { ErrorFilter, validationPipe } from './http';
import { InputGuard } from './input/input.guard';
import { jsonBody, refuseUndecodableTarget, requireJsonBody } from './input/request-body';
import { answerUnreadableRequest } from './input/unreadable-request';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

export function logLevels(level: string | undefined): LogLevel[] {
  const upTo = LEVELS.indexOf((level ?? 'log') as LogLevel);
  return LEVELS.slice(0, upTo < 0 ? 4 : upTo + 1);
}

export interface ServiceDescription {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly version?: string;
  /** Routes that accept bodies larger than the default 256 kB, e.g. `{ '/hsds/import': '20mb' }`. */
  readonly bodyLimits?: Readonly<Record<string, string>>;
}

/**
 * Applies what every service's HTTP API shares: answers no cache keeps, a readable path, JSON
 * bodies within their limit, no input that nothing downstream can take (InputGuard), validation,
 * error bodies, OpenAPI, shutdown hooks. Every refusal on the way is answered by the ErrorFilter.
 */
export function configureHttp(app: INestApplication, service: ServiceDescription): void {
  app.getHttpServer().on('clientError', answerUnreadableRequest);
  // answers say nothing of what serves them
  (app.getHttpAdapter().getInstance() as { disable(setting: string): void }).disable('x-powered-by');
  app.use(noStore);
  app.use(refuseUndecodableTarget);
  app.use(requireJsonBody);
  for (const [path, limit] of Object.entries(service.bodyLimits ?? {})) app.use(path, jsonBody(limit));
  app.use(jsonBody());
  // after the guards the platform module provides (authentication first: a refusal knows who sent it)
  app.useGlobalGuards(new InputGuard());
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new ErrorFilter(auditTrailOf(app)));
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(service.title)
      .setDescription(service.description)
      .setVersion(service.version ?? '0.1.0')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}

/**
 * No answer of any service is kept by a browser, proxy or CDN: answers name clients and carry
 * their personal data, and every answer is for one signed-in user; nor is one read as anything but
 * its content type. Set first, so refusals carry it too.
 */
function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  next();
}

/**
 * Starts a service. Configuration problems stop it at once with a message naming each bad
 * variable; unreachable PostgreSQL or Kafka do not (the service retries and reports on /health).
 */
export async function runService(
  service: ServiceDescription,
  createModule: () => Type<unknown> | import('@nestjs/common').DynamicModule,
  options: {
    port: number;
    host: string;
    logLevel?: string;
    http?: HttpTimeoutSettings;
    /** Attaches what else the service serves before it listens: its consumer groups' transport strategies. */
    attach?: (app: INestApplication) => Promise<void>;
  },
): Promise<INestApplication> {
  const app = await NestFactory.create(createModule(), { logger: logLevels(options.logLevel), bodyParser: false });
  configureHttp(app, service);
  await options.attach?.(app);
  applyHttpTimeouts(app.getHttpServer(), options.http ?? {});
  await app.listen(options.port, options.host);
  new Logger(service.name).log(`${service.title} listening on http://${options.host}:${options.port} (OpenAPI at /docs), on Node.js ${process.version}`);
  return app;
}

/** For main.ts: turns a configuration error into a clear message and exit code 78 (EX_CONFIG). */
export function exitOnConfigError(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
  process.stderr.write(`fatal: ${(error as Error)?.stack ?? error}\n`);
  process.exit(1);
}

/** The services audit refusals; an app without a database (none today) answers errors unaudited. */
function auditTrailOf(app: INestApplication): AuditTrail | undefined {
  // asked through ModuleRef: the application's own get() would end the process on a missing provider
  try {
    return app.get(ModuleRef).get(AuditTrail, { strict: false });
  } catch {
    return undefined;
  }
}
