/**
 * `npm run demo [-- --speed N --scale N --seed N]`: a live wall in under a minute.
 * Starts a private redis-server (unless REDIS_URL is set), builds if needed, starts the server
 * and the simulator with T0 one minute ahead, and prints the wall URL. Ctrl-C stops it all.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ensureSystemDeps, REDIS } from './system-deps';
import { freePort, startRedis, type RedisProcess } from './redis-process';

const { values } = parseArgs({
  options: {
    speed: { type: 'string', default: '1' },
    scale: { type: 'string', default: '1' },
    seed: { type: 'string', default: '11' },
    'lead-seconds': { type: 'string', default: '60' },
  },
});

const children: ChildProcess[] = [];
let redis: RedisProcess | undefined;
let stopping = false;

async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
    await redis?.stop();
  }
  process.exit(code);
}

async function portFree(port: number): Promise<boolean> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

async function main(): Promise<void> {
  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    ensureSystemDeps([REDIS], 'npm run demo');
    redis = await startRedis();
    redisUrl = redis.url;
    process.stderr.write(`demo: private redis-server at ${redisUrl}\n`);
  }
  execFileSync(process.execPath, ['scripts/build-if-needed.mjs'], { stdio: 'inherit' });

  const wanted = Number(process.env.PORT || 8080);
  const port = (await portFree(wanted)) ? wanted : await freePort();
  const token = process.env.WARROOM_VIEWER_TOKEN || randomBytes(18).toString('base64url');
  const lead = Number(values['lead-seconds']);
  const t0 = new Date(Math.ceil((Date.now() + lead * 1000) / 1000) * 1000).toISOString();
  const adminToken = process.env.WARROOM_ADMIN_TOKEN || randomBytes(24).toString('base64url');
  const env = {
    ...process.env,
    PORT: String(port),
    REDIS_URL: redisUrl,
    WARROOM_T0: t0,
    WARROOM_VIEWER_TOKEN: token,
    WARROOM_ADMIN_TOKEN: adminToken,
  };

  const server = spawn(process.execPath, ['dist/server/main.js'], { env, stdio: 'inherit' });
  children.push(server);
  server.once('exit', (code) => {
    if (!stopping) {
      process.stderr.write(`demo: the server exited (${code}); stopping\n`);
      void stopAll(1);
    }
  });
  const sim = spawn(
    process.execPath,
    ['--import', 'tsx', 'server/simulate/main.ts', '--t0', t0, '--speed', values.speed!, '--scale', values.scale!, '--seed', values.seed!],
    { env, stdio: 'inherit' },
  );
  children.push(sim);

  const host = process.env.HOST && process.env.HOST !== '0.0.0.0' ? process.env.HOST : '127.0.0.1';
  process.stdout.write(
    `\n  warroom demo: T0 at ${t0} (${lead} s from now)\n  Open the wall:  http://${host}:${port}/wall?token=${token}\n  Executive view: http://${host}:${port}/?token=${adminToken}\n  Admin page:     http://${host}:${port}/admin?token=${adminToken}  (the admin token: keep it private)\n  Ctrl-C stops everything.\n\n`,
  );
}

process.once('SIGINT', () => void stopAll(0));
process.once('SIGTERM', () => void stopAll(0));
main().catch((e) => {
  process.stderr.write(`demo: ${(e as Error).message}\n`);
  void stopAll(1);
});
