/**
 * The admin plane: event timing and goals, viewer tokens and accounts, the takeover banner and
 * remote reloads. Every action is validated, applied, pushed to the screens that need it and
 * audited (who, when, what, old → new). Event overrides and the banner are kept in Redis, so a
 * restart keeps what the admin set. The other nodes serving the prefix hear of each action through
 * `peers` and apply it to their screens with {@link AdminPlane.applyPeer}.
 */
import type { Redis } from 'ioredis';
import type { AccountInfo, AccountRole, EventPatch, T0Change, ViewerTokenInfo } from '../shared/api';
import type { EventInfo } from '../shared/domain';
import type { Alarm, Banner } from '../shared/wire';
import { majorToMinorBig } from '../shared/money';
import type { Aggregator } from './aggregate/aggregator';
import type { AlarmBoard, RaiseAlarm } from './alarms';
import { auditName, CredentialError, type CredentialStore, type Principal } from './security/credentials';
import { eventInfo, type EventDefinition } from './event';
import { MAX_BANNER_CHARS, parseBanner, parseEventOverrides, readStored, type EventOverrides } from './admin-stored';
import type { AdminMessage, PeerUpdate } from './admin-bus';
import type { Logger } from './log';

export class AdminError extends Error {}

/** A change that needs `confirm: true` (answered 409 with what it would change). */
export class AdminConfirmNeeded extends AdminError {
  constructor(
    message: string,
    readonly t0Change: T0Change,
  ) {
    super(message);
  }
}

/** What the admin plane needs from the running server. */
export interface AdminDeps {
  redis: Redis;
  prefix: string;
  creds: CredentialStore;
  /** The aggregator counting now (replaced when the process takes over). */
  aggregator: () => Aggregator;
  alarms: AlarmBoard;
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

export class AdminPlane {
  readonly #d: AdminDeps;
  #banner: Banner | null = null;
  readonly #keys: { event: string; banner: string };

  constructor(d: AdminDeps) {
    this.#d = d;
    this.#keys = { event: `${d.prefix}sec:event`, banner: `${d.prefix}sec:banner` };
  }

  /**
   * Applies what an admin set before a restart to the event file's values (before counting starts).
   * Unreadable parts are skipped: returns the `config_garbage` alarms to raise for them.
   */
  static async loadOverrides(redis: Redis, prefix: string, event: EventDefinition): Promise<RaiseAlarm[]> {
    const key = `${prefix}sec:event`;
    const garbage = (why: string): RaiseAlarm => ({
      kind: 'config_garbage',
      stream: key,
      detail: `stored event override ignored: ${why}; the event file's value applies`,
    });
    const { raw, problem } = await readStored(redis, key);
    if (problem) return [garbage(problem)];
    if (!raw) return [];
    const { value: o, problems } = parseEventOverrides(raw);
    if (o.t0Ms !== undefined) event.t0Ms = o.t0Ms;
    if (o.targetMinor !== undefined) event.targetMinor = BigInt(o.targetMinor);
    if (o.milestonesMinor !== undefined) event.milestonesMinor = o.milestonesMinor.map((m) => BigInt(m));
    return problems.map(garbage);
  }

