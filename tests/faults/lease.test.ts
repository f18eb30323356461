/**
 * Two production servers (real processes) on one Redis and one key prefix. The second stands by
 * and serves screens; admin actions on either reach the other's sockets within 2 s. During a feed
 * with a ledger the owner is killed (-9), then the new owner is paused (SIGSTOP) past its lease:
 * each time the standby takes over from the checkpoint, and the paused one, resumed, never writes
 * a checkpoint or a dead letter again; it exits. The totals equal the ledger exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { freePort, startRedis, type RedisProcess } from '../../scripts/redis-process';
import { spawnServer, type ServerProcess } from '../support/server-process';
import { apiState, drained, FAULT_VIEWER_TOKEN, health, serverEnv, sleep, whenOwner } from '../support/fault-env';
import { Feed } from '../support/feed';
import { connectClient, waitFor, type TestSocket } from '../support/warroom';
import { reconcile } from '../../server/reconcile';
import { streamKeys } from '../../server/redis';
import { defaultDecodeOptions } from '../../server/ingest/decode';
import { parseCheckpoint } from '../../server/checkpoint';

const ADMIN = { Authorization: 'Bearer Kx9#qZ7!pL2@vN5$wR8^yB4&tM6*hJ3%' };
let redis: RedisProcess;
let r: Redis;
let env: Record<string, string>;
const ports: number[] = [];
const servers: ServerProcess[] = [];
const sockets: TestSocket[] = [];

async function start(i: number): Promise<ServerProcess> {
  const s = await spawnServer(env, ports[i]!);
  servers.push(s);
  return s;
}

const admin = (s: ServerProcess, path: string, method: string, body?: unknown): Promise<Response> =>
  fetch(`${s.url}/api/admin/${path}`, {
    method,
    headers: { ...ADMIN, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });

/**
 * Milliseconds from `act` until `ev` arrives on `s` (printed: tens of ms on a quiet machine; the
 * issue asks for 2 s). The test fails only past 5 s: the full suite shares two cores with Chromium
 * and 50k orders/s feeds, where a starved event loop is not what this test is about.
 */
async function reaches(s: TestSocket, ev: 'banner' | 'reload' | 'disconnect', act: () => Promise<unknown>): Promise<number> {
  const got = new Promise<void>((res) => s.once(ev, () => res()));
  const t0 = Date.now();
  const done = await act();
  const status = done instanceof Response ? ` (the action answered ${done.status})` : '';
  await Promise.race([
    got,
    sleep(5000).then(() =>
      Promise.reject(new Error(`${ev} did not reach the other node's socket within 5 s${status}; connected: ${s.connected}`)),
    ),
  ]).catch((e: Error) => {
    process.stdout.write(`A LOG\n${a.log().slice(-2500)}\nB LOG\n${b.log().slice(-2500)}\n`);
    throw e;
  });
  return Date.now() - t0;
}

const leaseToken = async (s: ServerProcess): Promise<number> => ((await health(s.url))!.body.lease as { token: number }).token;
const checkpointFence = async (): Promise<number | undefined> => {
  const raw = await r.get('wr:ckpt');
  return raw === null ? undefined : parseCheckpoint(raw).fence;
};

let a: ServerProcess;
let b: ServerProcess;

beforeAll(async () => {
  redis = await startRedis();
  r = new Redis(redis.url);
  ports.push(await freePort(), await freePort());
  env = serverEnv(redis.url, new Date(Date.now() - 60_000).toISOString());
  a = await start(0);
  await whenOwner(a.url);
  b = await start(1);
});

afterAll(async () => {
  for (const s of sockets) s.close();
  for (const s of servers) {
    s.proc.kill('SIGCONT');
    await s.stop();
  }
  r?.disconnect();
  await redis?.stop();
});

