/**
 * Fenced writes: Redis applies them only while the writer's fencing token is still the current one
 * (`<prefix>lease:fence`, see lease.ts). The check and the writes are one Lua script, so nothing can
 * come between them: a process that lost its lease while paused can send a write, but Redis refuses
 * all of it. (MULTI/EXEC would not do: a failed check inside MULTI does not stop the other commands,
 * and WATCH holds only on the connection that issued it.)
 */
import type { Redis } from 'ioredis';

/** What a writer needs to fence its writes. */
export interface Fence {
  /** The key that holds the current token. */
  key: string;
  /** This process's token while it holds the lease; null otherwise (then nothing may be written). */
  token(): number | null;
  /** Redis refused a write: the token is not current (the lease decides what that means). */
  refused(): void;
}

/** A script's first line (shared with the dead-letter script): return `refusal` unless the fence key holds the token. */
export const fenceCheck = (keyRef: string, tokenRef: string, refusal: string): string =>
  `if redis.call('GET', ${keyRef}) ~= ${tokenRef} then return ${refusal} end`;

/** KEYS: fence, then one key per operation. ARGV: token, then per operation its command, argument count and arguments. */
const SCRIPT = `
${fenceCheck('KEYS[1]', 'ARGV[1]', '0')}
local a = 2
for k = 2, #KEYS do
  local n = tonumber(ARGV[a + 1])
  redis.call(ARGV[a], KEYS[k], unpack(ARGV, a + 2, a + 1 + n))
  a = a + 2 + n
end
return 1`;

/** Lua's unpack has a small stack: long HSETs are split. */
const MAX_ARGS_PER_OP = 200;

type Arg = string | Buffer;
type FencedRedis = Redis & { warroomFenced(numKeys: number, ...args: (Arg | number)[]): Promise<number> };

/** A batch of writes (the subset of commands checkpoints use), applied by {@link FencedBatch.exec} only while the token is current. */
export class FencedBatch {
  readonly #keys: string[];
  readonly #args: Arg[];

  constructor(fenceKey: string, token: number) {
    this.#keys = [fenceKey];
    this.#args = [String(token)];
  }

  #op(cmd: string, key: string, args: Arg[]): this {
    this.#keys.push(key);
    this.#args.push(cmd, String(args.length), ...args);
    return this;
  }

  set(key: string, value: string): this {
    return this.#op('SET', key, [value]);
  }

  hset(key: string, ...fieldValues: string[]): this {
    for (let i = 0; i < fieldValues.length; i += MAX_ARGS_PER_OP) this.#op('HSET', key, fieldValues.slice(i, i + MAX_ARGS_PER_OP));
    return this;
  }

  rpush(key: string, value: Arg): this {
    return this.#op('RPUSH', key, [value]);
  }

  del(...keys: string[]): this {
    for (const key of keys) this.#op('DEL', key, []);
    return this;
  }

  /** Runs the batch atomically; false when the token was not current and nothing was written. */
  async exec(redis: Redis): Promise<boolean> {
    const r = redis as FencedRedis;
    if (typeof r.warroomFenced !== 'function') redis.defineCommand('warroomFenced', { lua: SCRIPT });
    return (await r.warroomFenced(this.#keys.length, ...this.#keys, ...this.#args)) === 1;
  }
}
