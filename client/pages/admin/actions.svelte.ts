/**
 * The admin page's state and actions: what the server said (who I am, tokens, accounts, audit),
 * each card's busy flag and outcome note, and the calls of admin-api.ts with their input checks.
 * The cards only render it and keep their own form inputs. The live store is read here, and
 * written only for what the server answered to this page's own request (event, banner); alarms
 * come back through the connection's broadcast. One class for the six cards (~290 lines, one
 * method per action) because they share the busy flag / outcome note / audit refresh of `#act`.
 */
import type { AccountInfo, AuditEntry, EventPatch, Me, T0Change, ViewerTokenInfo } from '../../../shared/api';
import type { EventInfo } from '../../../shared/domain';
import type { Alarm, Banner } from '../../../shared/wire';
import type { Locale } from '../../format';
import type { Live } from '../../live/context';
import * as api from '../admin-api';
import { ApiError, confirmNeeded } from '../admin-api';
import type { AdminText } from '../strings';
import { formatInZone, minorToMajor, toLocalInput, zoneName } from '../admin-format';
import { checkGoals, checkShift, checkT0, type Checked } from './event-input';

export type Section = 'alarms' | 'event' | 'tokens' | 'accounts' | 'screens' | 'audit';
export type Note = { ok: boolean; text: string } | null;

const AUDIT_REFRESH_MS = 10_000;

/** Rows still in force (not acked, revoked, disabled) above the rest, then by `order`. */
const byLive =
  <T>(off: (x: T) => boolean, order: (a: T, b: T) => number) =>
  (a: T, b: T): number =>
    Number(off(a)) - Number(off(b)) || order(a, b);

export class AdminActions {
  readonly live: Live;
  readonly t: AdminText;
  readonly locale: Locale;

  notes = $state<Record<Section, Note>>({ alarms: null, event: null, tokens: null, accounts: null, screens: null, audit: null });
  busy = $state<Record<Section, boolean>>({ alarms: false, event: false, tokens: false, accounts: false, screens: false, audit: false });
  me = $state<Me | null>(null);
  tokens = $state<ViewerTokenInfo[]>([]);
  accounts = $state<AccountInfo[]>([]);
  audit = $state<AuditEntry[]>([]);
  auditAtMs = $state<number | null>(null);
  /** A T0 move after T0 that the server wants confirmed, with what it would change. */
  pendingT0 = $state<{ patch: EventPatch; change: T0Change } | null>(null);
  /** A token just created: its secret is shown once. */
  secret = $state<{ name: string; token: string; url: string } | null>(null);
  #auditLoading = false;

  readonly event: EventInfo | null;
  /** The event's zone (the browser's until the event is known): every time on the page is in it. */
  readonly tz: string;
  readonly zone: string;
  readonly digits: number;
  readonly currentMilestones: string;
  /** Active ones first, newest first within each; acknowledged ones stay listed, greyed. */
  readonly alarms: Alarm[];
  readonly sortedTokens: ViewerTokenInfo[];
  readonly sortedAccounts: AccountInfo[];
  /** The takeover banner while it is up (server time). */
  readonly banner: Banner | null;

  constructor(o: { live: Live; t: AdminText; locale: Locale }) {
    this.live = o.live;
    this.t = o.t;
    this.locale = o.locale;
    const store = o.live.store;
    this.event = $derived(store.event);
    this.tz = $derived(this.event?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone);
    this.zone = $derived(zoneName(this.event?.t0Ms ?? Date.now(), this.tz, this.locale));
    this.digits = $derived(this.event?.minorDigits ?? 2);
    this.currentMilestones = $derived(
      store.milestones
        .filter((m) => m.kind !== 'lastYear')
        .map((m) => minorToMajor(m.thresholdMinor, this.digits))
        .join(', '),
    );
    this.alarms = $derived(
      [...store.alarms].sort(
        byLive<Alarm>(
          (a) => a.ackedAtMs !== null,
          (a, b) => b.atMs - a.atMs,
        ),
      ),
    );
    this.sortedTokens = $derived(
      [...this.tokens].sort(
        byLive<ViewerTokenInfo>(
          (a) => a.revokedAtMs !== null,
          (a, b) => b.createdAtMs - a.createdAtMs,
        ),
      ),
    );
    this.sortedAccounts = $derived(
      [...this.accounts].sort(
        byLive<AccountInfo>(
          (a) => a.disabledAtMs !== null,
          (a, b) => a.username.localeCompare(b.username),
        ),
      ),
    );
    this.banner = $derived(store.banner !== null && o.live.clock.nowMs < store.banner.untilMs ? store.banner : null);
  }

