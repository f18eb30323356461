/** Server time for the screen: local clock plus the measured offset, as a reactive `nowMs`. */
import { estimateOffset, type ClockSample } from './clock';

export class ServerClock {
  #offsetMs = $state(0);
  #rttMs = $state<number | null>(null);
  #nowMs = $state(Date.now());
  #timer: ReturnType<typeof setInterval> | undefined;

  get offsetMs(): number {
    return this.#offsetMs;
  }

  get rttMs(): number | null {
    return this.#rttMs;
  }

  /** Server time, refreshed a few times a second. */
  get nowMs(): number {
    return this.#nowMs;
  }

  /** Server time right now (not reactive). */
  read(): number {
    return Date.now() + this.#offsetMs;
  }

  /** A rough offset from a message's server timestamp, until probes refine it. */
  seed(serverMs: number): void {
    if (this.#rttMs === null) this.#offsetMs = serverMs - Date.now();
  }

  /** Takes `count` probes through `probe` (which resolves to the server's time) and keeps the best. */
  async measure(probe: () => Promise<number>, count = 5): Promise<void> {
    const samples: ClockSample[] = [];
    for (let i = 0; i < count; i++) {
      const sentMs = Date.now();
      try {
        const serverMs = await probe();
        samples.push({ sentMs, receivedMs: Date.now(), serverMs });
      } catch {
        // A lost probe is just a missing sample.
      }
    }
    const est = estimateOffset(samples);
    if (est) {
      this.#offsetMs = est.offsetMs;
      this.#rttMs = est.rttMs;
      this.#nowMs = this.read();
    }
  }

  start(intervalMs = 200): void {
    this.#timer ??= setInterval(() => (this.#nowMs = this.read()), intervalMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
