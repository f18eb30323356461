/**
 * The process's web face: one HTTP server whose routes (http.ts) answer pages, the JSON API and
 * health, with Socket.IO (sockets.ts) attached for the screens. The routes need the admin plane and
 * the figures, built after the sockets they push to: until `route()` they answer 503.
 *
 *   const web = new Web({ config, creds, now, log });   // http + sockets, not listening
 *   web.route({ admin, state, drill, health });
 *   const url = await web.listen(port, host);
 *   await web.close();                                   // sockets first, then every connection
 */
import { createServer, type IncomingMessage, type RequestListener, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpHandler, type HttpDeps } from './http';
import { attachSockets, type Sockets } from './sockets';
import type { CredentialStore } from './security/credentials';
import { RateLimiter } from './security/limits';
import { LoginGuard } from './security/login-guard';
import { peerResolver, type Peer } from './security/peer';
import type { ServerConfig } from './config';
import type { Logger } from './log';

export interface WebOptions {
  config: Pick<ServerConfig, 'clientDir' | 'corsOrigins' | 'sessionTtlMs' | 'trustProxy' | 'maxSocketsPerIp' | 'maxSocketsPerCredential'>;
  creds: CredentialStore;
  now: () => number;
  log: Logger;
}

/** What the routes answer from. */
export type RouteParts = Pick<HttpDeps, 'admin' | 'state' | 'drill' | 'health'>;

export class Web {
  readonly http: HttpServer;
  readonly sockets: Sockets;
  readonly #o: WebOptions;
  readonly #peer: (req: IncomingMessage) => Peer;
  #routes: RequestListener = (_req, res) => void res.writeHead(503).end();

  constructor(o: WebOptions) {
    this.#o = o;
    this.#peer = peerResolver(o.config.trustProxy);
    // The HTTP routes listen first: Socket.IO, attached next, wraps that listener and answers
    // /socket.io/ alone (one owner per request).
    this.http = createServer((req, res) => this.#routes(req, res));
    this.sockets = attachSockets(this.http, {
      creds: o.creds,
      maxSocketsPerIp: o.config.maxSocketsPerIp,
      maxSocketsPerCredential: o.config.maxSocketsPerCredential,
      clientAddress: (req) => this.#peer(req).address,
      now: o.now,
      log: o.log,
    });
  }

  get io(): Sockets['io'] {
    return this.sockets.io;
  }

  route(parts: RouteParts): void {
    const { config, creds, now, log } = this.#o;
    this.#routes = createHttpHandler({
      ...parts,
      clientDir: config.clientDir,
      creds,
      corsOrigins: config.corsOrigins,
      sessionTtlMs: config.sessionTtlMs,
      limits: {
        perIp: new RateLimiter(100, 400, now),
        perCredential: new RateLimiter(50, 200, now),
        // An office NAT signs in together; a scanner is refused before its body is read.
        loginPerIp: new RateLimiter(0.5, 20, now),
      },
      loginGuard: new LoginGuard({ now }),
      peer: this.#peer,
      log,
    });
  }

  /** Listens; resolves with the base URL, e.g. http://127.0.0.1:8080. */
  async listen(port: number, host: string): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => resolve());
    });
    const addr = this.http.address() as AddressInfo;
    return `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
  }

  /** Closes the sockets (Socket.IO stops listening with them), then every HTTP connection left. */
  async close(): Promise<void> {
    this.sockets.close();
    this.http.closeAllConnections();
    await new Promise<void>((r) => this.http.close(() => r()));
  }
}
