/**
 * The marker: a key warroom owns in Redis (`<prefix>marker`, a random value), so that Redis losing
 * everything is noticed even when producers re-create the streams before the next history check
 * (FLUSHALL, or a restart without persistence). warroom remembers the value; when the key is gone or
 * holds another value, Redis is not the one warroom was counting from. The value is also saved with
 * the checkpoint, so a restart after an unnoticed flush still finds out.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RaiseAlarm } from '../alarms';

export class RedisMarker {
  readonly #redis: Redis;
  readonly #key: string;
  #value: string | null = null;

  constructor(redis: Redis, key: string) {
    this.#redis = redis;
    this.#key = key;
  }

  /** The value warroom holds (null before the first check); saved with the checkpoint. */
  get value(): string | null {
    return this.#value;
  }

  /** Sets the value to expect, e.g. the one a checkpoint was saved under. */
  expect(value: string | null): void {
    this.#value = value;
  }

  /**
   * Compares the key with the value held. Creates the key when warroom expects nothing yet; when it
   * expects a value that Redis no longer has, re-creates (or adopts) the key and returns the alarm.
   */
  async check(): Promise<RaiseAlarm | null> {
    const held = this.#value;
    const found = await this.#redis.get(this.#key);
    if (found !== null && found === held) return null;
    let now = found;
    if (now === null) {
      const fresh = randomUUID();
      // NX: another warroom re-creating it at the same moment wins, and both agree on its value.
      now = (await this.#redis.set(this.#key, fresh, 'NX')) === 'OK' ? fresh : await this.#redis.get(this.#key);
    }
    this.#value = now;
    if (held === null) return null;
    const why = found === null ? 'is gone' : `holds ${found.slice(0, 8)}…`;
    return {
      kind: 'redis_emptied',
      stream: '',
      detail: `Redis lost warroom's data: its marker ${held.slice(0, 8)}… ${why} (FLUSHALL, or a restart without persistence). The totals counted so far are kept; what was written to the streams before is gone`,
    };
  }
}
