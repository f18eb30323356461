/**
 * The admin plane: event timing and goals, viewer tokens and accounts, the takeover banner and
 * remote reloads. Every action is validated, applied, pushed to the screens that need it and
 * audited (who, when, what, old → new). Event overrides and the banner are kept in Redis, so a
 * restart keeps what the admin set. The other nodes serving the prefix hear of each action through
 * `peers` and apply it to their screens with {@link AdminPlane.applyPeer}.
 */
import type { Redis } from 'ioredis';
import type { AccountInfo, Banner, EventPatch, ViewerTokenInfo } from '../shared/api';
import type { EventInfo } from '../shared/domain';
import { majorToMinorBig } from '../shared/money';
import type { Aggregator } from './aggregate/aggregator';
import { auditName, CredentialError, type CredentialStore, type Principal } from './security/credentials';
import { eventInfo, type EventDefinition } from './event';
import type { AdminMessage, PeerUpdate } from './admin-bus';
import type { Logger } from './log';

export class AdminError extends Error {}

/** What the admin plane needs from the running server. */
export interface AdminDeps {
  redis: Redis;
  prefix: string;
  creds: CredentialStore;
  aggregator: Aggregator;
  /** The event as it is now (mutable: the admin edits it). */
  event: EventDefinition;
  now: () => number;
  /** Screens: push the new event / banner, reload, drop the sockets of a credential. */
  screens: {
    event(e: EventInfo): void;
    banner(b: Banner | null): void;
    reload(): void;
    disconnect(match: (p: Principal) => boolean): number;
  };
  /** The other nodes serving the prefix. */
  peers?: { publish(m: AdminMessage): void };
  /** Does this node count (hold the ingest lease)? Milestones are checked against its count. @default always */
  counting?: () => boolean;
  log?: Logger;
}

/** Admin edits of the event file's values, as kept in Redis. */
interface EventOverrides {
  t0Ms?: number;
  targetMinor?: string;
  milestonesMinor?: string[];
}

const MAX_BANNER_CHARS = 200;

export class AdminPlane {
  readonly #d: AdminDeps;
  #banner: Banner | null = null;
  readonly #keys: { event: string; banner: string };

  constructor(d: AdminDeps) {
    this.#d = d;
    this.#keys = { event: `${d.prefix}sec:event`, banner: `${d.prefix}sec:banner` };
  }

  /** Applies what an admin set before a restart to the event file's values (before counting starts). */
  static async loadOverrides(redis: Redis, prefix: string, event: EventDefinition): Promise<void> {
    const raw = await redis.get(`${prefix}sec:event`);
    if (!raw) return;
    const o = JSON.parse(raw) as EventOverrides;
    if (typeof o.t0Ms === 'number') event.t0Ms = o.t0Ms;
    if (typeof o.targetMinor === 'string') event.targetMinor = BigInt(o.targetMinor);
    if (Array.isArray(o.milestonesMinor)) event.milestonesMinor = o.milestonesMinor.map((m) => BigInt(m));
  }

  async loadBanner(): Promise<void> {
    const raw = await this.#d.redis.get(this.#keys.banner);
    this.#banner = raw ? (JSON.parse(raw) as Banner) : null;
  }

  /** The banner while it lasts. */
  banner(): Banner | null {
    return this.#banner && this.#banner.untilMs > this.#d.now() ? this.#banner : null;
  }

