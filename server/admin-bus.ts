/**
 * Admin actions across nodes: every process serving a key prefix subscribes to `<prefix>admin`.
 * The node where an admin acted applies the action to its own screens and publishes what changed;
 * the others apply it to theirs (banner and event are re-read from Redis, where the action stored
 * them). Pub/sub drops what is sent while a subscriber is disconnected, so every re-subscription
 * re-reads everything (`resync`); credentials and sockets are also revalidated on a timer.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from './log';
import { whenReady } from './redis';

/** What one node tells the others. `revoke` names the credential or the account whose sockets must go. */
export type AdminMessage =
  { kind: 'banner' } | { kind: 'event' } | { kind: 'reload' } | { kind: 'revoke'; cred?: string; username?: string };

/** A message from another node, or `resync` after this node may have missed some. */
export type PeerUpdate = AdminMessage | { kind: 'resync' };

const KINDS = new Set(['banner', 'event', 'reload', 'revoke']);
const optString = (v: unknown): boolean => v === undefined || (typeof v === 'string' && v.length <= 200);

/** Parses a message off the channel; null for anything malformed. */
export function parseAdminMessage(raw: string): { from: string; message: AdminMessage } | null {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const { from, kind, cred, username } = v as Record<string, unknown>;
  if (typeof from !== 'string' || typeof kind !== 'string' || !KINDS.has(kind) || !optString(cred) || !optString(username)) return null;
  if (kind === 'revoke') {
    if (cred === undefined && username === undefined) return null;
    return {
      from,
      message: {
        kind,
        ...(cred !== undefined ? { cred: cred as string } : {}),
        ...(username !== undefined ? { username: username as string } : {}),
      },
    };
  }
  return { from, message: { kind } as AdminMessage };
}

export class AdminBus {
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #channel: string;
  readonly #log: Logger;
  /** This process, so it skips its own messages (it applied them already). */
  readonly #node = randomUUID();
  #subscribedOnce = false;
  #listening = false;

  /** @param sub a connection of its own (a subscribed connection can do nothing else) */
  constructor(pub: Redis, sub: Redis, prefix: string, log: Logger) {
    this.#pub = pub;
    this.#sub = sub;
    this.#channel = `${prefix}admin`;
    this.#log = log;
  }

  /** Subscribes; `apply` gets every other node's message, and `resync` after each re-subscription. */
  async start(apply: (u: PeerUpdate) => Promise<void>): Promise<void> {
    if (!this.#listening) {
      // Once, also when the first subscription is retried.
      this.#listening = true;
      const run = (u: PeerUpdate): void =>
        void apply(u).catch((e: Error) => this.#log.warn(`admin update ${u.kind} from another node failed: ${e.message}`));
      this.#sub.on('message', (channel: string, raw: string) => {
        if (channel !== this.#channel) return;
        const m = parseAdminMessage(raw);
        if (m === null) return this.#log.warn(`ignored a malformed message on ${this.#channel}`);
        if (m.from !== this.#node) run(m.message);
      });
      // ioredis subscribes again after a reconnect; what was published meanwhile is lost.
      this.#sub.on('ready', () => {
        if (this.#subscribedOnce) run({ kind: 'resync' });
      });
    }
    // Subscribe only on a ready connection: a SUBSCRIBE queued while it connects can go out before
    // ioredis's own start-up commands (CLIENT SETNAME, the INFO ready check), which Redis then
    // refuses in subscriber mode, and the subscription is silently lost (seen ~1 start in 6).
    await whenReady(this.#sub, 1000);
    await this.#sub.subscribe(this.#channel);
    this.#subscribedOnce = true;
  }

  /** Tells the other nodes; a failure is logged (they catch up at their next revalidation). */
  publish(m: AdminMessage): void {
    this.#pub
      .publish(this.#channel, JSON.stringify({ from: this.#node, ...m }))
      .catch((e: Error) => this.#log.warn(`could not tell the other nodes about ${m.kind}: ${e.message}`));
  }

  stop(): void {
    this.#sub.disconnect();
  }
}
