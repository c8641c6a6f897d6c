import { Wakeable } from './wakeable';

describe('Wakeable', () => {
  it('sleeps for the given time when nobody nudges', async () => {
    const started = Date.now();
    await new Wakeable().sleep(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('wakes at once when nudged during a sleep', async () => {
    const w = new Wakeable();
    const started = Date.now();
    const sleeping = w.sleep(10_000);
    w.nudge();
    await sleeping;
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('remembers a nudge given before the sleep, so no wake-up is lost', async () => {
    const w = new Wakeable();
    w.nudge();
    const started = Date.now();
    await w.sleep(10_000);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
