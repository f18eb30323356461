/**
 * Process bookkeeping for the benchmark: CPU time of any pid from /proc (so server, Redis and
 * producer can be told apart), and a registry of every child started, so all of them are stopped
 * on the way out, whatever way that is.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (usually 100). */
export const CLK_TCK = ((): number => {
  try {
    const v = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(v) && v > 0 ? v : 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of `pid` in clock ticks (all its threads), or null when it is gone. */
export function cpuTicks(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm (field 2) may contain spaces and parentheses: fields are counted after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state), so utime (14) and stime (15) are rest[11] and rest[12].
    return Number(rest[11]) + Number(rest[12]);
  } catch {
    return null;
  }
}

/** CPU of one process over an interval, as % of one core. */
export class CpuWindow {
  readonly #pid: number | undefined;
  #ticks0: number | null;
  #t0: number;

  constructor(pid: number | undefined) {
    this.#pid = pid;
    this.#ticks0 = cpuTicks(pid);
    this.#t0 = performance.now();
  }

  /** % of one core since construction; null when the process could not be read. */
  percent(): number | null {
    const ticks = cpuTicks(this.#pid);
    const sec = (performance.now() - this.#t0) / 1000;
    if (ticks === null || this.#ticks0 === null || sec <= 0) return null;
    return ((ticks - this.#ticks0) / CLK_TCK / sec) * 100;
  }
}

const children = new Set<ChildProcess>();

/** Registers a child so {@link stopAllChildren} and the exit hook will end it. */
export function track<T extends ChildProcess>(child: T): T {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

const alive = (c: ChildProcess): boolean => c.exitCode === null && c.signalCode === null;

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the child has exited. */
export async function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (!alive(child)) return;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (alive(child)) child.kill('SIGKILL');
  }, graceMs);
  await gone;
  clearTimeout(timer);
}

export async function stopAllChildren(): Promise<void> {
  await Promise.all([...children].map((c) => stopChild(c)));
}

// Last resort (crash, Ctrl-C): nothing the benchmark started may outlive it. Only our own
// children are signalled, by their pid.
process.once('exit', () => {
  for (const c of children) if (alive(c)) c.kill('SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    void stopAllChildren().finally(() => process.exit(130));
  });
}
