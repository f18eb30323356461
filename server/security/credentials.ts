/**
 * Who may see what: named viewer tokens for wall devices, local accounts (executive, admin) with
 * scrypt-hashed passwords and sessions, all in Redis so every node agrees, cached in memory and
 * refreshed every few seconds (a revocation elsewhere is seen within one refresh). The two tokens
 * from the environment stay valid as bootstrap credentials: the viewer token (the URL printed at
 * start) and the admin token (break-glass). Secrets are stored only as SHA-256 digests.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { AccountInfo, AccountRole, AuditEntry, Role, ViewerTokenInfo } from '../../shared/api';
import type { Logger } from '../log';
import { hashPassword, passwordProblem, verifyPassword } from './password';
import { SessionStore, sha256 } from './sessions';

/** Someone the server has authenticated. `cred` identifies the credential for revocation. */
export interface Principal {
  role: Role;
  name: string;
  /** "env:viewer", "env:admin", "token:<id>" or "session:<digest>". */
  cred: string;
  /** For sessions: the account's username. */
  username?: string;
  /** Digest of the session the principal came with (an account's, or a device's from `?token=`). */
  session?: string;
}

/** A wall device's session lasts this long after it was last used. */
export const DEVICE_SESSION_TTL_MS = 30 * 86400_000;

export class CredentialError extends Error {}

interface StoredToken extends ViewerTokenInfo {
  digest: string;
}

