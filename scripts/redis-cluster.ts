/**
 * A private Redis Cluster on loopback for tests and the demo: N masters without replicas (3 by
 * default), each on a free port whose cluster bus port (port + 10000) is free too, in one temporary
 * directory; ready once every node says `cluster_state:ok`. The processes are killed and the
 * directory removed on stop, and on exit of this process if nobody called stop.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, waitForPing } from './redis-process';

export interface RedisCluster {
  /** `127.0.0.1:port` of every master, in start order (what REDIS_CLUSTER takes). */
  nodes: string[];
  ports: number[];
  /** Holds every node's cluster config file. */
  dir: string;
  procs: ChildProcess[];
  /** Kills node `i` (SIGKILL by default: a dead master, not a clean shutdown) and waits for its exit. */
  stopNode(i: number, signal?: NodeJS.Signals): Promise<void>;
  /** `CLUSTER INFO` of node `i` as fields (`cluster_state`, `cluster_known_nodes`, ...). */
  info(i: number): Promise<Record<string, string>>;
  /** Kills every node and removes the directory. */
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** @default 3 (the fewest masters `redis-cli --cluster create` accepts) */
  masters?: number;
  /**
   * `cluster-node-timeout`: how long a silent node may stay silent before it is flagged failing.
   * Redis' 15 s default would make a test of a dead master wait that long; 3 s still tolerates a
   * node starved of CPU on a busy test box. @default 3000
   */
  nodeTimeoutMs?: number;
  /** Until every node says `cluster_state:ok`. @default 30000 */
  timeoutMs?: number;
}

/** The cluster bus listens on port + 10000, so the client port must leave room for it. */
const BUS_OFFSET = 10_000;

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A free port whose bus port is free too, neither among `taken` (which gains both). */
async function freeNodePort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const p = await freePort();
    if (p + BUS_OFFSET > 65_535 || taken.has(p) || taken.has(p + BUS_OFFSET)) continue;
    if (!(await canBind(p + BUS_OFFSET))) continue;
    if (taken.has(p) || taken.has(p + BUS_OFFSET)) continue; // a parallel call took it while we checked
    taken.add(p).add(p + BUS_OFFSET);
    return p;
  }
  throw new Error('no free port pair (port and port + 10000) found on 127.0.0.1');
}

function spawnNode(port: number, dir: string, nodeTimeoutMs: number): ChildProcess {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'];
  args.push('--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', String(nodeTimeoutMs));
  return spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Starts a node on a free port pair; a port taken between the check and the bind gets another pair. */
async function startNode(dir: string, taken: Set<number>, nodeTimeoutMs: number): Promise<{ port: number; proc: ChildProcess }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freeNodePort(taken);
    const proc = spawnNode(port, dir, nodeTimeoutMs);
    const exited = new Promise<never>((_, reject) => proc.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`))));
    exited.catch(() => undefined);
    try {
      await Promise.race([waitForPing(port, 10_000), exited]);
      return { port, proc };
    } catch (e) {
      proc.kill('SIGKILL');
      if (attempt >= 3) throw e;
    }
  }
}

function createCluster(nodes: string[]): Promise<void> {
  const args = ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'];
  return new Promise((resolve, reject) => {
    execFile('redis-cli', args, { timeout: 30_000 }, (err, stdout, stderr) => {
      if (!err) return resolve();
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        return reject(new Error('redis-cli not found: install it (Debian: apt-get install redis-tools)'));
      reject(new Error(`redis-cli --cluster create failed: ${err.message}\n${stdout}${stderr}`));
    });
  });
}

async function clusterInfo(port: number): Promise<Record<string, string>> {
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    const text = (await r.call('CLUSTER', 'INFO')) as string;
    return Object.fromEntries(text.split(/\r?\n/).flatMap((l) => (l.includes(':') ? [l.split(':', 2) as [string, string]] : [])));
  } finally {
    r.disconnect();
  }
}

/** Until every node has every slot covered and knows all the others (a client may ask any of them). */
async function waitUntilOk(ports: number[], timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const infos = await Promise.all(ports.map((p) => clusterInfo(p).catch(() => ({}) as Record<string, string>)));
    if (infos.every((i) => i.cluster_state === 'ok' && i.cluster_known_nodes === String(ports.length))) return;
    if (Date.now() > until)
      throw new Error(`cluster not ok within ${timeoutMs} ms: ${infos.map((i) => i.cluster_state ?? '?').join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function gone(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((r) => proc.once('exit', () => r()));
}

/** Starts the nodes, joins them into one cluster with `redis-cli --cluster create`, waits until it is ok. */
export async function startRedisCluster(options: ClusterOptions = {}): Promise<RedisCluster> {
  const { masters = 3, nodeTimeoutMs = 3000, timeoutMs = 30_000 } = options;
  const dir = mkdtempSync(join(tmpdir(), 'warroom-cluster-'));
  const procs: ChildProcess[] = [];
  // A test runner that exits without stop() must not leave redis-servers behind.
  const cleanUp = (): void => {
    for (const p of procs) p.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', cleanUp);
  const stop = async (): Promise<void> => {
    process.off('exit', cleanUp);
    for (const p of procs) p.kill('SIGKILL'); // no data worth flushing: nothing is persisted
    await Promise.all(procs.map(gone));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const taken = new Set<number>();
    const started = await Promise.all(
      Array.from({ length: masters }, () =>
        startNode(dir, taken, nodeTimeoutMs).then((n) => {
          procs.push(n.proc);
          return n;
        }),
      ),
    );
    const ports = started.map((n) => n.port);
    const nodes = ports.map((p) => `127.0.0.1:${p}`);
    await createCluster(nodes);
    await waitUntilOk(ports, timeoutMs);
    return {
      nodes,
      ports,
      dir,
      procs: started.map((n) => n.proc),
      async stopNode(i, signal = 'SIGKILL') {
        const proc = started[i]!.proc;
        proc.kill(signal);
        await gone(proc);
      },
      info: (i) => clusterInfo(ports[i]!),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