describe('two servers on one key prefix', () => {
  it('the second stands by, naming the holder; banner, reload and revocation done on one reach a socket on the other within 2 s', async () => {
    const h = (await health(b.url))!;
    expect(h.status).toBe(503);
    expect(h.body).toMatchObject({ ok: false, status: 'standby', lease: { holder: { pid: a.proc.pid } } });
    expect(b.log()).toContain(`pid ${a.proc.pid}`);
    expect((await fetch(`${b.url}/api/state`, { headers: { Authorization: `Bearer ${FAULT_VIEWER_TOKEN}` } })).status).toBe(503);

    const onA = connectClient(a.url, FAULT_VIEWER_TOKEN);
    const onB = connectClient(b.url, FAULT_VIEWER_TOKEN);
    sockets.push(onA, onB);
    await waitFor(() => (onA.connected && onB.connected ? true : undefined));
    const banner = await reaches(onB, 'banner', () => admin(a, 'banner', 'POST', { text: 'Doors open', durationSec: 30 }));
    const reload = await reaches(onA, 'reload', () => admin(b, 'reload', 'POST'));
    const created = (await (await admin(a, 'tokens', 'POST', { name: 'Hall C' })).json()) as { token: string; info: { id: string } };
    // The standby learns of new tokens by its periodic refresh (5 s); revocation is what must be fast.
    const device = await waitFor(
      async () => {
        const s = connectClient(b.url, created.token);
        sockets.push(s);
        const ok = await new Promise<boolean>((res) => {
          s.once('connect', () => res(true));
          s.once('connect_error', () => res(false));
        });
        return ok ? s : undefined;
      },
      10_000,
      'the new token accepted by the standby',
    );
    const revoked = await reaches(device, 'disconnect', () => admin(a, `tokens/${created.info.id}`, 'DELETE'));
    process.stdout.write(`lease (processes): banner ${banner} ms, reload ${reload} ms, revocation ${revoked} ms across nodes\n`);
    await admin(a, 'banner', 'DELETE');
  }, 60_000);

  it('kill -9 of the owner, then SIGSTOP of the next past its lease: the standby takes over each time, the resumed one never writes again, totals equal the ledger', async () => {
    const feed = new Feed({ redisUrl: redis.url, ratePerSec: 5000, seed: 23 });
    feed.start();
    await sleep(1500);

    // 1. kill -9 the owner: the standby takes over from its checkpoint.
    const tokenA = await leaseToken(a);
    await a.kill9();
    const killedAt = Date.now();
    await whenOwner(b.url, 20_000);
    const afterKill = Date.now() - killedAt;
    const tokenB = await leaseToken(b);
    expect(tokenB).toBeGreaterThan(tokenA);
    a = await start(0); // back as a standby
    expect((await health(a.url))!.body.status).toBe('standby');
    await sleep(1500);

    // 2. SIGSTOP the new owner past its lease. It is idle, blocked in XREAD, so the poison written
    // next waits in its reply: resumed, it may try to dead-letter it (unless its read watchdog fires first).
    await waitFor(async () => ((await checkpointFence()) === tokenB ? true : undefined), 5000, 'a checkpoint by the new owner');
    await feed.stop();
    await drained(b.url, feed.ledger.orders, 60_000);
    await sleep(300);
    b.proc.kill('SIGSTOP');
    const stoppedAt = Date.now();
    const poison = 40;
    for (let i = 0; i < poison; i++) await r.xadd('wr:orders', '*', 'id', `poison-${i}`, 'amount', 'not-money');
    const feed2 = new Feed({ redisUrl: redis.url, ratePerSec: 5000, seed: 29 });
    feed2.start();
    await whenOwner(a.url, 20_000);
    const afterStop = Date.now() - stoppedAt;
    const tokenA2 = await leaseToken(a);
    expect(tokenA2).toBeGreaterThan(tokenB);
    await waitFor(
      async () => ((await checkpointFence()) === tokenA2 ? true : undefined),
      5000,
      'a checkpoint by the owner after the takeover',
    );
    await sleep(1000);

    // 3. Resume the paused one: it tries to write (its timers were due), Redis refuses, it learns it
    // lost the lease and exits. MONITOR sees every command it sends and every command its scripts
    // run; every checkpoint seen meanwhile is the new owner's.
    const bConns = new Set(
      String(await r.call('CLIENT', 'LIST'))
        .split('\n')
        .filter((l) => l.includes(`name=warroom-`) && new RegExp(`name=warroom-[a-z-]+-${b.proc.pid}( |$)`).test(l))
        .map((l) => /addr=(\S+)/.exec(l)![1]!),
    );
    expect(bConns.size).toBeGreaterThanOrEqual(3); // main, checkpoint, lease (+ reader, admin bus)
    // Our own monitor connection, with its listeners on before it connects: lines that reach
    // ioredis before it has switched to monitoring are reported as a queue error (not ours to fail on).
    const monitor = new Redis(redis.url, { monitor: true, lazyConnect: true });
    monitor.on('error', () => undefined);
    // Redis 7 feeds MONITOR a script call, then the commands the script runs (source "lua"): those
    // belong to the last call before them. Checked first with a probe of our own.
    const seen: { source: string; cmd: string }[] = [];
    monitor.on('monitor', (_time: string, args: string[], source: string) => seen.push({ source, cmd: String(args[0]).toUpperCase() }));
    await Promise.all([new Promise((r) => monitor.once('monitoring', r)), monitor.connect()]);
    await r.eval("return redis.call('GET', 'lease-monitor-probe')", 0);
    await waitFor(() => (seen.some((e) => e.source === 'lua') ? true : undefined), 5000, 'the probe on MONITOR');
    const probe = seen.findIndex((e) => e.cmd === 'EVAL');
    expect(seen[probe + 1]).toEqual({ source: 'lua', cmd: 'GET' });
    const fences = new Set<number | undefined>();
    let watching = true;
    const watch = (async () => {
      while (watching) {
        fences.add(await checkpointFence());
        await sleep(2);
      }
    })();
    const exited = new Promise<number | null>((res) => b.proc.once('exit', (code) => res(code)));
    b.proc.kill('SIGCONT');
    const code = await Promise.race([exited, sleep(20_000).then(() => 'still running')]);
    await sleep(1000);
    watching = false;
    await watch;
    monitor.disconnect();
    process.stdout.write(`lease (processes): the resumed owner's log:\n${b.log().split('\n').slice(-12).join('\n')}\n`);
    expect(code).toBe(3);
    expect([...fences]).toEqual([tokenA2]);
    expect(b.log()).toMatch(/lease lost: .* took over/);
    // It sent scripts (at least its renewal; its checkpoint too, when that timer was due), and
    // inside them Redis ran nothing but reads: the fence check, and the careful read (XRANGE) that
    // follows the read the pause made fail; nothing it sent directly wrote either.
    const fromB: string[] = [];
    let lastSource = '';
    for (const e of seen) {
      if (e.source !== 'lua') lastSource = e.source;
      if (bConns.has(lastSource)) fromB.push(`${e.source === 'lua' ? 'script: ' : ''}${e.cmd}`);
    }
    const scripts = fromB.filter((c) => c === 'EVALSHA' || c === 'EVAL').length;
    const ranInScripts = new Set(fromB.filter((c) => c.startsWith('script: ')));
    const direct = new Set(fromB.filter((c) => !c.startsWith('script: ')));
    expect(scripts).toBeGreaterThanOrEqual(1);
    expect([...ranInScripts]).toContain('script: GET');
    for (const c of ranInScripts) expect(['script: GET', 'script: XRANGE'], c).toContain(c);
    // MULTI/EXEC wrap the history probe (XINFO + XREAD): MONITOR lists each command inside on its own.
    for (const c of direct)
      expect(
        ['EVALSHA', 'EVAL', 'GET', 'XREAD', 'MULTI', 'EXEC', 'XINFO', 'HGETALL', 'EXISTS', 'PING', 'INFO', 'CLIENT', 'QUIT', 'SELECT'],
        c,
      ).toContain(c);
    const refusedWrites = (b.log().match(/refused: fencing token/g) ?? []).length;

    await sleep(500);
    await feed2.stop();
    const l = {
      orders: feed.ledger.orders + feed2.ledger.orders,
      gmvMinor: feed.ledger.gmvMinor + feed2.ledger.gmvMinor,
      duplicatesWritten: feed.ledger.duplicatesWritten + feed2.ledger.duplicatesWritten,
    };
    await drained(a.url, l.orders);
    await sleep(300);
    const settled = (await apiState(a.url))!;
    const dead = await r.xrange('wr:dead', '-', '+');
    const deadEntries = new Set(dead.map(([, f]) => f[f.indexOf('entry') + 1]));
    process.stdout.write(
      `lease (processes): takeover ${afterKill} ms after kill -9, ${afterStop} ms after SIGSTOP (lease 3 s); ` +
        `tokens ${tokenA} → ${tokenB} → ${tokenA2}; resumed owner: ${scripts} scripts sent, ${refusedWrites} writes refused, exit ${code}; ` +
        `${l.orders} orders, ${l.duplicatesWritten} retried ids, ${poison} poison, ${dead.length} dead letters\n`,
    );
    expect(settled.orders).toBe(l.orders);
    expect(settled.totals.gmvMinor).toBe(l.gmvMinor.toString());
    expect(settled.totals.duplicates).toBe(l.duplicatesWritten);
    expect(settled.rejected).toBe(poison);
    expect(settled.alarms).toEqual([]);
    expect(dead.length).toBe(poison);
    expect(deadEntries.size).toBe(poison);
    const rec = await reconcile(r, streamKeys('wr:'), settled, defaultDecodeOptions, 15 * 60_000);
    expect(rec.differences).toEqual([]);
    // Generous bounds for a shared machine: the lease is 3 s, standbys poll every 0.5 s.
    expect(afterKill).toBeLessThan(10_000);
    expect(afterStop).toBeLessThan(10_000);
  }, 180_000);
});
