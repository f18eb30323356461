/**
 * The watchdog's question before it navigates away from a rendered wall: does the server answer?
 *
 * A reload while the server is down lands on Chromium's "This site can't be reached" page, which
 * runs none of our code and so never comes back: the wall would stay white until someone walks up
 * to it. The rendered wall, by contrast, keeps the last figures with the outage shown, and its
 * socket reconnects by itself when the server returns. So a reload goes ahead only when the server
 * answers `/healthz` (200, or 503 with an alarm: any answer of ours means the page can load) and
 * has kept answering for a while without the socket recovering on its own (which it normally does
 * within seconds, see connection.ts); a network error, a timeout or someone else's error page
 * (a proxy's 502) means stay, and ask again later with back-off.
 */

/** Whether our server answers at `url`: an HTTP 200 or 503 with its health JSON (`ok` boolean). */
export async function probeServer(url = '/healthz', timeoutMs = 5000, fetchImpl: typeof fetch = fetch): Promise<boolean> {
  try {
    const res = await fetchImpl(url, { cache: 'no-store', credentials: 'same-origin', signal: AbortSignal.timeout(timeoutMs) });
    if (res.status !== 200 && res.status !== 503) return false;
    const body: unknown = await res.json();
    return typeof body === 'object' && body !== null && typeof (body as { ok?: unknown }).ok === 'boolean';
  } catch {
    return false; // network error, timeout, not JSON: the page could not load either
  }
}

export interface ReloadGateOptions {
  /** First wait after a failed probe; doubles up to maxBackoffMs. @default 5 s */
  minBackoffMs?: number;
  /** @default 60 s */
  maxBackoffMs?: number;
  /**
   * The server must have answered this long (a first answer, and another this much later) before
   * a reload: time for the socket to reconnect by itself, which beats a reload (no blank page, no
   * figures lost). 0 reloads on the first answer. @default 15 s
   */
  confirmMs?: number;
}

export const DEFAULT_PROBE_BACKOFF_MS = { min: 5_000, max: 60_000 };
export const DEFAULT_CONFIRM_MS = 15_000;

/** Pure bookkeeping of the probes for one wanted reload (time passed in). */
export class ReloadGate {
  readonly #min: number;
  readonly #max: number;
  readonly #confirmMs: number;
  #nextProbeAtMs = -Infinity;
  #backoffMs = 0;
  #firstAnswerAtMs: number | null = null;

  constructor(opts: ReloadGateOptions = {}) {
    this.#min = opts.minBackoffMs ?? DEFAULT_PROBE_BACKOFF_MS.min;
    this.#max = Math.max(this.#min, opts.maxBackoffMs ?? DEFAULT_PROBE_BACKOFF_MS.max);
    this.#confirmMs = opts.confirmMs ?? DEFAULT_CONFIRM_MS;
  }

  /** No reload is wanted any more (the wall is live again): start from scratch next time. */
  reset(): void {
    this.#nextProbeAtMs = -Infinity;
    this.#backoffMs = 0;
    this.#firstAnswerAtMs = null;
  }

  /** Whether to probe now, a reload being wanted. */
  due(now: number): boolean {
    return now >= this.#nextProbeAtMs;
  }

  /** Records a probe's result; true when the reload may go ahead now. `retryInMs` says when the next probe is due. */
  record(answered: boolean, now: number): { go: boolean; retryInMs: number } {
    if (!answered) {
      this.#firstAnswerAtMs = null;
      this.#backoffMs = this.#backoffMs === 0 ? this.#min : Math.min(this.#max, this.#backoffMs * 2);
      this.#nextProbeAtMs = now + this.#backoffMs;
      return { go: false, retryInMs: this.#backoffMs };
    }
    this.#backoffMs = 0;
    this.#firstAnswerAtMs ??= now;
    const waited = now - this.#firstAnswerAtMs;
    if (waited >= this.#confirmMs) return { go: true, retryInMs: 0 };
    this.#nextProbeAtMs = this.#firstAnswerAtMs + this.#confirmMs;
    return { go: false, retryInMs: this.#confirmMs - waited };
  }
}
