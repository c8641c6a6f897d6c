import { stopContainers } from './containers';

/** Stops what the global setup started in containers (the native broker is left to the test script). */
export default async function globalTeardown(): Promise<void> {
  await stopContainers();
}
