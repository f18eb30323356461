import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, startTestWarroom, VIEWER_TOKEN, waitFor, type TestSocket, type TestWarroom } from '../support/warroom';
import type { Snapshot, Tick } from '../../shared/wire';

let w: TestWarroom | undefined;
const sockets: TestSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await w?.close();
  w = undefined;
});

const bearer = { Authorization: `Bearer ${VIEWER_TOKEN}` };

describe('Redis Streams → server → Socket.IO', () => {
  it('delivers the exact GMV of XADDed orders in a tick', async () => {
    w = await startTestWarroom();
    const s = connectClient(w.app.url);
    sockets.push(s);
    const snap = await new Promise<Snapshot>((r) => s.once('snapshot', r));
    expect(snap.totals.gmvMinor).toBe('0');
    const ticks: Tick[] = [];
    s.on('tick', (t) => ticks.push(t));

    const amounts = ['38888.00', '0.01', '999999999999.99', '12.30'];
    for (const [i, a] of amounts.entries()) await w.redis.xadd(`${w.prefix}orders`, '*', 'id', `o${i}`, 'amount', a);
    await w.redis.xadd(
      `${w.prefix}orders`,
      '*',
      'batch',
      JSON.stringify([
        { id: 'b1', amount: '1.10' },
        { id: 'b2', amount: '2' },
      ]),
    );

    const expected = (3888800n + 1n + 99999999999999n + 1230n + 110n + 200n).toString();
    const t = await waitFor(() => ticks.find((x) => x.totals.gmvMinor === expected), 5000, 'a tick with the exact GMV');
    expect(t.totals.orders).toBe(6);
    expect(t.epoch).toBe(snap.epoch);
    // seq counts up by one per tick, from the snapshot's seq
    const seqs = ticks.map((x) => x.seq);
    expect(seqs[0]).toBe(snap.seq + 1);
    expect(seqs.every((q, i) => i === 0 || q === seqs[i - 1]! + 1)).toBe(true);

    const res = await fetch(`${w.app.url}/api/state`, { headers: bearer });
    const state = (await res.json()) as { gmv: string; orders: number; rejected: number; epoch: string; seq: number };
    expect(state).toMatchObject({ gmv: '1000000038903.40', orders: 6, rejected: 0, epoch: snap.epoch });
    expect(typeof state.seq).toBe('number');
  });

  it('dead-letters a poison entry with its reason, counts it, and applies nothing of it', async () => {
    w = await startTestWarroom();
    const k = w.prefix;
    await w.redis.xadd(`${k}orders`, '*', 'id', 'p1', 'amount', '1e309');
    await w.redis.xadd(`${k}orders`, '*', 'id', 'p2', 'amount', '-5');
    await w.redis.xadd(
      `${k}orders`,
      '*',
      'batch',
      JSON.stringify([
        { id: 'ok', amount: '5.00' },
        { id: 'bad', amount: '12.345' },
      ]),
    );
    await w.redis.xadd(`${k}weather`, '*', 'id', 'w1', 'region', 'CN-GD', 'severity', 'apocalyptic', 'kind', 'storm');
    await w.redis.xadd(`${k}orders`, '*', 'id', 'good', 'amount', '1.00');

    const state = await waitFor(
      async () => {
        const s = (await (await fetch(`${w!.app.url}/api/state`, { headers: bearer })).json()) as Snapshot & {
          gmv: string;
          rejected: number;
          orders: number;
        };
        return s.orders === 2 && s.rejected === 4 ? s : undefined;
      },
      5000,
      'state with 2 orders and 4 rejections',
    );
    expect(state.gmv).toBe('6.00');
    expect(state.totals.rejectedByReason).toEqual({ bad_amount: 2, too_many_decimals: 1, bad_severity: 1 });

    const dead = await waitFor(
      async () => {
        const d = await w!.redis.xrange(`${k}dead`, '-', '+');
        return d.length === 4 ? d : undefined;
      },
      5000,
      'four dead letters',
    );
    const rec = dead.map(([, f]) =>
      Object.fromEntries(f.reduce<[string, string][]>((acc, v, i, arr) => (i % 2 ? acc : [...acc, [v, arr[i + 1]!]]), [])),
    );
    expect(rec[0]).toMatchObject({ stream: `${k}orders`, code: 'bad_amount', id: 'p1', amount: '1e309' });
    expect(rec[0]!.reason).toMatch(/^bad_amount: /);
    expect(rec[2]).toMatchObject({ code: 'too_many_decimals', index: '1', item: '{"id":"bad","amount":"12.345"}' });
    expect(rec.find((r) => r.stream === `${k}weather`)).toMatchObject({ code: 'bad_severity', severity: 'apocalyptic' });
  });

  it('counts a retried XADD once, in single and batched form', async () => {
    w = await startTestWarroom();
    const k = w.prefix;
    await w.redis.xadd(`${k}orders`, '*', 'id', 'r1', 'amount', '10.00');
    await w.redis.xadd(`${k}orders`, '*', 'id', 'r1', 'amount', '10.00'); // the producer lost the reply and sent again
    await w.redis.xadd(
      `${k}orders`,
      '*',
      'batch',
      JSON.stringify([
        { id: 'r2', amount: '1.00' },
        { id: 'r1', amount: '10.00' },
      ]),
    );
    await w.redis.xadd(`${k}orders`, '*', 'batch', JSON.stringify([{ id: 'r2', amount: '1.00' }]));
    await w.redis.xadd(`${k}logistics`, '*', 'id', 'p1', 'stage', 'picked', 'parcels', '3');
    await w.redis.xadd(`${k}logistics`, '*', 'id', 'p1', 'stage', 'picked', 'parcels', '3');
    const st = await waitFor(
      () => {
        const s = w!.app.state();
        return s.totals.duplicates === 4 ? s : undefined;
      },
      5000,
      'four duplicates',
    );
    expect(st).toMatchObject({ gmv: '11.00', orders: 2, rejected: 0 });
    expect(st.parcels.picked).toBe(3);
  });

  it('reads payments and traffic (contract v1), dedupes payment retries, and keeps both across a restart', async () => {
    w = await startTestWarroom();
    const k = w.prefix;
    await w.redis.xadd(`${k}payments`, '*', 'id', 'p1', 'channel', 'alipay', 'ok', '1');
    await w.redis.xadd(`${k}payments`, '*', 'id', 'p1', 'channel', 'alipay', 'ok', '1');
    await w.redis.xadd(`${k}payments`, '*', 'id', 'p2', 'channel', 'alipay', 'ok', '0');
    await w.redis.xadd(`${k}payments`, '*', 'id', 'p3', 'channel', 'card', 'ok', 'maybe');
    await w.redis.xadd(`${k}traffic`, '*', 'visitors', '10000000');
    await w.redis.xadd(`${k}traffic`, '*', 'visitors', '-3');
    const st = await waitFor(
      () => {
        const s = w!.app.state();
        return s.traffic !== null && s.totals.rejected === 2 ? s : undefined;
      },
      5000,
      'payments and traffic applied',
    );
    expect(st.payments).toEqual({ alipay: { ok: 1, failed: 1 } });
    expect(st.traffic?.visitors).toBe(10_000_000);
    expect(st.totals.rejectedByReason).toEqual({ bad_ok: 1, bad_visitors: 1 });
    await w.app.close();
    w.redis.disconnect();
    w = await startTestWarroom({ WARROOM_KEY_PREFIX: k });
    expect(w.app.state().payments).toEqual({ alipay: { ok: 1, failed: 1 } });
    expect(w.app.state().traffic?.visitors).toBe(10_000_000);
    await w.redis.xadd(`${k}payments`, '*', 'id', 'p2', 'channel', 'alipay', 'ok', '0'); // a retry after the restart
    await w.redis.xadd(`${k}payments`, '*', 'id', 'p4', 'channel', 'card', 'ok', '1');
    await waitFor(() => (w!.app.state().payments.card ? true : undefined), 5000, 'p4');
    expect(w.app.state().payments).toEqual({ alipay: { ok: 1, failed: 1 }, card: { ok: 1, failed: 0 } });
  });

  it('gives a late joiner a snapshot with totals, series, logistics and alerts', async () => {
    w = await startTestWarroom();
    const k = w.prefix;
    await w.redis.xadd(`${k}orders`, '*', 'id', 'a', 'amount', '100.00');
    await w.redis.xadd(`${k}logistics`, '*', 'id', 'l1', 'stage', 'dispatched', 'parcels', '4', 'warehouse', 'WH-HZ');
    await w.redis.xadd(`${k}weather`, '*', 'id', 'w1', 'region', 'CN-GD', 'severity', 'warning', 'kind', 'storm', 'text', '<b>typhoon</b>');
    await waitFor(() => (w!.app.aggregator.parcels().dispatched === 4 && w!.app.aggregator.orders === 1 ? true : undefined));

    const s = connectClient(w.app.url);
    sockets.push(s);
    const snap = await new Promise<Snapshot>((r) => s.once('snapshot', r));
    expect(snap.totals).toMatchObject({ gmvMinor: '10000', orders: 1 });
    expect(snap.parcels.dispatched).toBe(4);
    expect(snap.alerts).toEqual([expect.objectContaining({ id: 'w1', text: '<b>typhoon</b>', severity: 'warning' })]);
    expect(snap.milestones[0]).toMatchObject({ thresholdMinor: '100000', reachedAtMs: null });
    expect(snap.series.orders.reduce((a, b) => a + b, 0)).toBe(1);
    expect(snap.series.startMs).toBe(snap.event.t0Ms - 300_000);

    const again = await s.timeout(2000).emitWithAck('resync');
    expect(again.totals.gmvMinor).toBe('10000');
    const serverNow = await s.timeout(2000).emitWithAck('time');
    expect(Math.abs(serverNow - Date.now())).toBeLessThan(1000);
  });

  it('resumes from its checkpoint after a restart: nothing re-read, a retry still counts once', async () => {
    w = await startTestWarroom();
    const k = w.prefix;
    await w.redis.xadd(`${k}orders`, '*', 'id', 'a', 'amount', '1.50');
    await w.redis.xadd(`${k}orders`, '*', 'id', 'b', 'amount', 'oops');
    await w.redis.xadd(`${k}logistics`, '*', 'id', 'l', 'stage', 'packed', 'parcels', '2');
    await waitFor(async () => ((await w!.redis.xlen(`${k}dead`)) === 1 && w!.app.aggregator.parcels().packed === 2 ? true : undefined));
    const before = w.app.state();
    await w.app.close(); // saves a last checkpoint
    w.redis.disconnect();
    w = await startTestWarroom({ WARROOM_KEY_PREFIX: k });
    const st = w.app.state();
    expect(st).toMatchObject({ gmv: '1.50', orders: 1, rejected: 1, epoch: before.epoch, cursors: before.cursors });
    expect(st.parcels.packed).toBe(2);
    expect(st.series.orders).toEqual(before.series.orders.slice(0, st.series.orders.length));
    await w.redis.xadd(`${k}orders`, '*', 'id', 'a', 'amount', '1.50'); // a producer retry after the restart
    await w.redis.xadd(`${k}orders`, '*', 'id', 'c', 'amount', '2.00');
    await waitFor(() => (w!.app.aggregator.orders === 2 ? true : undefined), 5000, 'order c');
    await new Promise((r) => setTimeout(r, 300));
    expect(w.app.state()).toMatchObject({ gmv: '3.50', orders: 2, totals: { duplicates: 1 } });
    expect(w.app.ingest.entriesRead).toBe(2); // only what came after the checkpoint
    expect(await w.redis.xlen(`${k}dead`)).toBe(1);
  });

  it('resumes from the checkpoint of a server that never saw an entry', async () => {
    w = await startTestWarroom();
    const k = w.prefix;
    const epoch = w.app.state().epoch;
    await w.app.close();
    w.redis.disconnect();
    w = await startTestWarroom({ WARROOM_KEY_PREFIX: k });
    expect(w.app.state().epoch).toBe(epoch); // the checkpoint was usable: same epoch, not a recount
    await w.redis.xadd(`${k}orders`, '*', 'id', 'a', 'amount', '1.00');
    await w.redis.xadd(`${k}orders`, '*', 'id', 'a', 'amount', '1.00');
    await waitFor(() => (w!.app.aggregator.totals().duplicates === 1 ? true : undefined));
    expect(w.app.state()).toMatchObject({ gmv: '1.00', orders: 1 });
  });

  it('restarts from a checkpoint older than what it applied: re-reads the rest, exact, dead letters once', async () => {
    w = await startTestWarroom({ WARROOM_CHECKPOINT_MS: '600000' }); // no timed checkpoint during the test
    const k = w.prefix;
    await w.app.checkpointer.save(); // the checkpoint stands before any entry
    await w.redis.xadd(`${k}orders`, '*', 'id', 'a', 'amount', '1.00');
    await w.redis.xadd(`${k}orders`, '*', 'id', 'a', 'amount', '1.00');
    await w.redis.xadd(`${k}orders`, '*', 'id', 'bad', 'amount', '-1');
    await waitFor(async () => (w!.app.aggregator.totals().duplicates === 1 && (await w!.redis.xlen(`${k}dead`)) === 1 ? true : undefined));
    // A crash: no final checkpoint (stop everything without saving).
    w.app.checkpointer.save = async () => true;
    await w.app.close();
    w.redis.disconnect();
    w = await startTestWarroom({ WARROOM_KEY_PREFIX: k });
    await waitFor(() => (w!.app.aggregator.totals().duplicates === 1 ? true : undefined), 5000, 'the re-read');
    expect(w.app.state()).toMatchObject({ gmv: '1.00', orders: 1, rejected: 1 });
    await new Promise((r) => setTimeout(r, 300));
    expect(await w.redis.xlen(`${k}dead`)).toBe(1);
  });
});

