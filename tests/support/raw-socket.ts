/**
 * Raw engine.io clients for tests that must misbehave the way a scanner or a stuck device does:
 * long-polling requests made by hand, and a WebSocket over a bare TCP socket that can stop reading
 * (`pause()`), which no well-behaved client library lets a test do.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** `GET /socket.io/?EIO=4&transport=polling` and the sid it opened, or null with the status. */
export async function pollingHandshake(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; sid: string | null; body: string }> {
  const res = await fetch(`${url}/socket.io/?EIO=4&transport=polling`, { headers, signal: AbortSignal.timeout(10_000) });
  const body = await res.text();
  return { status: res.status, sid: /"sid":"([^"]+)"/.exec(body)?.[1] ?? null, body };
}

/** One long-polling request on an open session: `POST` sends `body`, `GET` waits for packets. */
export async function poll(
  url: string,
  sid: string,
  init: { method: 'GET' | 'POST'; body?: string; headers?: Record<string, string> },
): Promise<{ status: number; body: string }> {
  const res = await fetch(`${url}/socket.io/?EIO=4&transport=polling&sid=${encodeURIComponent(sid)}`, {
    method: init.method,
    headers: { 'Content-Type': 'text/plain;charset=UTF-8', ...init.headers },
    body: init.body,
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, body: await res.text() };
}

export interface RawWebSocket {
  /** Everything received so far as text (frames unparsed: server frames are not masked). */
  received(): string;
  /** Resolves once the received text contains `marker`. */
  waitFor(marker: string, timeoutMs?: number): Promise<void>;
  /** Sends one text frame (an engine.io packet, e.g. `40{"token":"..."}`). */
  send(text: string): void;
  /** Stops reading: the kernel buffers fill and the server's writes back up. */
  pause(): void;
  destroy(): void;
  socket: Socket;
}

/** Opens `/socket.io/?EIO=4&transport=websocket` over a bare TCP connection. */
export function rawWebSocket(url: string, headers: Record<string, string> = {}): Promise<RawWebSocket> {
  const u = new URL(url);
  const socket = connect(Number(u.port), u.hostname);
  socket.on('error', () => undefined);
  let text = '';
  const waiters = new Set<() => void>();
  socket.on('data', (d: Buffer) => {
    text += d.toString('latin1');
    for (const w of waiters) w();
  });
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.write(
    `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`,
  );
  const ws: RawWebSocket = {
    socket,
    received: () => text,
    waitFor: (marker, timeoutMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (!text.includes(marker)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${JSON.stringify(marker)} within ${timeoutMs} ms; got ${JSON.stringify(text.slice(0, 200))}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    send(payload) {
      const data = Buffer.from(payload, 'utf8');
      const mask = randomBytes(4);
      const head =
        data.length < 126 ? Buffer.from([0x81, 0x80 | data.length]) : Buffer.from([0x81, 0x80 | 126, data.length >> 8, data.length & 0xff]);
      for (let i = 0; i < data.length; i++) data[i]! ^= mask[i % 4]!;
      socket.write(Buffer.concat([head, mask, data]));
    },
    pause: () => void socket.pause(),
    destroy: () => void socket.destroy(),
  };
  return ws.waitFor('0{"sid"').then(() => ws);
}
