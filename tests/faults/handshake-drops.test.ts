/**
 * Connection slots against the production bundle as a real process: hundreds of clients that
 * drop while their handshake waits on a slow Redis (SIGSTOP) must not keep slots, so afterwards
 * the same credentials still open every socket their bound allows, and not one more. Known
 * sessions still connect while Redis does not answer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startRedis, type RedisProcess } from '../../scripts/redis-process';
import { spawnServer, type ServerProcess } from '../support/server-process';
import { FAULT_VIEWER_TOKEN, health, serverEnv, sleep } from '../support/fault-env';
import { rawWebSocket } from '../support/raw-socket';
import { connectClient, waitFor, type TestSocket } from '../support/warroom';

let redis: RedisProcess | undefined;
let server: ServerProcess | undefined;
const sockets: TestSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  redis?.proc.kill('SIGCONT');
  await server?.stop();
  await redis?.stop();
  server = redis = undefined;
});

const MAX_PER_CREDENTIAL = 20;
const DROPS = 300;

function open(url: string, cookie: string): Promise<TestSocket> {
  const s = connectClient(url, null, { extraHeaders: { Cookie: cookie } });
  sockets.push(s);
  return new Promise((resolve, reject) => {
    s.once('snapshot', () => resolve(s));
    s.once('connect_error', reject);
  });
}

describe('clients that drop mid-handshake', () => {
  it(`${DROPS} drops while Redis is stopped leave no slot behind`, async () => {
    redis = await startRedis();
    const env = serverEnv(redis.url, new Date(Date.now() - 60_000).toISOString(), {
      WARROOM_MAX_SOCKETS_PER_CREDENTIAL: String(MAX_PER_CREDENTIAL),
      WARROOM_ADMIN_USER: 'nightlead',
      WARROOM_ADMIN_PASSWORD: 'Copper-Lantern-8841!',
    });
    server = await spawnServer(env, await freePort());
    const url = server.url;
    await waitFor(async () => ((await health(url))?.status === 200 ? true : undefined), 20_000, 'the server to be healthy');
    // Two cookies whose check reads Redis: an account's session, and a wall's (from /wall?token=).
    const login = await fetch(`${url}/api/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: url },
      body: JSON.stringify({ username: 'nightlead', password: 'Copper-Lantern-8841!' }),
    });
    expect(login.status).toBe(204);
    const wall = await fetch(`${url}/wall?token=${encodeURIComponent(FAULT_VIEWER_TOKEN)}`, { redirect: 'manual' });
    const cookies = [login.headers.get('set-cookie')!.split(';')[0]!, wall.headers.get('set-cookie')!.split(';')[0]!];

    redis.proc.kill('SIGSTOP');
    await sleep(5500); // past the 5 s the server caches a session it has checked
    for (let i = 0; i < DROPS; i++) {
      const ws = await rawWebSocket(url, { Cookie: cookies[i % 2]! });
      ws.send('40'); // CONNECT: the server's auth now waits on Redis
      await sleep(5);
      ws.destroy();
    }
    await sleep(500);
    // A wall (and an account) reconnecting during the outage is still admitted: what the server
    // knew of its session a moment ago stands while Redis does not answer.
    for (const cookie of cookies) {
      const s = await open(url, cookie);
      s.close();
    }
    redis.proc.kill('SIGCONT');
    await waitFor(async () => ((await health(url))?.status === 200 ? true : undefined), 20_000, 'the server to see Redis again');
    await sleep(1000);

    // Every slot is free again: each credential opens its full bound, and the next is refused.
    for (const cookie of cookies) {
      const opened = await Promise.allSettled(Array.from({ length: MAX_PER_CREDENTIAL }, () => open(url, cookie)));
      const refused = opened.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
      expect(refused, `${cookie.split('=')[0]}: ${refused[0] ?? ''}`).toEqual([]);
      await expect(open(url, cookie)).rejects.toThrow('too many connections for this credential');
    }
    expect(server.proc.exitCode).toBeNull();
  }, 120_000);
});
