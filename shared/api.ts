/**
 * The HTTP API beside the socket: sign-in, the executive view's drill-down, and the admin plane.
 * Types shared by the server and the pages. Every route needs a credential (see docs/security.md);
 * state-changing routes are POST/DELETE with a JSON body and a same-origin `Origin`.
 *
 *   POST /api/login            {username, password} → 204 + session cookie      anyone (rate-limited)
 *   POST /api/logout           → 204, session ended                             any signed-in user
 *   GET  /api/me               → Me                                              viewer, executive, admin
 *   GET  /api/state            → the snapshot                                    viewer, executive, admin
 *   GET  /api/drill?dim=&key=  → Drill                                           executive, admin
 *   GET  /api/admin/tokens     → ViewerTokenInfo[]                               admin
 *   POST /api/admin/tokens     {name} → {token, info}: the secret, shown once    admin
 *   DELETE /api/admin/tokens/:id → 204 (revoked; its sockets close)             admin
 *   GET  /api/admin/accounts   → AccountInfo[]                                   admin
 *   POST /api/admin/accounts   {username, password, role} → AccountInfo          admin
 *   DELETE /api/admin/accounts/:username → 204 (disabled; sessions end)         admin
 *   POST /api/admin/event      EventPatch → EventInfo; 409 {error, t0Change}     admin
 *                              when a T0 move after T0 lacks `confirm: true`
 *   POST /api/admin/banner     {text, durationSec} → Banner                      admin
 *   DELETE /api/admin/banner   → 204                                             admin
 *   POST /api/admin/reload     → 204 (every screen reloads)                      admin
 *   POST /api/admin/alarms/:id/ack → Alarm (acknowledged; stays listed)         admin
 *   GET  /api/admin/audit      → AuditEntry[] (newest first)                     admin
 */
// The API answers with wire shapes (the snapshot, an alarm, a banner, breakdown rows): it imports
// them from the wire contract, which imports nothing from here, so the two never form a cycle.
import type { BreakdownRow } from './wire';

/** Who may do what, least to most: each role may do everything the ones before it may. */
export const ROLES = ['viewer', 'executive', 'admin'] as const;
export type Role = (typeof ROLES)[number];
/** The roles a signed-in account can hold (wall devices are viewers, with tokens, not accounts). */
export const ACCOUNT_ROLES = ['executive', 'admin'] as const satisfies readonly Role[];
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

export interface Me {
  role: Role;
  /** Token name for a device, username for an account, "admin token" for the break-glass token. */
  name: string;
}

/** A named viewer token for a wall device. The secret itself is shown once, at creation. */
export interface ViewerTokenInfo {
  id: string;
  name: string;
  createdAtMs: number;
  createdBy: string;
  revokedAtMs: number | null;
}

export interface AccountInfo {
  username: string;
  role: AccountRole;
  createdAtMs: number;
  createdBy: string;
  disabledAtMs: number | null;
}

/** Shifts or sets the event's timing and goals; absent fields stay as they are. */
export interface EventPatch {
  /** New T0, ms since the epoch. */
  t0Ms?: number;
  /** Move T0 by this many seconds (negative: earlier). Not together with t0Ms. */
  shiftSeconds?: number;
  /** Decimal string in major units. */
  target?: string;
  /** Ascending decimal strings in major units. */
  milestones?: string[];
  /** Required to move T0 once the event has started (see {@link T0Change}). */
  confirm?: boolean;
}

/**
 * What moving T0 changes once the event has started: every screen shows milestone and sell-out
 * times as "T+…", so each one already stamped moves. The 409 answer to an unconfirmed move.
 */
export interface T0Change {
  fromT0Ms: number;
  toT0Ms: number;
  /** Milestones already reached. */
  milestones: number;
  /** Flash SKUs already sold out. */
  soldOut: number;
}

/** `409` answer of `POST /api/admin/event` to a T0 move that needs `confirm: true`. */
export interface ConfirmNeeded {
  error: string;
  t0Change: T0Change;
}

export interface AuditEntry {
  id: string;
  atMs: number;
  /** Who: "account:alice", "token:admin". */
  who: string;
  action: string;
  /** What changed: JSON of the old and new values (secrets never included). */
  old: string;
  new: string;
}

export const DRILL_DIMS = ['region', 'category', 'channel'] as const;
export type DrillDim = (typeof DRILL_DIMS)[number];

/** One slice of the night: the totals of one region, category or channel and the other two dimensions within it. */
export interface Drill {
  dim: DrillDim;
  key: string;
  gmvMinor: string;
  orders: number;
  /** The other dimensions' rows within the slice (the slice's own dimension is absent), largest first. */
  regions?: BreakdownRow[];
  categories?: BreakdownRow[];
  channels?: BreakdownRow[];
}
