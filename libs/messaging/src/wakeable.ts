/** A sleep that can be cut short, so a loop idles cheaply yet reacts at once when nudged. */
export class Wakeable {
  private wake: (() => void) | null = null;
  private pending = false;

  sleep(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  nudge(): void {
    if (this.wake) this.wake();
    else this.pending = true;
  }
}
