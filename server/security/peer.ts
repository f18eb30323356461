/**
 * Who is on the other end of a request: the client's address (rate limits, sign-in back-off,
 * connection bounds) and whether the page was served over HTTPS (the `Secure` cookie flag).
 * `X-Forwarded-For` is believed only from the proxies named in `WARROOM_TRUST_PROXY`: anyone else
 * could name any address and escape every per-address limit.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

export interface Peer {
  address: string;
  https: boolean;
}

/** "::ffff:10.0.0.1" and "10.0.0.1" are one client. */
const plain = (a: string): string => (a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a);

export function peerResolver(trustedProxies: readonly string[]): (req: IncomingMessage) => Peer {
  const trusted = new Set(trustedProxies.map(plain));
  return (req) => {
    let address = plain(req.socket.remoteAddress ?? '?');
    if (trusted.has(address)) {
      // The nearest address a trusted proxy did not add itself is the client.
      const chain = String(req.headers['x-forwarded-for'] ?? '')
        .split(',')
        .map((a) => plain(a.trim()))
        .filter((a) => a !== '');
      for (let i = chain.length - 1; i >= 0; i--) {
        address = chain[i]!;
        if (!trusted.has(address)) break;
      }
    }
    // X-Forwarded-Proto is believed from anyone: it can only add `Secure` to a cookie, which a
    // client asking for it over plain HTTP then never sends back (it harms only itself).
    const proto = String(req.headers['x-forwarded-proto'] ?? '')
      .split(',')[0]!
      .trim()
      .toLowerCase();
    const https = (req.socket as Partial<TLSSocket>).encrypted === true || proto === 'https';
    return { address, https };
  };
}
