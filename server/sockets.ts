/**
 * Socket.IO: who may connect (origin, credential, bounds per address and per credential), what a
 * socket may send (a packet budget) and hold (a slow consumer is dropped), and closing the sockets
 * of a revoked credential. Socket.IO is the only owner of `/socket.io/`: it must attach after the
 * HTTP routes' request listener, which it then wraps (it answers its own path and hands every
 * other request on). Two listeners answering one request crashed the process.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { resolvePrincipal } from './auth';
import type { CredentialStore, Principal } from './security/credentials';
import { ConnectionCounter, RateLimiter } from './security/limits';
import { dropSocket, outbound } from './publish/outbound';
import type { Logger } from './log';
import type { ClientToServerEvents, HandshakeAuth, ServerToClientEvents } from '../shared/wire';

export interface SocketData {
  principal: Principal;
  ip: string;
}
export type WarroomIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type WarroomSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface SocketOptions {
  creds: CredentialStore;
  maxSocketsPerIp: number;
  maxSocketsPerCredential: number;
  /** The client's address (behind a trusted proxy: the one it forwarded). */
  clientAddress(req: IncomingMessage): string;
  now: () => number;
  log: Logger;
}

export interface Sockets {
  io: WarroomIo;
  /** Closes the sockets whose credential matches; returns how many. */
  disconnect(match: (p: Principal) => boolean): number;
  close(): void;
}

/**
 * What one socket may hold on its way out before it is dropped as a slow consumer: a few
 * snapshots of a long night (a 12-hour per-second series is ~200 kB), far more than a reading
 * client ever has waiting.
 */
export const MAX_OUTBOUND_BYTES = 4 * 1024 * 1024;

export function attachSockets(http: HttpServer, o: SocketOptions): Sockets {
  const io: WarroomIo = new Server(http, {
    serveClient: false,
    perMessageDeflate: false,
    // Viewers send almost nothing (resync, time probes): a small buffer refuses oversized payloads.
    maxHttpBufferSize: 4 * 1024,
    // CORS does not protect WebSockets: only pages of this origin may open a socket. Checked on the
    // handshake of either transport (polling or WebSocket); later requests need its secret sid.
    allowRequest: (req, cb) => {
      const origin = req.headers.origin;
      cb(null, origin === undefined || origin === `http://${req.headers.host}` || origin === `https://${req.headers.host}`);
    },
  });
  const perIp = new ConnectionCounter(o.maxSocketsPerIp);
  const perCred = new ConnectionCounter(o.maxSocketsPerCredential);

  io.use((socket, next) => {
    const auth = socket.handshake.auth as HandshakeAuth | undefined;
    resolvePrincipal(o.creds, undefined, socket.handshake.headers.cookie, auth?.token)
      .then(({ principal }) => {
        if (!principal) return next(new Error('unauthorized'));
        // The client may have gone while the lookup waited on Redis: socket.io then drops the
        // socket without a 'disconnect', so a slot taken now would never be given back.
        if (socket.conn.readyState !== 'open') return next(new Error('connection closed'));
        const ip = o.clientAddress(socket.request);
        if (!perIp.tryOpen(ip)) return next(new Error('too many connections from this address'));
        if (!perCred.tryOpen(principal.cred)) {
          perIp.close(ip);
          return next(new Error('too many connections for this credential'));
        }
        socket.data.principal = principal;
        socket.data.ip = ip;
        // Released exactly once, on whichever comes first: the socket's disconnect, or the
        // connection closing before socket.io admitted the socket.
        let held = true;
        const release = (): void => {
          if (!held) return;
          held = false;
          perIp.close(ip);
          perCred.close(principal.cred);
        };
        socket.once('disconnect', release);
        socket.conn.once('close', release);
        next();
      })
      .catch(() => next(new Error('unauthorized')));
  });

  // Every packet a client sends counts against a small budget (resync and clock probes only).
  io.on('connection', (socket) => {
    const budget = new RateLimiter(5, 20, o.now, 1);
    socket.use((_packet, next) => (budget.take('s') ? next() : next(new Error('rate limited'))));
    socket.on('error', () => undefined);
  });

  const sockets = (): IterableIterator<WarroomSocket> => io.of('/').sockets.values();
  const disconnect = (match: (p: Principal) => boolean): number => {
    let n = 0;
    for (const s of sockets()) {
      if (match(s.data.principal)) {
        s.disconnect(true);
        n++;
      }
    }
    return n;
  };
  // Revoked tokens, disabled accounts and ended sessions lose their live sockets within seconds,
  // also when the revocation happened on another node (the store refreshes from Redis).
  const revalidate = setInterval(() => {
    for (const s of sockets()) {
      o.creds.stillValid(s.data.principal).then(
        (ok) => ok || s.disconnect(true),
        () => undefined,
      );
    }
  }, 10_000);
  revalidate.unref();
  // A client that does not read its socket would otherwise grow this process without bound.
  const sweep = setInterval(() => {
    for (const s of sockets()) {
      const { bytes } = outbound(s);
      if (bytes > MAX_OUTBOUND_BYTES) {
        o.log.warn(`dropping a socket from ${s.data.ip} that does not read: ${Math.round(bytes / 1024)} kB waiting`);
        dropSocket(s);
      }
    }
  }, 1000);
  sweep.unref();

  return {
    io,
    disconnect,
    close() {
      clearInterval(revalidate);
      clearInterval(sweep);
      io.close();
    },
  };
}
