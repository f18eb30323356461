/**
 * The epoch: the name of the figures screens hold. Every tick and snapshot carries it; a screen that
 * sees another one drops what it has and resyncs. It changes when an alarm is raised (the figures
 * may be incomplete and every screen must show it) and goes on across a restart that resumes from a
 * checkpoint (the figures still hold). Its one owner: the alarm board's change and the resume both
 * go through it.
 */
import { randomUUID } from 'node:crypto';

export class Epoch {
  #id: string = randomUUID();

  get id(): string {
    return this.#id;
  }

  /** A new epoch: every screen resyncs. */
  renew(): void {
    this.#id = randomUUID();
  }

  /** Goes on with the epoch a checkpoint was saved in. */
  resume(id: string): void {
    this.#id = id;
  }
}
