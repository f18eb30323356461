/**
 * Socket.IO's long-polling transport against the production bundle as a real process: raw polling
 * requests (what a scanner or a default client sends first) never kill it, anonymous or
 * authenticated, and a default `socket.io-client` (polling first, then the WebSocket upgrade)
 * gets its snapshot and ticks with a token and with the cookie a wall page holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as ioClient, type Socket } from 'socket.io-client';
import { FAULT_VIEWER_TOKEN, health } from '../support/fault-env';
import { useFaultRig } from '../support/fault-rig';
import { poll, pollingHandshake } from '../support/raw-socket';
import { waitFor } from '../support/warroom';
import type { ClientToServerEvents, ServerToClientEvents, Snapshot } from '../../shared/wire';

const rig = useFaultRig();
const clients: Socket[] = [];
beforeAll(() =>
  waitFor(async () => ((await health(rig.server.url))?.status === 200 ? true : undefined), 20_000, 'the server to be healthy'),
);
afterAll(() => {
  for (const c of clients) c.close();
});

/** The process is still running and answers its health check. */
async function stillUp(): Promise<void> {
  expect(rig.server.proc.exitCode, rig.server.log()).toBeNull();
  expect(rig.server.proc.signalCode).toBeNull();
  const h = await health(rig.server.url);
  expect(h?.status, JSON.stringify(h?.body)).toBe(200);
  expect(rig.server.log()).not.toMatch(/ERR_HTTP_HEADERS_SENT/);
}

describe('raw long-polling requests', () => {
  it('anonymous: handshake, POST, GET, a second GET and junk never kill the process; the socket is refused', async () => {
    const url = rig.server.url;
    const hs = await pollingHandshake(url);
    expect(hs.status).toBe(200);
    expect(hs.sid).not.toBeNull();
    expect((await poll(url, hs.sid!, { method: 'POST', body: '40' })).body).toBe('ok');
    const answer = await poll(url, hs.sid!, { method: 'GET' });
    expect(answer.body).toContain('44{"message":"unauthorized"}');
    expect(answer.body).not.toContain('snapshot');
    // Again, as a scanner would: a second GET, a POST of junk, an unknown sid, a POST handshake.
    const hs2 = await pollingHandshake(url);
    await Promise.all([poll(url, hs2.sid!, { method: 'GET' }), poll(url, hs2.sid!, { method: 'GET' })]);
    await poll(url, hs2.sid!, { method: 'POST', body: 'not an engine.io packet' });
    expect((await poll(url, 'no-such-sid', { method: 'POST', body: '40' })).status).toBe(400);
    expect((await poll(url, 'no-such-sid', { method: 'GET' })).status).toBe(400);
    expect((await fetch(`${url}/socket.io/?EIO=4&transport=polling`, { method: 'POST', body: '40' })).status).toBe(400);
    await new Promise((r) => setTimeout(r, 300));
    await stillUp();
  });

  it('authenticated: the CONNECT packet is answered with the snapshot, over polling only', async () => {
    const url = rig.server.url;
    const hs = await pollingHandshake(url);
    expect((await poll(url, hs.sid!, { method: 'POST', body: `40${JSON.stringify({ token: FAULT_VIEWER_TOKEN })}` })).body).toBe('ok');
    let got = '';
    for (let i = 0; i < 5 && !got.includes('"snapshot"'); i++) got += (await poll(url, hs.sid!, { method: 'GET' })).body;
    expect(got).toMatch(/^40\{"sid":"[^"]+"\}/);
    expect(got).toContain('42["snapshot",{"kind":"snapshot"');
    // Ticks keep coming over polling, and a resync is answered.
    expect((await poll(url, hs.sid!, { method: 'POST', body: '427["resync"]' })).body).toBe('ok');
    let more = '';
    for (let i = 0; i < 20 && !(more.includes('"tick"') && more.includes('437[{"kind":"snapshot"')); i++)
      more += (await poll(url, hs.sid!, { method: 'GET' })).body;
    expect(more).toContain('42["tick",');
    expect(more).toContain('437[{"kind":"snapshot"');
    // Two GETs at once: engine.io closes that session, the process stays.
    await Promise.all([poll(url, hs.sid!, { method: 'GET' }), poll(url, hs.sid!, { method: 'GET' })]);
    await poll(url, hs.sid!, { method: 'POST', body: '42["resync"]' });
    await stillUp();
  });

  it('refuses a polling handshake from a foreign origin', async () => {
    const hs = await pollingHandshake(rig.server.url, { Origin: 'https://evil.example' });
    expect(hs.status).toBe(403);
    expect(hs.sid).toBeNull();
    await stillUp();
  });
});

describe('a default socket.io-client (polling first, then the upgrade)', () => {
  const open = (opts: { auth?: { token: string }; cookie?: string }): Socket<ServerToClientEvents, ClientToServerEvents> => {
    const s: Socket<ServerToClientEvents, ClientToServerEvents> = ioClient(rig.server.url, {
      auth: opts.auth ?? {},
      extraHeaders: opts.cookie ? { Cookie: opts.cookie } : {},
      reconnection: false,
      forceNew: true,
    });
    clients.push(s);
    return s;
  };
  /** Connects, checks it began on polling and upgraded to a WebSocket, and receives a snapshot and ticks. */
  async function livesAndUpgrades(s: Socket<ServerToClientEvents, ClientToServerEvents>): Promise<void> {
    let ticks = 0;
    let initial = '';
    const upgraded = new Promise<string>((resolve) =>
      s.io.once('open', () => {
        initial = s.io.engine.transport.name;
        s.io.engine.once('upgrade', (t: { name: string }) => resolve(t.name));
      }),
    );
    s.on('tick', () => ticks++);
    const snap0 = await new Promise<Snapshot>((resolve, reject) => {
      s.once('connect_error', reject);
      s.once('snapshot', resolve);
    });
    expect(snap0.kind).toBe('snapshot');
    expect(initial).toBe('polling');
    expect(await upgraded).toBe('websocket');
    const at = ticks;
    await new Promise((r) => setTimeout(r, 1000));
    expect(ticks - at).toBeGreaterThan(3);
    expect(s.io.engine.transport.name).toBe('websocket');
    const snap = await s.timeout(5000).emitWithAck('resync');
    expect(snap.kind).toBe('snapshot');
  }

  it('with auth.token', async () => {
    await livesAndUpgrades(open({ auth: { token: FAULT_VIEWER_TOKEN } }));
    await stillUp();
  });

  it('with the cookie a wall page gets from /wall?token=', async () => {
    const res = await fetch(`${rig.server.url}/wall?token=${encodeURIComponent(FAULT_VIEWER_TOKEN)}`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    await livesAndUpgrades(open({ cookie }));
    await stillUp();
  });

  it('without a credential: refused over polling, the process stays up', async () => {
    const s = open({});
    await expect(new Promise((_r, reject) => s.once('connect_error', reject))).rejects.toThrow('unauthorized');
    await stillUp();
  });
});
