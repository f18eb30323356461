/** The production server bundle as a real child process, for fault tests that kill it. */
import { spawn, type ChildProcess } from 'node:child_process';

export interface ServerProcess {
  url: string;
  proc: ChildProcess;
  /** Everything it wrote to stderr (logs). */
  log(): string;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `node dist/server/main.js` with `env` on `port`, resolving once it listens. */
export async function spawnServer(env: Record<string, string>, port: number, timeoutMs = 30_000): Promise<ServerProcess> {
  // A REDIS_CLUSTER in the developer's shell would make every server refuse to start.
  const { REDIS_CLUSTER: _cluster, ...inherited } = process.env;
  const proc = spawn(process.execPath, ['dist/server/main.js'], {
    env: { ...inherited, PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  proc.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within ${timeoutMs} ms:\n${log}`)), timeoutMs);
    const check = (): void => {
      if (log.includes(' serving ')) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stderr!.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${log}`));
    });
  });
  const gone = (): Promise<void> =>
    proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise((r) => proc.once('exit', () => r()));
  return {
    url,
    proc,
    log: () => log,
    async kill9() {
      proc.kill('SIGKILL');
      await gone();
    },
    async stop() {
      proc.kill('SIGTERM');
      await gone();
    },
  };
}
