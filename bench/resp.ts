/**
 * A minimal pipelined RESP2 writer for the producer. Why not ioredis: measured here, an ioredis
 * pipeline costs ~9 µs of producer CPU per XADD (94k/s at 83% of a core with nothing else
 * running), so on a 2-core box the producer would take the CPU the server under test needs and
 * the benchmark would measure the producer. Building the protocol text by hand costs a fraction.
 *
 * It only needs what XADD replies use: bulk strings (the new ID), errors and nil.
 */
import { connect, type Socket } from 'node:net';

interface Pending {
  /** Replies still expected for this chunk. */
  left: number;
  /** Indexes (within the chunk) of commands that answered an error. */
  errors: number[];
  next: number;
  resolve: (errors: number[]) => void;
}

/** Encodes one command as a RESP array of bulk strings. */
export function command(args: string[]): string {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return s;
}

export class RespConnection {
  readonly #sock: Socket;
  readonly #pending: Pending[] = [];
  #buf = '';
  #failed: Error | null = null;

  private constructor(sock: Socket) {
    this.#sock = sock;
    sock.setNoDelay(true);
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => this.#onData(d));
    const fail = (e: Error): void => {
      this.#failed ??= e;
      for (const p of this.#pending.splice(0)) p.resolve(Array.from({ length: p.left }, (_, i) => p.next + i));
    };
    sock.on('error', fail);
    sock.on('close', () => fail(new Error('connection closed')));
  }

  static open(url: string): Promise<RespConnection> {
    const u = new URL(url);
    return new Promise((resolve, reject) => {
      const sock = connect({ host: u.hostname, port: Number(u.port || 6379) }, () => {
        sock.off('error', reject);
        resolve(new RespConnection(sock));
      });
      sock.once('error', reject);
    });
  }

  /**
   * Sends `count` commands already encoded in `text`; resolves, once all have answered, with the
   * indexes of those that failed (all of them if the connection is lost).
   */
  async send(text: string, count: number): Promise<number[]> {
    if (this.#failed) return Array.from({ length: count }, (_, i) => i);
    const done = new Promise<number[]>((resolve) => this.#pending.push({ left: count, errors: [], next: 0, resolve }));
    if (!this.#sock.write(text, 'utf8')) await new Promise((r) => this.#sock.once('drain', r));
    return done;
  }

  close(): void {
    this.#sock.destroy();
  }

  #onData(d: string): void {
    this.#buf += d;
    let pos = 0;
    const buf = this.#buf;
    for (;;) {
      const eol = buf.indexOf('\r\n', pos);
      if (eol < 0) break;
      const type = buf.charCodeAt(pos);
      let end = eol + 2;
      let error = false;
      if (type === 36 /* $ */) {
        const len = Number(buf.slice(pos + 1, eol));
        if (len >= 0) {
          end = eol + 2 + len + 2;
          if (end > buf.length) break; // incomplete bulk: wait for more data
        }
      } else if (type === 45 /* - */) {
        error = true;
      }
      pos = end;
      this.#reply(error);
    }
    this.#buf = buf.slice(pos);
  }

  #reply(error: boolean): void {
    const p = this.#pending[0];
    if (!p) return;
    if (error) p.errors.push(p.next);
    p.next++;
    if (--p.left === 0) {
      this.#pending.shift();
      p.resolve(p.errors);
    }
  }
}
