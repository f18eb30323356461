/** A private redis-server for tests and the demo: temporary directory, free port, ready on PING. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export interface RedisProcess {
  url: string;
  port: number;
  /** Data directory (kept across {@link RedisProcess.terminate} for a restart). */
  dir: string;
  proc: ChildProcess;
  /** SIGTERM and wait (a persistent server flushes its AOF), keeping the data directory. */
  terminate(): Promise<void>;
  /** Stops it and removes its data directory. */
  stop(): Promise<void>;
}

export interface RedisOptions {
  /** Port to use; a free one by default. */
  port?: number;
  /** Append-only file with fsync every second, so a stop and restart keeps the data. @default false */
  persistent?: boolean;
  /** Data directory to reuse (a restart); a new temporary one by default. */
  dir?: string;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Resolves once a redis-server on `port` answers PING; rejects after `timeoutMs`. */
export async function waitForPing(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => undefined);
    try {
      await r.connect();
      if ((await r.ping()) === 'PONG') return;
    } catch {
      if (Date.now() > until) throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms`);
      await new Promise((res) => setTimeout(res, 50));
    } finally {
      r.disconnect();
    }
  }
}

/** Starts redis-server on a free port (or `port`), without persistence unless asked. */
export async function startRedis(portOrOptions?: number | RedisOptions): Promise<RedisProcess> {
  const o: RedisOptions = typeof portOrOptions === 'number' ? { port: portOrOptions } : (portOrOptions ?? {});
  const p = o.port ?? (await freePort());
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'warroom-redis-'));
  const persistence = o.persistent ? ['--appendonly', 'yes', '--appendfsync', 'everysec'] : ['--appendonly', 'no'];
  const proc = spawn('redis-server', ['--port', String(p), '--bind', '127.0.0.1', '--save', '', ...persistence, '--dir', dir], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<never>((_, reject) => proc.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`))));
  exited.catch(() => undefined);
  await Promise.race([waitForPing(p, 10_000), exited]);
  const terminate = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGCONT'); // a paused server cannot act on SIGTERM
      proc.kill('SIGTERM');
      await gone;
    }
  };
  return {
    url: `redis://127.0.0.1:${p}`,
    port: p,
    dir,
    proc,
    terminate,
    async stop() {
      await terminate();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
