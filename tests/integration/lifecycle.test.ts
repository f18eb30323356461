/**
 * Starting and stopping one process (startWarroom in this one) against the test run's Redis:
 * close() and a failed start leave nothing behind (no connection of this process, no lease), the
 * final checkpoint is written before the lease is freed, and a close while a standby's takeover is
 * still loading starts nothing and saves nothing (the placeholder would overwrite the checkpoint).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { startWarroom } from '../../server/app';
import { StartRefused } from '../../server/resume';
import { parseCheckpoint } from '../../server/checkpoint';
import type { Logger } from '../../server/log';
import { startTestWarroom, testConfig, testEvent, waitFor } from '../support/warroom';

let redis: Redis;
beforeAll(() => {
  redis = new Redis(inject('redisUrl'));
});
afterAll(() => redis.disconnect());

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** This process's warroom connections, by name (role) and address. */
async function ours(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const line of ((await redis.client('LIST')) as string).split('\n')) {
    const name = /\bname=(\S+)/.exec(line)?.[1];
    const addr = /\baddr=(\S+)/.exec(line)?.[1];
    if (name?.startsWith('warroom-') && name.endsWith(`-${process.pid}`) && addr)
      out.set(addr, name.slice('warroom-'.length, -`-${process.pid}`.length));
  }
  return out;
}
const noneLeft = (): Promise<true> =>
  waitFor(async () => ((await ours()).size === 0 ? true : undefined), 10_000, 'every connection of this process closed');

async function orders(prefix: string): Promise<number> {
  const text = await redis.get(`${prefix}ckpt`);
  return text === null ? -1 : (parseCheckpoint(text).aggregate.parts.orders?.orders ?? 0);
}

describe('closing', () => {
  it('stops everything it started, the final checkpoint written before the lease is freed; a second close() is harmless', async () => {
    const w = await startTestWarroom({ WARROOM_CHECKPOINT_MS: '60000' });
    await w.redis.xadd(`${w.prefix}orders`, '*', 'id', 'o1', 'amount', '12.50');
    await waitFor(() => (w.app.aggregator.orders === 1 ? true : undefined));
    const conns = await ours();
    expect([...new Set(conns.values())].sort()).toEqual(['admin-bus', 'checkpoint', 'lease', 'main', 'reader']);
    const role = (source: string): string | undefined => conns.get(source);

    // What the checkpoint and lease connections send while closing, in order.
    const monitor = await new Redis(inject('redisUrl')).monitor();
    const sent: string[] = [];
    monitor.on('monitor', (_time: string, _args: string[], source: string) => {
      const r = role(source);
      if (r === 'checkpoint' || r === 'lease') sent.push(r);
    });
    await sleep(100);
    expect(await orders(w.prefix)).toBeLessThan(1); // timed saves are a minute apart: not saved yet
    await w.app.close();
    await w.app.close();
    await sleep(100);
    monitor.disconnect();

    expect(await orders(w.prefix)).toBe(1);
    expect(sent.lastIndexOf('checkpoint')).toBeGreaterThanOrEqual(0);
    expect(sent.lastIndexOf('checkpoint')).toBeLessThan(sent.lastIndexOf('lease')); // saved, then freed
    expect(await redis.exists(`${w.prefix}lease`)).toBe(0);
    await noneLeft();
    w.redis.disconnect();
  });
});

describe('a failed start', () => {
  it('(saved state in another currency) stops everything it started: no connection left, the lease free at once, the checkpoint untouched', async () => {
    const w = await startTestWarroom();
    await w.redis.xadd(`${w.prefix}orders`, '*', 'id', 'o1', 'amount', '12.50');
    await waitFor(() => (w.app.aggregator.orders === 1 ? true : undefined));
    await w.close();
    const saved = await redis.get(`${w.prefix}ckpt`);

    const refused = await startTestWarroom({}, testEvent({ currency: 'KWD', minorDigits: 3 }), w.prefix).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(StartRefused);
    await noneLeft();
    expect(await redis.exists(`${w.prefix}lease`)).toBe(0);
    expect(await redis.get(`${w.prefix}ckpt`)).toBe(saved);

    const again = await startTestWarroom({}, testEvent(), w.prefix);
    expect(again.app.lease.role).toBe('owner');
    expect(again.app.state().orders).toBe(1);
    await again.close();
  });
});

describe('closing a standby whose takeover is loading', () => {
  it('starts nothing, saves nothing and retries nothing: the checkpoint keeps its figures', async () => {
    const prefix = `t${randomBytes(4).toString('hex')}:`;
    const a = await startTestWarroom({ WARROOM_LEASE_MS: '1000' }, testEvent(), prefix);
    await a.redis.xadd(`${prefix}orders`, '*', 'id', 'o1', 'amount', '12.50');
    await waitFor(() => (a.app.aggregator.orders === 1 ? true : undefined));

    const warnings: string[] = [];
    const log: Logger = { info() {}, warn: (m) => void warnings.push(m), error() {} };
    const config = testConfig(prefix, { WARROOM_LEASE_MS: '1000' });
    const b = await startWarroom(config, testEvent(), log);
    expect(b.lease.role).toBe('standby');
    await a.close();
    expect(await orders(prefix)).toBe(1);

    // The moment b holds the lease its takeover starts loading the checkpoint (several round trips): close now.
    await new Promise<void>((resolve) => {
      const poll = (): void => void (b.lease.role === 'owner' ? resolve() : setImmediate(poll));
      poll();
    });
    expect(b.checkpointer.saves).toBe(0);
    warnings.length = 0;
    await b.close();
    await sleep(2500); // a retry loop left behind would have warned by now (it retries every second)

    expect(b.aggregator.orders).toBe(0); // closed before the checkpoint was restored: the placeholder
    expect(() => b.ingest).toThrow(/no ingest/);
    expect(b.checkpointer.saves).toBe(0);
    expect(await orders(prefix)).toBe(1);
    expect(await redis.exists(`${prefix}lease`)).toBe(0);
    expect(warnings.filter((m) => /not reachable/.test(m))).toEqual([]);
    await noneLeft();
  });
});
