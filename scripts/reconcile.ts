/**
 * `npm run reconcile`: recomputes the totals from the streams (XRANGE over what is retained) and
 * compares them with the live state of a running warroom; prints every difference and exits 1
 * on any. Reads REDIS_URL, WARROOM_KEY_PREFIX, WARROOM_EVENT, WARROOM_DEDUPE_WINDOW_MS like the
 * server, plus WARROOM_URL (default http://127.0.0.1:$PORT) and WARROOM_VIEWER_TOKEN.
 */
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { loadConfig } from '../server/config';
import { parseEventDefinition } from '../server/event';
import { streamKeys } from '../server/redis';
import { defaultDecodeOptions } from '../server/ingest/decode';
import { reconcile } from '../server/reconcile';
import type { ApiState } from '../server/app';

function fail(msg: string): never {
  process.stderr.write(`reconcile: ${msg}\n`);
  process.exit(2);
}

if (!process.env.WARROOM_VIEWER_TOKEN) fail('WARROOM_VIEWER_TOKEN is required (the token of the running server)');
const config = (() => {
  try {
    return loadConfig(process.env, () => 'unused-token-for-reconcile-0');
  } catch (e) {
    return fail((e as Error).message);
  }
})();
const event = parseEventDefinition(JSON.parse(readFileSync(config.eventPath, 'utf8')), config.eventPath, Date.now(), config.t0Override);
const url = process.env.WARROOM_URL ?? `http://127.0.0.1:${config.port}`;

const res = await fetch(`${url}/api/state`, { headers: { Authorization: `Bearer ${config.viewerToken}` } }).catch((e: Error) =>
  fail(`cannot reach ${url}: ${e.message}`),
);
if (!res.ok) fail(`${url}/api/state answered ${res.status}`);
const live = (await res.json()) as ApiState;
const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
redis.on('error', () => undefined);
try {
  const r = await reconcile(
    redis,
    streamKeys(config.keyPrefix),
    live,
    { ...defaultDecodeOptions, minorDigits: event.minorDigits, maxEntryBytes: config.maxEntryBytes },
    config.dedupeWindowMs,
    config.maxFutureMs,
  );
  process.stdout.write(`reconcile: ${r.entriesRead} entries re-read up to the live cursors ${JSON.stringify(live.cursors)}\n`);
  process.stdout.write(
    `  live:       gmv ${live.gmv}, ${live.orders} orders, ${live.rejected} rejected, ${live.totals.duplicates} duplicates\n`,
  );
  process.stdout.write(
    `  recomputed: gmv minor ${r.recomputed.gmvMinor}, ${r.recomputed.orders} orders, ${r.recomputed.rejected} rejected, ${r.recomputed.duplicates} duplicates\n`,
  );
  if (r.differences.length === 0) {
    process.stdout.write('reconcile: no differences\n');
  } else {
    for (const d of r.differences) process.stdout.write(`DIFFERENCE ${d.field}: live ${d.live}, recomputed ${d.recomputed}\n`);
    if (live.alarms.length > 0)
      process.stdout.write(
        `(the server has raised ${live.alarms.length} history alarm(s): trimmed or lost entries cannot be recomputed)\n`,
      );
    process.exitCode = 1;
  }
} finally {
  redis.disconnect();
}
