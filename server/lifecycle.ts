/**
 * What a process started, stopped in reverse: each part stops before the parts it was built on
 * (counting before the lease it counts under, everything before its Redis connection). `close()`
 * and a failed start run the same list, so the two cannot drift apart. The signal is aborted first:
 * a start still under way (a standby's takeover loading a checkpoint) sees it and starts nothing.
 *
 *   const life = new Lifecycle();
 *   const lease = new Lease(...);  life.started('lease', () => lease.release());
 *   ...
 *   await life.stop();             // aborts life.signal, then the stops, last started first
 */
export class Lifecycle {
  readonly #abort = new AbortController();
  readonly #stops: { what: string; stop: () => unknown }[] = [];
  #stopping: Promise<void> | null = null;

  /** Aborted when stopping begins. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** Registers how to stop what has just started (it stops before everything registered earlier). */
  started(what: string, stop: () => unknown): void {
    this.#stops.push({ what, stop });
  }

  /**
   * Aborts the signal, then runs every stop, last started first, each one even when one before it
   * failed (a connection must not stay open because a save failed). Rejects with the first failure,
   * naming the part. Runs once: later calls share the first.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#run();
    return this.#stopping;
  }

  async #run(): Promise<void> {
    this.#abort.abort();
    let failed: Error | null = null;
    for (const { what, stop } of [...this.#stops].reverse()) {
      try {
        await stop();
      } catch (e) {
        failed ??= new Error(`stopping ${what}: ${(e as Error).message}`, { cause: e });
      }
    }
    if (failed) throw failed;
  }
}
