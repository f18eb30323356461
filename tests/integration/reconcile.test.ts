import { afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { inject } from 'vitest';
import { startTestWarroom, VIEWER_TOKEN, waitFor, type TestWarroom } from '../support/warroom';

let w: TestWarroom | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

function runReconcile(env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'scripts/reconcile.ts'], { env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr });
    });
  });
}

describe('npm run reconcile', () => {
  it('finds no difference on a healthy server and names the difference after an entry is deleted behind its back', async () => {
    w = await startTestWarroom();
    const k = w.prefix;
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await w.redis.xadd(`${k}orders`, '*', 'id', `o${i % 25}`, 'amount', `${i}.25`)) as string);
    await w.redis.xadd(
      `${k}orders`,
      '*',
      'batch',
      JSON.stringify([
        { id: 'b1', amount: '9.99' },
        { id: 'b2', amount: 'x' },
      ]),
    );
    await w.redis.xadd(`${k}logistics`, '*', 'id', 'l1', 'stage', 'picked', 'parcels', '4');
    await w.redis.xadd(`${k}weather`, '*', 'id', 'w1', 'region', 'nowhere', 'severity', 'info', 'kind', 'fog');
    // o0..o4 are retried with other amounts: counted once, each retry rejected as conflicting_retry (5 + 2 rejections).
    await waitFor(() =>
      w!.app.aggregator.orders === 26 && w!.app.aggregator.parcels().picked === 4 && w!.app.aggregator.totals().rejected === 7
        ? true
        : undefined,
    );
    expect(w.app.aggregator.totals().rejectedByReason).toMatchObject({ conflicting_retry: 5 });

    const env = {
      REDIS_URL: inject('redisUrl'),
      WARROOM_KEY_PREFIX: k,
      WARROOM_URL: w.app.url,
      WARROOM_VIEWER_TOKEN: VIEWER_TOKEN,
      WARROOM_ADMIN_TOKEN: 'Kx9#qZ7!pL2@vN5$wR8^yB4&tM6*hJ3%',
    };
    const ok = await runReconcile(env);
    expect(ok.out).toContain('no differences');
    expect(ok.code).toBe(0);

    await w.redis.xdel(`${k}orders`, ids[10]!); // an order the server counted (its id sent once) disappears from the stream
    const bad = await runReconcile(env);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/DIFFERENCE gmvMinor: live \d+, recomputed \d+/);
    expect(bad.out).toMatch(/DIFFERENCE orders: live 26, recomputed 25/);
  }, 60_000);
});
