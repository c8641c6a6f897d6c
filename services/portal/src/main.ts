import 'reflect-metadata';
import { createPortalApp, PortalConfig } from '@umbrella/portal';
import { applyHttpTimeouts, exitOnConfigError, loadConfig } from '@umbrella/platform';

function main(): void {
  const config = loadConfig(PortalConfig, process.env, { PORT: '3000' });
  const host = config.HOST ?? '127.0.0.1';
  const server = createPortalApp(config).listen(config.PORT, host, () => {
    console.log(`portal listening on http://${host}:${config.PORT}, on Node.js ${process.version}`);
  });
  applyHttpTimeouts(server, config);
  // Finish the requests in flight, then exit: the portal keeps no state of its own.
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.once(signal, () => {
      server.close(() => process.exit(0));
      server.closeIdleConnections();
    });
}

try {
  main();
} catch (error) {
  exitOnConfigError(error);
}