  /** A time with its zone. */
  fmt = (ms: number): string => formatInZone(ms, this.tz, this.locale);
  /** Table times: the zone is in the column header. */
  fmtT = (ms: number): string => toLocalInput(ms, this.tz).replace('T', ' ');

  /** Loads what the page shows and refreshes the audit log every few seconds; returns the stop. */
  start(): () => void {
    void api.getMe().then(
      (m) => (this.me = m),
      (e: unknown) => {
        if (e instanceof ApiError && e.status === 401) this.#fail('audit', e);
      },
    );
    void this.#loadTokens();
    void this.#loadAccounts();
    void this.refreshAudit();
    const timer = setInterval(() => void this.refreshAudit(), AUDIT_REFRESH_MS);
    return () => clearInterval(timer);
  }

  async signOut(): Promise<void> {
    try {
      await api.logout();
    } finally {
      location.replace('/login?next=%2Fadmin');
    }
  }

  #fail(section: Section, e: unknown): void {
    if (e instanceof ApiError && e.status === 401) {
      // The session ended: sign in again and come back here.
      location.replace(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
      return;
    }
    const msg = e instanceof Error ? e.message : String(e);
    this.notes[section] = {
      ok: false,
      text: e instanceof ApiError && e.status === 403 ? `${this.t.forbidden} (${msg})` : `${this.t.failed}: ${msg}`,
    };
  }