  async patchEvent(p: Principal, patch: EventPatch): Promise<EventInfo> {
    if (typeof patch !== 'object' || patch === null) throw new AdminError('body must be an object');
    const e = this.#d.event;
    const before = auditEvent(e);
    const now = this.#d.now();
    let t0Ms = e.t0Ms;
    if (patch.t0Ms !== undefined && patch.shiftSeconds !== undefined) throw new AdminError('give t0Ms or shiftSeconds, not both');
    if (patch.t0Ms !== undefined) {
      if (typeof patch.t0Ms !== 'number' || !Number.isInteger(patch.t0Ms) || Math.abs(patch.t0Ms - now) > 30 * 86400_000) throw new AdminError('t0Ms must be whole ms within 30 days of now');
      t0Ms = patch.t0Ms;
    }
    if (patch.shiftSeconds !== undefined) {
      if (typeof patch.shiftSeconds !== 'number' || !Number.isInteger(patch.shiftSeconds) || Math.abs(patch.shiftSeconds) > 7 * 86400) throw new AdminError('shiftSeconds must be whole seconds within ±7 days');
      t0Ms = e.t0Ms + patch.shiftSeconds * 1000;
    }
    const money = (field: string, v: unknown): bigint => {
      if (typeof v !== 'string') throw new AdminError(`${field} must be a decimal string in major units`);
      try {
        return majorToMinorBig(v, e.minorDigits);
      } catch (err) {
        throw new AdminError(`${field} ${(err as Error).message}`);
      }
    };
    const targetMinor = patch.target === undefined ? e.targetMinor : money('target', patch.target);
    let milestones = e.milestonesMinor;
    if (patch.milestones !== undefined) {
      if (!Array.isArray(patch.milestones) || patch.milestones.length > 100) throw new AdminError('milestones must be an array of at most 100 decimal strings');
      // A standby has no count to check new milestones against (the owner would have to refuse them later).
      if (this.#d.counting && !this.#d.counting()) throw new AdminError('milestones can be edited only on the node that counts: this one stands by');
      milestones = patch.milestones.map((m, i) => money(`milestones[${i}]`, m));
      // Last year's total stays a milestone: it is how "passed last year" is detected.
      if (e.lastYearMinor !== null && e.lastYearMinor > 0n && !milestones.includes(e.lastYearMinor)) {
        milestones = [...milestones, e.lastYearMinor].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      }
      const refused = this.#d.aggregator.setMilestones(milestones, e.lastYearMinor);
      if (refused) throw new AdminError(refused);
    }
    e.t0Ms = t0Ms;
    e.targetMinor = targetMinor;
    e.milestonesMinor = milestones;
    const overrides: EventOverrides = { t0Ms, targetMinor: targetMinor.toString(), milestonesMinor: milestones.map(String) };
    await this.#d.redis.set(this.#keys.event, JSON.stringify(overrides));
    const after = eventInfo(e);
    await this.#d.creds.audit(auditName(p), 'event.update', before, auditEvent(e));
    this.#d.screens.event(after);
    this.#d.peers?.publish({ kind: 'event' });
    return after;
  }

  async setBanner(p: Principal, body: { text?: unknown; durationSec?: unknown }): Promise<Banner> {
    const text = body?.text;
    const dur = body?.durationSec;
    if (typeof text !== 'string' || text.trim() === '' || [...text].length > MAX_BANNER_CHARS) throw new AdminError(`text must be 1–${MAX_BANNER_CHARS} characters`);
    if (typeof dur !== 'number' || !Number.isInteger(dur) || dur < 5 || dur > 24 * 3600) throw new AdminError('durationSec must be whole seconds from 5 to 86400');
    const old = this.banner();
    const b: Banner = { text, untilMs: this.#d.now() + dur * 1000, by: auditName(p) };
    await this.#d.redis.set(this.#keys.banner, JSON.stringify(b), 'PX', dur * 1000);
    this.#banner = b;
    await this.#d.creds.audit(auditName(p), 'banner.set', old, b);
    this.#d.screens.banner(b);
    this.#d.peers?.publish({ kind: 'banner' });
    return b;
  }

  async clearBanner(p: Principal): Promise<void> {
    const old = this.banner();
    await this.#d.redis.del(this.#keys.banner);
    this.#banner = null;
    await this.#d.creds.audit(auditName(p), 'banner.clear', old, null);
    this.#d.screens.banner(null);
    this.#d.peers?.publish({ kind: 'banner' });
  }

  async reload(p: Principal): Promise<void> {
    await this.#d.creds.audit(auditName(p), 'screens.reload', null, null);
    this.#d.screens.reload();
    this.#d.peers?.publish({ kind: 'reload' });
  }

  async createToken(p: Principal, body: { name?: unknown }): Promise<{ token: string; info: ViewerTokenInfo }> {
    const r = await this.#wrap(() => this.#d.creds.createToken(body?.name as string, auditName(p)));
    await this.#d.creds.audit(auditName(p), 'token.create', null, r.info);
    return r;
  }

  async revokeToken(p: Principal, id: string): Promise<ViewerTokenInfo | null> {
    const before = this.#d.creds.listTokens().find((t) => t.id === id) ?? null;
    const info = await this.#d.creds.revokeToken(id);
    if (!info) return null;
    const dropped = this.#d.screens.disconnect((q) => q.cred === `token:${id}`);
    this.#d.peers?.publish({ kind: 'revoke', cred: `token:${id}` });
    await this.#d.creds.audit(auditName(p), 'token.revoke', before, { ...info, socketsClosed: dropped });
    return info;
  }

  async putAccount(p: Principal, body: { username?: unknown; password?: unknown; role?: unknown }): Promise<AccountInfo> {
    const before = this.#d.creds.listAccounts().find((a) => a.username === body?.username) ?? null;
    const info = await this.#wrap(() => this.#d.creds.putAccount(body?.username as string, body?.password as string, body?.role as 'executive', auditName(p)));
    if (before) {
      this.#d.screens.disconnect((q) => q.username === info.username);
      this.#d.peers?.publish({ kind: 'revoke', username: info.username });
    }
    await this.#d.creds.audit(auditName(p), before ? 'account.update' : 'account.create', before, info);
    return info;
  }

  async disableAccount(p: Principal, username: string): Promise<AccountInfo | null> {
    const before = this.#d.creds.listAccounts().find((a) => a.username === username) ?? null;
    const info = await this.#d.creds.disableAccount(username);
    if (!info) return null;
    const dropped = this.#d.screens.disconnect((q) => q.username === username);
    this.#d.peers?.publish({ kind: 'revoke', username });
    await this.#d.creds.audit(auditName(p), 'account.disable', before, { ...info, socketsClosed: dropped });
    return info;
  }

  /** Applies what an admin did on another node (or everything, after this node may have missed some). */
  async applyPeer(u: PeerUpdate): Promise<void> {
    const screens = this.#d.screens;
    if (u.kind === 'banner' || u.kind === 'resync') {
      await this.loadBanner();
      screens.banner(this.banner());
    }
    if (u.kind === 'event' || u.kind === 'resync') await this.#reloadEvent();
    if (u.kind === 'reload') screens.reload();
    if (u.kind === 'revoke' || u.kind === 'resync') await this.#d.creds.refresh();
    if (u.kind === 'revoke') {
      if (u.username) this.#d.creds.forgetSessions(u.username);
      screens.disconnect((q) => (u.cred !== undefined && q.cred === u.cred) || (u.username !== undefined && q.username === u.username));
    }
  }

  /** The event as another node stored it; new milestones are checked against this node's count. */
  async #reloadEvent(): Promise<void> {
    const e = this.#d.event;
    const before = e.milestonesMinor;
    await AdminPlane.loadOverrides(this.#d.redis, this.#d.prefix, e);
    if (e.milestonesMinor.join() !== before.join()) {
      const refused = this.#d.aggregator.setMilestones(e.milestonesMinor, e.lastYearMinor);
      if (refused) {
        e.milestonesMinor = before;
        this.#d.log?.warn(`milestones set on another node not applied here: ${refused}`);
      }
    }
    this.#d.screens.event(eventInfo(e));
  }

  async #wrap<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      if (e instanceof CredentialError) throw new AdminError(e.message);
      throw e;
    }
  }
}

/** The editable part of the event, as the audit log records it. */
function auditEvent(e: EventDefinition): { t0: string; targetMinor: string; milestonesMinor: string[] } {
  return { t0: new Date(e.t0Ms).toISOString(), targetMinor: e.targetMinor.toString(), milestonesMinor: e.milestonesMinor.map(String) };
}
