/**
 * Forks a TypeScript helper (producer, clients) as a tracked child with an IPC channel, and waits
 * for its messages with a time bound, failing early if the child dies.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { track } from './proc';

export interface Helper {
  child: ChildProcess;
  /** Resolves with the next message of `type` (its whole body); rejects on timeout or exit. */
  next<T>(type: string, timeoutMs: number): Promise<T>;
  send(msg: object): void;
}

export function forkHelper(script: string, args: string[]): Helper {
  // --import tsx explicitly: the parent's own loader flags are not inherited as-is.
  const child = track(fork(script, args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }));
  const queue: { type: string }[] = [];
  const waiters = new Set<() => void>();
  const wake = (): void => {
    for (const w of [...waiters]) w();
  };
  child.on('message', (m: { type: string }) => {
    queue.push(m);
    wake();
  });
  child.once('exit', wake);

  return {
    child,
    send: (msg) => {
      if (child.connected) child.send(msg);
    },
    next<T>(type: string, timeoutMs: number): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        let settled = false;
        const finish = (err: Error | null, value?: unknown): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          waiters.delete(check);
          if (err) reject(err);
          else resolve(value as T);
        };
        const check = (): void => {
          const i = queue.findIndex((m) => m.type === type);
          if (i >= 0) return finish(null, queue.splice(i, 1)[0]);
          if (child.exitCode !== null || child.signalCode !== null)
            finish(new Error(`${script} exited (${child.exitCode ?? child.signalCode}) before sending "${type}"`));
        };
        const timer = setTimeout(() => finish(new Error(`${script}: no "${type}" within ${timeoutMs} ms`)), timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}