interface StoredAccount extends AccountInfo {
  passwordHash: string;
}

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
  readonly #sessions: SessionStore;
  readonly #envDigests: { admin: string; viewer: string };
  #timer: NodeJS.Timeout | undefined;
  readonly #keys: { tokens: string; accounts: string; audit: string };

  constructor(redis: Redis, o: CredentialOptions) {
    this.#redis = redis;
    this.#o = o;
    const p = `${o.prefix}sec:`;
    this.#keys = { tokens: `${p}tokens`, accounts: `${p}accounts`, audit: `${p}audit` };
    this.#sessions = new SessionStore(redis, o.prefix, o.now);
    this.#envDigests = { admin: sha256(o.adminToken), viewer: sha256(o.viewerToken) };
  }

  /** Loads tokens and accounts, then refreshes them every `refreshMs`. */
  async start(refreshMs = 5000): Promise<void> {
    await this.refresh();
    this.#timer = setInterval(
      () => void this.refresh().catch((e) => this.#o.log.warn(`credentials refresh failed: ${(e as Error).message}`)),
      refreshMs,
    );
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
    this.#sessions.prune();
  }

  /** A bearer token (query, header or socket auth): the env tokens or a named viewer token. */
  byToken(secret: string | undefined): Principal | null {
    if (!secret || secret.length > 256) return null;
    return this.#byTokenDigest(sha256(secret));
  }

  #byTokenDigest(d: string): Principal | null {
    if (d === this.#envDigests.admin) return { role: 'admin', name: 'admin token', cred: 'env:admin' };
    if (d === this.#envDigests.viewer) return { role: 'viewer', name: 'viewer token', cred: 'env:viewer' };
    const t = this.#tokenByDigest.get(d);
    if (!t || t.revokedAtMs !== null) return null;
    return { role: 'viewer', name: t.name, cred: `token:${t.id}` };
  }

  /**
   * A session cookie's value: the account behind it while the session lasts and the account is
   * enabled, or the token a device session references while the token is valid.
   */
  async bySession(sessionId: string | undefined): Promise<Principal | null> {
    if (!sessionId || sessionId.length > 128) return null;
    return this.#fromSession(sha256(sessionId));
  }

  async #fromSession(d: string): Promise<Principal | null> {
    const rec = await this.#sessions.get(d);
    if (!rec) return null;
    if (rec.kind === 'device') {
      const p = this.#byTokenDigest(rec.tokenDigest);
      return p ? { ...p, session: d } : null;
    }
    const a = this.#accounts.get(rec.username);
    if (!a || a.disabledAtMs !== null) return null;
    return { role: a.role, name: a.username, cred: `session:${d}`, username: a.username, session: d };
  }

  /** Is a principal authenticated earlier still valid (not revoked, not disabled, session alive)? */
  async stillValid(p: Principal): Promise<boolean> {
    if (p.session) return (await this.#fromSession(p.session))?.cred === p.cred;
    if (p.cred === 'env:admin' || p.cred === 'env:viewer') return true;
    if (p.cred.startsWith('token:')) {
      const t = this.#tokens.get(p.cred.slice(6));
      return t !== undefined && t.revokedAtMs === null;
    }
    return false;
  }

  /**
   * Trades a token for a device session (the cookie of a page opened with `?token=`). A viewer's
   * slides with use ({@link DEVICE_SESSION_TTL_MS}); the admin token's lasts one session TTL.
   */
  async openDeviceSession(token: string): Promise<{ sessionId: string; principal: Principal; sliding: boolean; ttlMs: number } | null> {
    const p = this.byToken(token);
    if (!p) return null;
    const sliding = p.role === 'viewer';
    const ttlMs = sliding ? DEVICE_SESSION_TTL_MS : this.#o.sessionTtlMs;
    const { id, digest } = await this.#sessions.open(
      { kind: 'device', tokenDigest: sha256(token), createdAtMs: this.#o.now(), ttlMs, renew: sliding },
      ttlMs,
    );
    return { sessionId: id, principal: { ...p, session: digest }, sliding, ttlMs };
  }

  /** Checks a password; on success opens a session and returns its id (the cookie value). */
  async login(username: string, password: string): Promise<{ sessionId: string; principal: Principal } | null> {
    const a = typeof username === 'string' ? this.#accounts.get(username) : undefined;
    if (!a || a.disabledAtMs !== null || typeof password !== 'string' || password.length > 256) {
      // A failed first hash (refused while busy) must not stay cached as a rejection.
      dummyHash ??= hashPassword(randomBytes(16).toString('hex')).catch((e: unknown) => {
        dummyHash = null;
        throw e;
      });
      await verifyPassword(typeof password === 'string' ? password.slice(0, 256) : '', await dummyHash);
      return null;
    }
    if (!(await verifyPassword(password, a.passwordHash))) return null;
    const { id, digest } = await this.#sessions.open(
      { kind: 'account', username: a.username, createdAtMs: this.#o.now() },
      this.#o.sessionTtlMs,
    );
    return {
      sessionId: id,
      principal: { role: a.role, name: a.username, cred: `session:${digest}`, username: a.username, session: digest },
    };
  }

  /** Forgets the cached sessions of an account (another node ended them): the next use asks Redis. */
  forgetSessions(username: string): void {
    this.#sessions.forget(username);
  }

  async logout(p: Principal): Promise<void> {
    if (p.session) await this.#sessions.end(p.session);
  }

  listTokens(): ViewerTokenInfo[] {
    return [...this.#tokens.values()].map(({ digest: _d, ...info }) => info).sort((a, b) => b.createdAtMs - a.createdAtMs);
  }

  async createToken(name: string, by: string): Promise<{ token: string; info: ViewerTokenInfo }> {
    if (typeof name !== 'string' || name.trim() === '' || name.length > 80) throw new CredentialError('name must be 1–80 characters');
    const id = randomBytes(6).toString('base64url');
    const token = `wrv_${randomBytes(24).toString('base64url')}`;
    const stored: StoredToken = {
      id,
      name: name.trim(),
      createdAtMs: this.#o.now(),
      createdBy: by,
      revokedAtMs: null,
      digest: sha256(token),
    };
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
  async putAccount(username: string, password: string, role: AccountRole, by: string): Promise<AccountInfo> {
    if (typeof username !== 'string' || !USERNAME.test(username))
      throw new CredentialError('username must be 3–32 of a-z 0-9 . _ - (lower case), starting with a letter or digit');
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
    await this.#sessions.endAccount(username);
  }

  /** Appends to the audit stream: who did what, old → new (never secrets). */
  async audit(who: string, action: string, oldValue: unknown, newValue: unknown): Promise<void> {
    await this.#redis.xadd(
      this.#keys.audit,
      'MAXLEN',
      '~',
      '100000',
      '*',
      'at',
      String(this.#o.now()),
      'who',
      who,
      'action',
      action,
      'old',
      JSON.stringify(oldValue ?? null),
      'new',
      JSON.stringify(newValue ?? null),
    );
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
