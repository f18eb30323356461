/**
 * What one socket holds in this process on its way out, and one resync at a time per socket.
 * A client that stops reading (a frozen tab, a paused TCP socket, a polling client that never
 * GETs) makes its transport unwritable; engine.io then queues every non-volatile packet in its
 * `writeBuffer` without bound, and the WebSocket holds what it handed to a full kernel buffer.
 * Ticks are volatile (dropped while unwritable); snapshots are not, so they are rationed here.
 */
import type { Socket } from 'socket.io';

/** The parts of engine.io's socket and transports we read; engine.io keeps them untyped or private. */
interface EngineInternals {
  readyState: string;
  writeBuffer?: { data?: unknown }[];
  transport: { name: string; writable: boolean; socket?: { bufferedAmount?: number; terminate?: () => void } };
  close(discard?: boolean): void;
}

const engine = (s: Socket): EngineInternals => s.conn as unknown as EngineInternals;

const sizeOf = (data: unknown): number => (typeof data === 'string' ? data.length : data instanceof Uint8Array ? data.byteLength : 0);

export interface Outbound {
  /** The transport can take a packet now (a WebSocket not waiting on the kernel, a polling GET open). */
  writable: boolean;
  /** Bytes waiting in engine.io's queue plus those the WebSocket has not handed to the kernel. */
  bytes: number;
}

export function outbound(s: Socket): Outbound {
  const c = engine(s);
  let bytes = c.transport.socket?.bufferedAmount ?? 0;
  for (const p of c.writeBuffer ?? []) bytes += sizeOf(p.data);
  return { writable: c.transport.writable && (c.writeBuffer?.length ?? 0) === 0, bytes };
}

/**
 * Closes a socket without waiting for its queue to drain (`disconnect(true)` would wait for a
 * client that never reads): the queue is discarded and a WebSocket's TCP connection destroyed.
 */
export function dropSocket(s: Socket): void {
  const c = engine(s);
  c.transport.socket?.terminate?.();
  c.close(true);
}

/**
 * Resync requests: at most one per socket waits, answered as soon as its transport is writable
 * (at once in the usual case); one asked while another waits is dropped (the client's request
 * times out and it asks again on the next sequence gap). So a client that does not read holds at
 * most one snapshot in this process, however often it asks.
 */
export class ResyncQueue<T> {
  readonly #waiting = new Map<Socket, (snap: T) => void>();
  readonly #snapshot: () => T;
  /**
   * One snapshot serves every resync between two ticks (after an alarm's new epoch every screen
   * asks at once: one build instead of one per screen); dropped by {@link serve} before each tick.
   */
  #cached: T | undefined;

  constructor(snapshot: () => T) {
    this.#snapshot = snapshot;
  }

  ask(s: Socket, ack: (snap: T) => void): void {
    if (this.#waiting.has(s) || s.disconnected) return;
    if (outbound(s).writable) return ack((this.#cached ??= this.#snapshot()));
    this.#waiting.set(s, ack);
    s.once('disconnect', () => this.#waiting.delete(s));
  }

  /** Answers the waiting requests whose transport became writable (called before each tick). */
  serve(): void {
    // Built before this tick is sent: never reused after it (its seq would be one behind).
    this.#cached = undefined;
    if (this.#waiting.size === 0) return;
    let snap: T | undefined;
    for (const [s, ack] of this.#waiting) {
      if (s.disconnected) this.#waiting.delete(s);
      else if (outbound(s).writable) {
        this.#waiting.delete(s);
        ack((snap ??= this.#snapshot()));
      }
    }
  }

  get waiting(): number {
    return this.#waiting.size;
  }
}
