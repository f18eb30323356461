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

/** Peak resident memory (VmHWM) of `pid` in MiB, or null when it is gone. */
export function peakRssMiB(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const kb = /^VmHWM:\s*(\d+)\s*kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : Number(kb) / 1024;
  } catch {
    return null;
  }
}

/** Busy CPU time of the whole machine (all cores, all processes) in clock ticks, from /proc/stat. */
export function machineBusyTicks(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    // cpu user nice system idle iowait irq softirq steal ...: busy = all − idle − iowait
    const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
    return v.reduce((a, b) => a + b, 0) - v[3]! - v[4]!;
  } catch {
    return null;
  }
}

/**
 * CPU used over an interval, as seconds and as % of one core (a 2-core machine tops at 200%).
 * `read` returns cumulative CPU seconds, or null when it cannot be read (process gone).
 */
export class CpuWindow {
  readonly #read: () => number | null;
  readonly #s0: number | null;
  readonly #t0: number;

  constructor(read: () => number | null) {
    this.#read = read;
    this.#s0 = read();
    this.#t0 = performance.now();
  }

  static ofPid(pid: number | undefined): CpuWindow {
    return new CpuWindow(() => {
      const t = cpuTicks(pid);
      return t === null ? null : t / CLK_TCK;
    });
  }

  static machine(): CpuWindow {
    return new CpuWindow(() => {
      const t = machineBusyTicks();
      return t === null ? null : t / CLK_TCK;
    });
  }

  /** This process (the benchmark's own polling and bookkeeping). */
  static self(): CpuWindow {
    return new CpuWindow(() => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1e6;
    });
  }

  /** CPU seconds used since construction; null when unreadable. */
  seconds(): number | null {
    const s = this.#read();
    return s === null || this.#s0 === null ? null : s - this.#s0;
  }

  /** % of one core since construction; null when unreadable. */
  percent(): number | null {
    const s = this.seconds();
    const wall = (performance.now() - this.#t0) / 1000;
    return s === null || wall <= 0 ? null : (s / wall) * 100;
  }

  elapsedSeconds(): number {
    return (performance.now() - this.#t0) / 1000;
  }
}

/**
 * CPU taken by processes that are not part of the measurement (other jobs on a shared box),
 * % of one core: the machine's busy time minus what the measured processes used.
 */
export function otherCpuPercent(machine: CpuWindow, oursSeconds: (number | null)[]): number | null {
  const total = machine.seconds();
  if (total === null || oursSeconds.some((s) => s === null)) return null;
  const ours = oursSeconds.reduce<number>((a, b) => a + (b ?? 0), 0);
  return Math.max(0, ((total - ours) / machine.elapsedSeconds()) * 100);
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
