/**
 * Who may see what: named viewer tokens for wall devices, local accounts (executive, admin) with
 * scrypt-hashed passwords and sessions, all in Redis so every node agrees, cached in memory and
 * refreshed every few seconds (a revocation elsewhere is seen within one refresh). The two tokens
 * from the environment stay valid as bootstrap credentials: the viewer token (the URL printed at
 * start) and the admin token (break-glass). Secrets are stored only as SHA-256 digests.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { AccountInfo, AuditEntry, Role, ViewerTokenInfo } from '../../shared/api';
import type { Logger } from '../log';
import { hashPassword, passwordProblem, verifyPassword } from './password';

/** Someone the server has authenticated. `cred` identifies the credential for revocation. */
export interface Principal {
  role: Role;
  name: string;
  /** "env:viewer", "env:admin", "token:<id>" or "session:<digest>". */
  cred: string;
  /** For sessions: the account's username. */
  username?: string;
}

export class CredentialError extends Error {}

interface StoredToken extends ViewerTokenInfo {
  digest: string;
}

interface StoredAccount extends AccountInfo {
  passwordHash: string;
}

interface StoredSession {
  username: string;
  createdAtMs: number;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const sameSecret = (a: string, b: string): boolean => timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

export const USERNAME = /^[a-z0-9][a-z0-9._-]{2,31}$/;
/** A hash to verify against when the username does not exist, so both answers take as long. */
let dummyHash: Promise<string> | null = null;

export interface CredentialOptions {
  prefix: string;
  viewerToken: string;
  adminToken: string;
  sessionTtlMs: number;
  now: () => number;
  log: Logger;
}

export class CredentialStore {
  readonly #redis: Redis;
  readonly #o: CredentialOptions;
  #tokens = new Map<string, StoredToken>();
  #tokenByDigest = new Map<string, StoredToken>();
  #accounts = new Map<string, StoredAccount>();
  /** Session digest → session, with the time it was last confirmed in Redis. */
  readonly #sessions = new Map<string, { s: StoredSession | null; checkedMs: number }>();
  #timer: NodeJS.Timeout | undefined;
  readonly #keys: { tokens: string; accounts: string; session: (d: string) => string; userSessions: (u: string) => string; audit: string };

  constructor(redis: Redis, o: CredentialOptions) {
    this.#redis = redis;
    this.#o = o;
    const p = `${o.prefix}sec:`;
    this.#keys = {
      tokens: `${p}tokens`,
      accounts: `${p}accounts`,
      session: (d) => `${p}session:${d}`,
      userSessions: (u) => `${p}sessions:${u}`,
      audit: `${p}audit`,
    };
  }

