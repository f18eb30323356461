/**
 * The ingest lease: one process per key prefix reads the streams and writes checkpoints and dead
 * letters; any other stands by and takes over when the holder stops renewing.
 *
 * `<prefix>lease` names the holder (JSON, expires `ttlMs` after the last renewal). Each acquisition
 * takes a new fencing token from `<prefix>lease:fence` (INCR) in the same script, and every
 * checkpoint and dead-letter write checks atomically that the counter still holds the writer's
 * token (fence.ts). So a holder paused past its lease (SIGSTOP, a long GC, a partition) may wake up
 * and try to write, but Redis refuses: once another process has taken over, the old one never
 * writes again. It learns so at its next renewal (or at once, when a write is refused).
 *
 * Ownership is decided by the counter, not the lease key's expiry: a holder whose key expired while
 * nobody took over (Redis paused, Redis down longer than the lease) still holds the current token
 * and simply renews. A counter missing altogether means Redis lost its data; nobody can have
 * acquired since (that would have created it), so the holder writes its token back.
 */
import { hostname } from 'node:os';
import { randomInt, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from './log';
import type { Fence } from './fence';

/** Who holds the lease, as stored in `<prefix>lease`. */
export interface LeaseHolder {
  token: number;
  host: string;
  pid: number;
  sinceMs: number;
  node: string;
}

/** `owner` counts; `standby` waits for the lease; `fenced` lost it to another process and must stop. */
export type LeaseRole = 'owner' | 'standby' | 'fenced';

export interface LeaseOptions {
  prefix: string;
  /** Lifetime of the lease without renewal; renewed every third of it, polled by standbys every sixth. */
  ttlMs: number;
  now: () => number;
  log: Logger;
}

/**
 * KEYS: lease, fence. ARGV: holder JSON without the token, ttl, a random base. Returns {token, value}
 * or {0, current holder}. A missing counter (a new prefix, or Redis emptied) starts at the random
 * base, not at 1: after a FLUSHALL an old owner still holding token 1 must not meet a new owner
 * with token 1, both passing the fence.
 */
const ACQUIRE = `
local cur = redis.call('GET', KEYS[1])
if cur then return {0, cur} end
if redis.call('EXISTS', KEYS[2]) == 0 then redis.call('SET', KEYS[2], ARGV[3]) end
local token = redis.call('INCR', KEYS[2])
local value = '{"token":' .. token .. ',' .. string.sub(ARGV[1], 2)
redis.call('SET', KEYS[1], value, 'PX', ARGV[2])
return {token, value}`;

/** KEYS: lease, fence. ARGV: token, value, ttl. 1 = still the holder, 0 = lost. */
const RENEW = `
local f = redis.call('GET', KEYS[2])
if not f then
  if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
  redis.call('SET', KEYS[2], ARGV[1])
elseif f ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`;

/** KEYS: lease, fence. ARGV: token. Frees the lease for a standby at once (a clean stop). */
const RELEASE = `
if redis.call('GET', KEYS[2]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Where a new fence counter starts: random below 2^40 (tokens stay exact in Lua's and JS's doubles). */
const randomTokenBase = (): number => randomInt(0, 2 ** 40);

type LeaseRedis = Redis & {
  warroomLeaseAcquire(lease: string, fence: string, holder: string, ttl: number, base: number): Promise<[number, string]>;
  warroomLeaseRenew(lease: string, fence: string, token: string, value: string, ttl: number): Promise<number>;
  warroomLeaseRelease(lease: string, fence: string, token: string): Promise<number>;
};

export function leaseKeys(prefix: string): { lease: string; fence: string } {
  return { lease: `${prefix}lease`, fence: `${prefix}lease:fence` };
}

function parseHolder(raw: string | null): LeaseHolder | null {
  if (!raw) return null;
  try {
    const h = JSON.parse(raw) as LeaseHolder;
    return typeof h.token === 'number' ? h : null;
  } catch {
    return null;
  }
}

export function describeHolder(h: LeaseHolder | null): string {
  if (!h) return 'an unknown process';
  return `${h.host} pid ${h.pid} since ${new Date(h.sinceMs).toISOString()} (token ${h.token})`;
}

export class Lease {
  readonly keys: { lease: string; fence: string };
  readonly #redis: LeaseRedis;
  readonly #o: LeaseOptions;
  readonly #node = randomUUID().slice(0, 8);
  #role: LeaseRole = 'standby';
  #token: number | null = null;
  #value = '';
  #holder: LeaseHolder | null = null;
  #timer: NodeJS.Timeout | undefined;
  #busy = false;
  #failing = false;
  #onLost: ((by: LeaseHolder | null) => void)[] = [];

  /** @param redis a connection of its own without an offline queue (a renewal must not wait behind other traffic) */
  constructor(redis: Redis, o: LeaseOptions) {
    redis.defineCommand('warroomLeaseAcquire', { numberOfKeys: 2, lua: ACQUIRE });
    redis.defineCommand('warroomLeaseRenew', { numberOfKeys: 2, lua: RENEW });
    redis.defineCommand('warroomLeaseRelease', { numberOfKeys: 2, lua: RELEASE });
    this.#redis = redis as LeaseRedis;
    this.#o = o;
    this.keys = leaseKeys(o.prefix);
  }

  get role(): LeaseRole {
    return this.#role;
  }

  /** The current token while this process holds the lease. */
  get token(): number | null {
    return this.#role === 'owner' ? this.#token : null;
  }

  /** The holder as last seen (this process while it owns the lease). */
  get holder(): LeaseHolder | null {
    return this.#holder;
  }

  /** Called once when the lease is lost to another process. */
  onLost(f: (by: LeaseHolder | null) => void): void {
    this.#onLost.push(f);
  }

  /** The fence for this process's writes. */
  fence(): Fence {
    return { key: this.keys.fence, token: () => this.token, refused: () => void this.#renew() };
  }

  /** One attempt; on success this process is the owner and keeps renewing. Throws when Redis cannot answer. */
  async tryAcquire(): Promise<boolean> {
    if (this.#role !== 'standby') return this.#role === 'owner';
    const me = JSON.stringify({ host: hostname(), pid: process.pid, sinceMs: this.#o.now(), node: this.#node });
    const [token, value] = await this.#answer(
      this.#redis.warroomLeaseAcquire(this.keys.lease, this.keys.fence, me, this.#o.ttlMs, randomTokenBase()),
    );
    const holder = parseHolder(value);
    if (token === 0) {
      if (holder?.node !== this.#holder?.node || holder?.token !== this.#holder?.token) {
        this.#o.log.warn(
          `standby: the ingest lease of prefix "${this.#o.prefix}" is held by ${describeHolder(holder)}; this process serves screens and takes over when that one stops renewing`,
        );
      }
      this.#holder = holder;
      return false;
    }
    this.#role = 'owner';
    this.#token = token;
    this.#value = value;
    this.#holder = holder;
    this.#o.log.info(`lease acquired: this process counts prefix "${this.#o.prefix}" with fencing token ${token}`);
    clearInterval(this.#timer);
    this.#timer = setInterval(() => void this.#renew(), Math.max(50, Math.floor(this.#o.ttlMs / 3)));
    return true;
  }

  /** Polls until the lease is free, then runs `takeOver` (once). */
  standBy(takeOver: () => Promise<void>): void {
    clearInterval(this.#timer);
    this.#timer = setInterval(
      () => {
        if (this.#busy || this.#role !== 'standby') return;
        this.#busy = true;
        this.tryAcquire()
          .then(
            (won) => {
              // Renewals share the busy flag: the lease must be renewed while the takeover loads the
              // checkpoint (which may outlast the lease), so the poll is done here.
              this.#busy = false;
              return won ? takeOver() : undefined;
            },
            (e: Error) => this.#warnOnce(`lease: Redis not reachable (${e.message}); still standing by`),
          )
          .catch((e: Error) => this.#o.log.error(`taking over failed: ${e.stack ?? e.message}`))
          .finally(() => {
            this.#busy = false;
          });
      },
      Math.max(50, Math.floor(this.#o.ttlMs / 6)),
    );
  }

  async #renew(): Promise<void> {
    if (this.#busy || this.#role !== 'owner' || this.#token === null) return;
    this.#busy = true;
    try {
      const ok = await this.#answer(
        this.#redis.warroomLeaseRenew(this.keys.lease, this.keys.fence, String(this.#token), this.#value, this.#o.ttlMs),
      );
      if (this.#failing) this.#o.log.info('lease renewed again');
      this.#failing = false;
      if (ok !== 1 && this.#role === 'owner') await this.#lose();
    } catch (e) {
      // Redis unreachable: keep counting (its writes are fenced anyway); the next renewal decides.
      this.#warnOnce(`lease renewal failed (${(e as Error).message}); retrying`);
    } finally {
      this.#busy = false;
    }
  }

  async #lose(): Promise<void> {
    this.#role = 'fenced';
    clearInterval(this.#timer);
    let by: LeaseHolder | null = null;
    try {
      by = parseHolder(await this.#redis.get(this.keys.lease));
    } catch {
      // Only for the message.
    }
    this.#holder = by;
    this.#o.log.error(
      `lease lost: ${describeHolder(by)} took over prefix "${this.#o.prefix}" from this process (token ${this.#token}); it stops counting and writes nothing more`,
    );
    for (const f of this.#onLost) f(by);
  }

  /** A reply within the lease's lifetime, or the connection is rebuilt (a half-open one never answers). */
  async #answer<T>(call: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`no reply within ${this.#o.ttlMs} ms`));
        this.#redis.disconnect(true);
      }, this.#o.ttlMs);
    });
    try {
      return await Promise.race([call, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  #warnOnce(msg: string): void {
    if (!this.#failing) this.#o.log.warn(msg);
    this.#failing = true;
  }

  /** Stops renewing or polling; an owner frees the lease so a standby takes over at once. */
  async release(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    const token = this.token;
    this.#role = this.#role === 'owner' ? 'standby' : this.#role;
    if (token === null) return;
    try {
      await this.#redis.warroomLeaseRelease(this.keys.lease, this.keys.fence, String(token));
    } catch {
      // The lease expires by itself.
    }
  }
}