  /** Reads the banner kept across a restart; an unreadable one is dropped with a `config_garbage` alarm. */
  async loadBanner(): Promise<void> {
    const key = this.#keys.banner;
    const stored = await readStored(this.#d.redis, key);
    const parsed = stored.raw ? parseBanner(stored.raw) : { value: null, problem: null };
    const problem = stored.problem ?? parsed.problem;
    this.#banner = parsed.value;
    if (problem) this.#d.alarms.raise({ kind: 'config_garbage', stream: key, detail: `stored banner ignored: ${problem}` });
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
    if (patch.confirm !== undefined && typeof patch.confirm !== 'boolean') throw new AdminError('confirm must be true or false');
    if (patch.t0Ms !== undefined && patch.shiftSeconds !== undefined) throw new AdminError('give t0Ms or shiftSeconds, not both');
    if (patch.t0Ms !== undefined) {
      if (typeof patch.t0Ms !== 'number' || !Number.isInteger(patch.t0Ms) || Math.abs(patch.t0Ms - now) > 30 * 86400_000)
        throw new AdminError('t0Ms must be whole ms within 30 days of now');
      t0Ms = patch.t0Ms;
    }
    if (patch.shiftSeconds !== undefined) {
      if (typeof patch.shiftSeconds !== 'number' || !Number.isInteger(patch.shiftSeconds) || Math.abs(patch.shiftSeconds) > 7 * 86400)
        throw new AdminError('shiftSeconds must be whole seconds within ±7 days');
      t0Ms = e.t0Ms + patch.shiftSeconds * 1000;
    }
    const t0Change = t0Ms === e.t0Ms ? null : this.#t0Change(e.t0Ms, t0Ms, patch.confirm === true);
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
      if (!Array.isArray(patch.milestones) || patch.milestones.length > 100)
        throw new AdminError('milestones must be an array of at most 100 decimal strings');
      // A standby has no count to check new milestones against (the owner would have to refuse them later).
      if (this.#d.counting && !this.#d.counting())
        throw new AdminError('milestones can be edited only on the node that counts: this one stands by');
      milestones = patch.milestones.map((m, i) => money(`milestones[${i}]`, m));
      // Last year's total stays a milestone: it is how "passed last year" is detected.
      if (e.lastYearMinor !== null && e.lastYearMinor > 0n && !milestones.includes(e.lastYearMinor)) {
        milestones = [...milestones, e.lastYearMinor].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      }
      const refused = this.#d.aggregator().setMilestones(milestones, e.lastYearMinor);
      if (refused) throw new AdminError(refused);
    }
    e.t0Ms = t0Ms;
    e.targetMinor = targetMinor;
    e.milestonesMinor = milestones;
    const overrides: EventOverrides = { t0Ms, targetMinor: targetMinor.toString(), milestonesMinor: milestones.map(String) };
    await this.#d.redis.set(this.#keys.event, JSON.stringify(overrides));
    const after = eventInfo(e);
    await this.#d.creds.audit(auditName(p), 'event.update', before, t0Change ? { ...auditEvent(e), t0Change } : auditEvent(e));
    this.#d.screens.event(after);
    this.#d.peers?.publish({ kind: 'event' });
    return after;
  }

  /**
   * Once T0 has passed (or anything is stamped), moving it re-stamps every milestone and sell-out
   * time on every screen ("T+…" is counted from T0): that needs `confirm: true`, and the refusal
   * says what would change. Returns the change when it was confirmed, null when none was needed.
   */
  #t0Change(fromT0Ms: number, toT0Ms: number, confirmed: boolean): T0Change | null {
    const agg = this.#d.aggregator();
    const change: T0Change = {
      fromT0Ms,
      toT0Ms,
      milestones: agg.milestones().filter((m) => m.reachedAtMs !== null).length,
      soldOut: agg.detail().flash.filter((f) => f.soldOutAtMs !== null).length,
    };
    if (this.#d.now() < fromT0Ms && change.milestones === 0 && change.soldOut === 0) return null;
    if (confirmed) return change;
    const iso = (ms: number): string => new Date(ms).toISOString();
    throw new AdminConfirmNeeded(
      `the event has started: moving T0 from ${iso(fromT0Ms)} to ${iso(toT0Ms)} changes the T+ time of ${change.milestones} reached milestone(s) and ${change.soldOut} sell-out(s) on every screen; send confirm: true to do it`,
      change,
    );
  }

  async setBanner(p: Principal, body: { text?: unknown; durationSec?: unknown }): Promise<Banner> {
    const text = body?.text;
    const dur = body?.durationSec;
    if (typeof text !== 'string' || text.trim() === '' || [...text].length > MAX_BANNER_CHARS)
      throw new AdminError(`text must be 1–${MAX_BANNER_CHARS} characters`);
    if (typeof dur !== 'number' || !Number.isInteger(dur) || dur < 5 || dur > 24 * 3600)
      throw new AdminError('durationSec must be whole seconds from 5 to 86400');
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

  /** Acknowledges an alarm (it stays listed, greyed); null when there is no such active alarm. */
  async ackAlarm(p: Principal, id: string): Promise<Alarm | null> {
    const before = this.#d.alarms.active().find((a) => a.id === id) ?? null;
    const acked = before && this.#d.alarms.acknowledge(id, auditName(p));
    if (!acked) return null;
    await this.#d.creds.audit(auditName(p), 'alarm.ack', before, acked);
    return acked;
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
    const info = await this.#wrap(() =>
      this.#d.creds.putAccount(body?.username as string, body?.password as string, body?.role as AccountRole, auditName(p)),
    );
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
    // A failed refresh must not keep a revoked credential's sockets open: they are closed below anyway.
    if (u.kind === 'revoke' || u.kind === 'resync')
      await this.#d.creds.refresh().catch((e: Error) => this.#d.log?.warn(`refreshing credentials after a peer's change: ${e.message}`));
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
      const refused = this.#d.aggregator().setMilestones(e.milestonesMinor, e.lastYearMinor);
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