  /** Loads tokens and accounts, then refreshes them every `refreshMs`. */
  async start(refreshMs = 5000): Promise<void> {
    await this.refresh();
    this.#timer = setInterval(() => void this.refresh().catch((e) => this.#o.log.warn(`credentials refresh failed: ${(e as Error).message}`)), refreshMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  async refresh(): Promise<void> {
    const [tokens, accounts] = await Promise.all([this.#redis.hgetall(this.#keys.tokens), this.#redis.hgetall(this.#keys.accounts)]);
    const t = new Map<string, StoredToken>();
    for (const v of Object.values(tokens)) {
      try {
        const x = JSON.parse(v) as StoredToken;
        t.set(x.id, x);
      } catch {
        this.#o.log.warn('a stored viewer token is not JSON: ignored');
      }
    }
    const a = new Map<string, StoredAccount>();
    for (const v of Object.values(accounts)) {
      try {
        const x = JSON.parse(v) as StoredAccount;
        a.set(x.username, x);
      } catch {
        this.#o.log.warn('a stored account is not JSON: ignored');
      }
    }
    this.#tokens = t;
    this.#tokenByDigest = new Map([...t.values()].map((x) => [x.digest, x]));
    this.#accounts = a;
    // Sessions are re-confirmed lazily; drop the cache so revocations elsewhere count at once.
    const now = this.#o.now();
    for (const [d, c] of this.#sessions) if (now - c.checkedMs > 60_000) this.#sessions.delete(d);
  }

  /** A bearer token (query, header, cookie or socket auth): the env tokens or a named viewer token. */
  byToken(secret: string | undefined): Principal | null {
    if (!secret || secret.length > 256) return null;
    if (sameSecret(secret, this.#o.adminToken)) return { role: 'admin', name: 'admin token', cred: 'env:admin' };
    if (sameSecret(secret, this.#o.viewerToken)) return { role: 'viewer', name: 'viewer token', cred: 'env:viewer' };
    const t = this.#tokenByDigest.get(sha256(secret));
    if (!t || t.revokedAtMs !== null) return null;
    return { role: 'viewer', name: t.name, cred: `token:${t.id}` };
  }

  /** A session cookie's value: the account behind it while the session lasts and the account is enabled. */
  async bySession(sessionId: string | undefined): Promise<Principal | null> {
    if (!sessionId || sessionId.length > 128) return null;
    const d = sha256(sessionId);
    const now = this.#o.now();
    let c = this.#sessions.get(d);
    if (!c || now - c.checkedMs > 5000) {
      const raw = await this.#redis.get(this.#keys.session(d));
      let s: StoredSession | null = null;
      try {
        s = raw ? (JSON.parse(raw) as StoredSession) : null;
      } catch {
        s = null;
      }
      c = { s, checkedMs: now };
      this.#sessions.set(d, c);
      if (this.#sessions.size > 100_000) this.#sessions.delete(this.#sessions.keys().next().value!);
    }
    if (!c.s) return null;
    const a = this.#accounts.get(c.s.username);
    if (!a || a.disabledAtMs !== null) return null;
    return { role: a.role, name: a.username, cred: `session:${d}`, username: a.username };
  }

  /** Is a principal authenticated earlier still valid (not revoked, not disabled, session alive)? */
  async stillValid(p: Principal): Promise<boolean> {
    if (p.cred === 'env:admin' || p.cred === 'env:viewer') return true;
    if (p.cred.startsWith('token:')) {
      const t = this.#tokens.get(p.cred.slice(6));
      return t !== undefined && t.revokedAtMs === null;
    }
    if (p.cred.startsWith('session:')) {
      const d = p.cred.slice(8);
      const c = this.#sessions.get(d);
      if (!c || this.#o.now() - c.checkedMs > 5000) {
        const exists = await this.#redis.exists(this.#keys.session(d));
        this.#sessions.set(d, { s: exists ? (c?.s ?? { username: p.username ?? '', createdAtMs: 0 }) : null, checkedMs: this.#o.now() });
        if (!exists) return false;
      } else if (!c.s) return false;
      const a = this.#accounts.get(p.username ?? '');
      return a !== undefined && a.disabledAtMs === null;
    }
    return false;
  }

  /** Checks a password; on success opens a session and returns its id (the cookie value). */
  async login(username: string, password: string): Promise<{ sessionId: string; principal: Principal } | null> {
    const a = typeof username === 'string' ? this.#accounts.get(username) : undefined;
    if (!a || a.disabledAtMs !== null || typeof password !== 'string' || password.length > 256) {
      dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
      await verifyPassword(typeof password === 'string' ? password.slice(0, 256) : '', await dummyHash);
      return null;
    }
    if (!(await verifyPassword(password, a.passwordHash))) return null;
    const sessionId = randomBytes(32).toString('base64url');
    const d = sha256(sessionId);
    const s: StoredSession = { username: a.username, createdAtMs: this.#o.now() };
    await this.#redis
      .multi()
      .set(this.#keys.session(d), JSON.stringify(s), 'PX', this.#o.sessionTtlMs)
      .sadd(this.#keys.userSessions(a.username), d)
      .pexpire(this.#keys.userSessions(a.username), this.#o.sessionTtlMs)
      .exec();
    this.#sessions.set(d, { s, checkedMs: this.#o.now() });
    return { sessionId, principal: { role: a.role, name: a.username, cred: `session:${d}`, username: a.username } };
  }

  /** Forgets the cached sessions of an account (another node ended them): the next use asks Redis. */
  forgetSessions(username: string): void {
    for (const [d, c] of this.#sessions) if (c.s?.username === username) this.#sessions.delete(d);
  }

  async logout(p: Principal): Promise<void> {
    if (!p.cred.startsWith('session:')) return;
    const d = p.cred.slice(8);
    await this.#redis.del(this.#keys.session(d));
    this.#sessions.set(d, { s: null, checkedMs: this.#o.now() });
  }

  listTokens(): ViewerTokenInfo[] {
    return [...this.#tokens.values()].map(({ digest: _d, ...info }) => info).sort((a, b) => b.createdAtMs - a.createdAtMs);
  }

  async createToken(name: string, by: string): Promise<{ token: string; info: ViewerTokenInfo }> {
    if (typeof name !== 'string' || name.trim() === '' || name.length > 80) throw new CredentialError('name must be 1–80 characters');
    const id = randomBytes(6).toString('base64url');
    const token = `wrv_${randomBytes(24).toString('base64url')}`;
    const stored: StoredToken = { id, name: name.trim(), createdAtMs: this.#o.now(), createdBy: by, revokedAtMs: null, digest: sha256(token) };
    await this.#redis.hset(this.#keys.tokens, id, JSON.stringify(stored));
    this.#tokens.set(id, stored);
    this.#tokenByDigest.set(stored.digest, stored);
    const { digest: _d, ...info } = stored;
    return { token, info };
  }

  async revokeToken(id: string): Promise<ViewerTokenInfo | null> {
    const t = this.#tokens.get(id);
    if (!t) return null;
    if (t.revokedAtMs === null) {
      t.revokedAtMs = this.#o.now();
      await this.#redis.hset(this.#keys.tokens, id, JSON.stringify(t));
    }
    const { digest: _d, ...info } = t;
    return info;
  }

  listAccounts(): AccountInfo[] {
    return [...this.#accounts.values()].map(({ passwordHash: _p, ...info }) => info).sort((a, b) => a.username.localeCompare(b.username));
  }

  /** Creates an account, or replaces the password and role of an existing one (re-enabling it). */
  async putAccount(username: string, password: string, role: 'executive' | 'admin', by: string): Promise<AccountInfo> {
    if (typeof username !== 'string' || !USERNAME.test(username)) throw new CredentialError('username must be 3–32 of a-z 0-9 . _ - (lower case), starting with a letter or digit');
    if (role !== 'executive' && role !== 'admin') throw new CredentialError('role must be "executive" or "admin"');
    const problem = passwordProblem(password, username);
    if (problem) throw new CredentialError(`password ${problem}`);
    const prev = this.#accounts.get(username);
    const stored: StoredAccount = {
      username,
      role,
      createdAtMs: prev?.createdAtMs ?? this.#o.now(),
      createdBy: prev?.createdBy ?? by,
      disabledAtMs: null,
      passwordHash: await hashPassword(password),
    };
    await this.#redis.hset(this.#keys.accounts, username, JSON.stringify(stored));
    this.#accounts.set(username, stored);
    if (prev) await this.#endSessions(username); // a new password ends the old sessions
    const { passwordHash: _p, ...info } = stored;
    return info;
  }

  async disableAccount(username: string): Promise<AccountInfo | null> {
    const a = this.#accounts.get(username);
    if (!a) return null;
    if (a.disabledAtMs === null) {
      a.disabledAtMs = this.#o.now();
      await this.#redis.hset(this.#keys.accounts, username, JSON.stringify(a));
    }
    await this.#endSessions(username);
    const { passwordHash: _p, ...info } = a;
    return info;
  }

  async #endSessions(username: string): Promise<void> {
    const ds = await this.#redis.smembers(this.#keys.userSessions(username));
    if (ds.length > 0) await this.#redis.del(...ds.map((d) => this.#keys.session(d)));
    await this.#redis.del(this.#keys.userSessions(username));
    for (const d of ds) this.#sessions.set(d, { s: null, checkedMs: this.#o.now() });
  }

  /** Appends to the audit stream: who did what, old → new (never secrets). */
  async audit(who: string, action: string, oldValue: unknown, newValue: unknown): Promise<void> {
    await this.#redis.xadd(this.#keys.audit, 'MAXLEN', '~', '100000', '*', 'at', String(this.#o.now()), 'who', who, 'action', action, 'old', JSON.stringify(oldValue ?? null), 'new', JSON.stringify(newValue ?? null));
  }

  async listAudit(count = 200): Promise<AuditEntry[]> {
    const rows = await this.#redis.xrevrange(this.#keys.audit, '+', '-', 'COUNT', count);
    return rows.map(([id, f]) => {
      const m: Record<string, string> = {};
      for (let i = 0; i + 1 < f.length; i += 2) m[f[i]!] = f[i + 1]!;
      return { id, atMs: Number(m.at), who: m.who ?? '', action: m.action ?? '', old: m.old ?? 'null', new: m.new ?? 'null' };
    });
  }
}

/** How a principal is named in the audit log. */
export function auditName(p: Principal): string {
  if (p.cred === 'env:admin') return 'token:admin';
  if (p.username) return `account:${p.username}`;
  return `${p.cred.split(':')[0]}:${p.name}`;
}
