/**
 * Clients that never read but keep asking for resyncs (within their packet budget) against the
 * production bundle as a real process: its memory stays flat, and a reading client keeps getting
 * ticks. Late in a long night a snapshot is large (the per-second series since T0), so T0 is set
 * 12 hours back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { freePort, startRedis, type RedisProcess } from '../../scripts/redis-process';
import { spawnServer, type ServerProcess } from '../support/server-process';
import { FAULT_VIEWER_TOKEN, health, serverEnv, sleep } from '../support/fault-env';
import { poll, pollingHandshake, rawWebSocket, type RawWebSocket } from '../support/raw-socket';
import { connectClient, waitFor, type TestSocket } from '../support/warroom';

let redis: RedisProcess | undefined;
let server: ServerProcess | undefined;
const cleanup: (() => void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) c();
  await server?.stop();
  await redis?.stop();
  server = redis = undefined;
});

const rssMiB = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const CONNECT = `40${JSON.stringify({ token: FAULT_VIEWER_TOKEN })}`;

describe('clients that do not read', () => {
  it('40 sockets asking for resync 4 times a second without reading leave the memory flat', async () => {
    redis = await startRedis();
    server = await spawnServer(serverEnv(redis.url, new Date(Date.now() - 12 * 3600_000).toISOString()), await freePort());
    const url = server.url;
    const pid = server.proc.pid!;
    await waitFor(async () => ((await health(url))?.status === 200 ? true : undefined), 20_000, 'the server to be healthy');
    const snapshotBytes = (await (await fetch(`${url}/api/state`, { headers: { Authorization: `Bearer ${FAULT_VIEWER_TOKEN}` } })).text())
      .length;

    const bystander: TestSocket = connectClient(url, FAULT_VIEWER_TOKEN);
    cleanup.push(() => bystander.close());
    let ticks = 0;
    bystander.on('tick', () => ticks++);
    await new Promise((r) => bystander.once('snapshot', r));

    // 20 WebSockets that stop reading once joined, 20 polling sessions that never GET.
    const stuck: RawWebSocket[] = [];
    for (let i = 0; i < 20; i++) {
      const ws = await rawWebSocket(url);
      cleanup.push(() => ws.destroy());
      ws.send(CONNECT);
      await ws.waitFor('42["snapshot"');
      ws.pause();
      stuck.push(ws);
    }
    const sids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const { sid } = await pollingHandshake(url);
      await poll(url, sid!, { method: 'POST', body: CONNECT });
      sids.push(sid!);
    }
    await sleep(1000);
    const before = rssMiB(pid);
    let peak = before;
    const ticksBefore = ticks;
    let ack = 0;
    const until = Date.now() + 30_000;
    while (Date.now() < until) {
      ack++;
      for (const ws of stuck) ws.send(`42${ack}["resync"]`);
      // A session the server has closed answers 400: the client is gone for it, which is fine.
      await Promise.all(sids.map((sid) => poll(url, sid, { method: 'POST', body: `42${ack}["resync"]` }).catch(() => undefined)));
      peak = Math.max(peak, rssMiB(pid));
      await sleep(250);
    }
    const after = rssMiB(pid);
    process.stdout.write(
      `slow consumers: snapshot ${Math.round(snapshotBytes / 1024)} kB; server RSS ${before.toFixed(0)} MiB before, peak ${peak.toFixed(0)} MiB, ` +
        `${after.toFixed(0)} MiB after 30 s of 40 × 4 resync/s; bystander got ${ticks - ticksBefore} ticks\n`,
    );
    expect(server.proc.exitCode).toBeNull();
    expect(peak - before).toBeLessThan(100);
    expect(ticks - ticksBefore).toBeGreaterThan(100); // a reading client kept its ticks (10/s)
    expect((await health(url))?.status).toBe(200);
  }, 180_000);
});