describe('access', () => {
  it('refuses anonymous and wrong-token requests and sockets, but serves health without sales data', async () => {
    w = await startTestWarroom();
    for (const path of ['/api/state', '/wall']) {
      expect((await fetch(`${w.app.url}${path}`)).status, path).toBe(401);
      expect((await fetch(`${w.app.url}${path}`, { headers: { Authorization: 'Bearer nope-nope-nope-nope' } })).status, path).toBe(401);
    }
    // The executive view sends a signed-out browser to the sign-in page, never to data.
    const exec = await fetch(`${w.app.url}/`, { redirect: 'manual' });
    expect(exec.status).toBe(303);
    expect(exec.headers.get('location')).toBe('/login?next=%2F');
    expect((await fetch(`${w.app.url}/wall?token=wrong-token-xxxxxxxx`, { redirect: 'manual' })).status).toBe(401);
    const health = await fetch(`${w.app.url}/healthz`);
    const body = await health.text();
    expect(body).not.toMatch(/gmv|orders/i);
    expect(JSON.parse(body)).toEqual({ ok: expect.any(Boolean), status: expect.stringMatching(/^(up|down)$/) }); // anonymous: up or down only

    for (const token of [null, 'wrong-token-xxxxxxxxxx']) {
      const s = connectClient(w.app.url, token);
      sockets.push(s);
      const err = await new Promise<Error>((r) => s.once('connect_error', r));
      expect(err.message).toBe('unauthorized');
    }
  });

  it('trades ?token= on a page for a cookie and a redirect that drops the token from the URL', async () => {
    w = await startTestWarroom();
    const res = await fetch(`${w.app.url}/wall?token=${VIEWER_TOKEN}&lang=en`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/wall?lang=en');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await fetch(`${w.app.url}/api/state`, { headers: { Cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    const s = connectClient(w.app.url, null, { extraHeaders: { Cookie: cookie.split(';')[0]! } });
    sockets.push(s);
    await new Promise<void>((r) => s.once('connect', () => r()));
  });

  it('refuses a socket from another origin', async () => {
    w = await startTestWarroom();
    const s = connectClient(w.app.url, VIEWER_TOKEN, { extraHeaders: { Origin: 'https://evil.example' } });
    sockets.push(s);
    const err = await new Promise<Error>((r) => s.once('connect_error', r));
    expect(err).toBeInstanceOf(Error);
    expect(s.connected).toBe(false);
  });
});
