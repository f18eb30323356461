/**
 * Server-side sessions: the cookie holds a random id, Redis holds what it stands for under the
 * id's SHA-256 digest, with a TTL. Two kinds: an account's sign-in, and a device's (a page opened
 * with `?token=`), which references its token by digest so revoking the token ends it without
 * the raw token ever sitting in a cookie. Each node caches a looked-up session for 5 s; lookups
 * of one session waiting on Redis share one request. When Redis is slow or down, what this node
 * knew of a session in the last 10 minutes stands: a wall that reconnects during an outage must not
 * be refused (a refused socket.io client does not retry), and nothing can be revoked meanwhile.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { within } from '../redis';

export type SessionRecord =
  | { kind: 'account'; username: string; createdAtMs: number }
  /** `renew`: the TTL slides with use (wall devices); otherwise it ends at its TTL. */
  | { kind: 'device'; tokenDigest: string; createdAtMs: number; ttlMs: number; renew: boolean };

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

const CACHE_MS = 5000;
/** How long a lookup may wait on Redis before the last known answer is used instead. */
const LOOKUP_TIMEOUT_MS = 3000;
/** How old that last known answer may be. */
const STALE_OK_MS = 10 * 60_000;
/** A sliding session's TTL is pushed back at most this often per node. */
const RENEW_EVERY_MS = 3600_000;

interface Cached {
  rec: SessionRecord | null;
  checkedMs: number;
  renewedMs: number;
}

export class SessionStore {
  readonly #redis: Redis;
  readonly #now: () => number;
  readonly #key: (d: string) => string;
  readonly #userKey: (u: string) => string;
  readonly #cache = new Map<string, Cached>();
  readonly #inFlight = new Map<string, Promise<SessionRecord | null>>();

  constructor(redis: Redis, prefix: string, now: () => number) {
    this.#redis = redis;
    this.#now = now;
    this.#key = (d) => `${prefix}sec:session:${d}`;
    this.#userKey = (u) => `${prefix}sec:sessions:${u}`;
  }

  /** Opens a session; returns its id (the cookie value) and digest. */
  async open(rec: SessionRecord, ttlMs: number): Promise<{ id: string; digest: string }> {
    const id = randomBytes(32).toString('base64url');
    const d = sha256(id);
    const m = this.#redis.multi().set(this.#key(d), JSON.stringify(rec), 'PX', ttlMs);
    // An account's sessions are listed so a new password or a disabled account ends them all.
    if (rec.kind === 'account') m.sadd(this.#userKey(rec.username), d).pexpire(this.#userKey(rec.username), ttlMs);
    await m.exec();
    const now = this.#now();
    this.#cache.set(d, { rec, checkedMs: now, renewedMs: now });
    return { id, digest: d };
  }

  /** What the session with digest `d` stands for, or null when it ended or never existed. */
  async get(d: string): Promise<SessionRecord | null> {
    const now = this.#now();
    const c = this.#cache.get(d);
    if (c && now - c.checkedMs <= CACHE_MS) return c.rec;
    let p = this.#inFlight.get(d);
    if (!p) {
      p = this.#load(d).finally(() => this.#inFlight.delete(d));
      this.#inFlight.set(d, p);
    }
    try {
      return await within(p, LOOKUP_TIMEOUT_MS, 'session lookup timed out');
    } catch (e) {
      const known = this.#cache.get(d);
      if (known && this.#now() - known.checkedMs <= STALE_OK_MS) return known.rec;
      throw e;
    }
  }

  async #load(d: string): Promise<SessionRecord | null> {
    const raw = await this.#redis.get(this.#key(d));
    let rec: SessionRecord | null;
    try {
      const x = raw ? (JSON.parse(raw) as Partial<SessionRecord> & { username?: string }) : null;
      // Sessions stored before device sessions existed have no kind: they are accounts'.
      rec = x ? ((x.kind ? x : { ...x, kind: 'account' }) as SessionRecord) : null;
    } catch {
      rec = null;
    }
    const now = this.#now();
    const prev = this.#cache.get(d);
    const c: Cached = { rec, checkedMs: now, renewedMs: prev?.renewedMs ?? 0 };
    if (rec?.kind === 'device' && rec.renew && now - c.renewedMs > RENEW_EVERY_MS) {
      c.renewedMs = now;
      this.#redis.pexpire(this.#key(d), rec.ttlMs).catch(() => undefined);
    }
    this.#cache.set(d, c);
    if (this.#cache.size > 100_000) this.#cache.delete(this.#cache.keys().next().value!);
    return rec;
  }

  async end(d: string): Promise<void> {
    await this.#redis.del(this.#key(d));
    this.#cache.set(d, { rec: null, checkedMs: this.#now(), renewedMs: 0 });
  }

  async endAccount(username: string): Promise<void> {
    const ds = await this.#redis.smembers(this.#userKey(username));
    if (ds.length > 0) await this.#redis.del(...ds.map((d) => this.#key(d)));
    await this.#redis.del(this.#userKey(username));
    for (const d of ds) this.#cache.set(d, { rec: null, checkedMs: this.#now(), renewedMs: 0 });
  }

  /** Forgets the cached sessions of an account (another node ended them): the next use asks Redis. */
  forget(username: string): void {
    for (const [d, c] of this.#cache) if (c.rec?.kind === 'account' && c.rec.username === username) this.#cache.delete(d);
  }

  /** Forgets cache entries too old to stand in for Redis (bounded memory). */
  prune(): void {
    const now = this.#now();
    for (const [d, c] of this.#cache) if (now - c.checkedMs > STALE_OK_MS) this.#cache.delete(d);
  }
}