  /** Runs one admin action: busy flag, the outcome in the section's note, then a fresh audit log. */
  async #act<T>(section: Section, fn: () => Promise<T>, okText?: (r: T) => string): Promise<T | undefined> {
    this.busy[section] = true;
    this.notes[section] = null;
    try {
      const r = await fn();
      this.notes[section] = okText ? { ok: true, text: okText(r) } : null;
      return r;
    } catch (e) {
      this.#fail(section, e);
      return undefined;
    } finally {
      this.busy[section] = false;
      void this.refreshAudit();
    }
  }

  // ---- event ----

  #eventSaved(e: EventInfo): string {
    const t = this.t;
    return `${t.saved}: T0 ${formatInZone(e.t0Ms, e.timeZone, this.locale)} · ${t.target} ${minorToMajor(e.targetMinor, e.minorDigits)} ${e.currency}`;
  }

  t0ConfirmText(c: T0Change): string {
    return this.t.t0ConfirmText
      .replace('{from}', this.fmt(c.fromT0Ms))
      .replace('{to}', this.fmt(c.toT0Ms))
      .replace('{m}', String(c.milestones))
      .replace('{s}', String(c.soldOut));
  }

  /**
   * Moves T0. Once the event has started the server refuses until the move is confirmed, answering
   * with what would change: kept in `pendingT0` for the confirm button. True when saved.
   */
  async moveT0(patch: EventPatch): Promise<boolean> {
    this.pendingT0 = null;
    this.busy.event = true;
    this.notes.event = null;
    try {
      this.notes.event = { ok: true, text: this.#eventSaved(await api.patchEvent(patch)) };
      return true;
    } catch (e) {
      const c = confirmNeeded(e);
      if (c && !patch.confirm) this.pendingT0 = { patch, change: c.t0Change };
      else this.#fail('event', e);
      return false;
    } finally {
      this.busy.event = false;
      void this.refreshAudit();
    }
  }

  /** Shows a problem with the card's inputs instead of sending them. */
  #rejected(c: Checked): c is { problem: string } {
    if (!('problem' in c)) return false;
    this.notes.event = { ok: false, text: c.problem };
    return true;
  }

  async shift(sign: 1 | -1, by: number | null): Promise<boolean> {
    const c = checkShift(sign, by, this.t);
    return !this.#rejected(c) && this.moveT0(c.patch);
  }

  /** T0 from a `datetime-local` value in the event's zone. */
  async setT0(input: string): Promise<boolean> {
    const c = checkT0(input, this.tz, this.t);
    return !this.#rejected(c) && this.moveT0(c.patch);
  }

  /** Target and milestones as typed (major units). */
  async saveGoals(targetInput: string, milestonesInput: string): Promise<boolean> {
    const c = checkGoals(targetInput, milestonesInput, this.digits, this.t);
    if (this.#rejected(c)) return false;
    return (
      (await this.#act(
        'event',
        () => api.patchEvent(c.patch),
        (e) => this.#eventSaved(e),
      )) !== undefined
    );
  }

  // ---- alarms ----

  /** The acknowledged alarm reaches this page (and every screen) with the server's next broadcast. */
  async ack(a: Alarm): Promise<void> {
    await this.#act('alarms', () => api.ackAlarm(a.id));
  }

  // ---- viewer tokens ----

  async #loadTokens(): Promise<void> {
    try {
      this.tokens = await api.listTokens();
    } catch (e) {
      this.#fail('tokens', e);
    }
  }

  /** True when created (its secret is then in `secret`). */
  async createToken(input: string): Promise<boolean> {
    const name = input.trim();
    if (name === '') return false;
    const r = await this.#act('tokens', () => api.createToken(name));
    if (!r) return false;
    this.secret = { name: r.info.name, token: r.token, url: `${location.origin}/wall?token=${encodeURIComponent(r.token)}` };
    await this.#loadTokens();
    return true;
  }

  async revokeToken(id: string): Promise<void> {
    await this.#act('tokens', () => api.revokeToken(id));
    await this.#loadTokens();
  }

  // ---- accounts ----

  async #loadAccounts(): Promise<void> {
    try {
      this.accounts = await api.listAccounts();
    } catch (e) {
      this.#fail('accounts', e);
    }
  }

  /** True when created. */
  async createAccount(input: string, password: string, role: AccountInfo['role']): Promise<boolean> {
    const t = this.t;
    const username = input.trim();
    if (username === '' || password.length < 12) {
      this.notes.accounts = { ok: false, text: `${t.password}: ${t.strength_short}` };
      return false;
    }
    const r = await this.#act(
      'accounts',
      () => api.createAccount({ username, password, role }),
      (a) => `${t.saved}: ${a.username} (${a.role === 'admin' ? t.admin : t.executive})`,
    );
    if (!r) return false;
    await this.#loadAccounts();
    return true;
  }

  async disableAccount(username: string): Promise<void> {
    await this.#act('accounts', () => api.disableAccount(username));
    await this.#loadAccounts();
  }

  // ---- screens ----

  /** Shows `input` on every screen for `minutes`; nothing happens without text or a duration. */
  async showBanner(input: string, minutes: number | null): Promise<void> {
    const text = input.trim();
    const m = Number(minutes);
    if (text === '' || !(m > 0)) return;
    // Every screen, this page's too, gets the banner from the server's push, not from this answer.
    await this.#act(
      'screens',
      () => api.setBanner(text, Math.round(m * 60)),
      (b) => `${this.t.saved}: ${this.t.until} ${this.fmt(b.untilMs)}`,
    );
  }

  async clearBanner(): Promise<void> {
    await this.#act(
      'screens',
      async () => {
        await api.clearBanner();
        return true;
      },
      () => this.t.saved,
    );
  }

  async reloadScreens(): Promise<void> {
    await this.#act(
      'screens',
      () => api.reloadScreens(),
      () => this.t.reloaded,
    );
  }

  // ---- audit ----

  async refreshAudit(): Promise<void> {
    if (this.#auditLoading) return;
    this.#auditLoading = true;
    try {
      this.audit = await api.listAudit();
      this.auditAtMs = Date.now();
      this.notes.audit = null;
    } catch (e) {
      this.#fail('audit', e);
    } finally {
      this.#auditLoading = false;
    }
  }
}
