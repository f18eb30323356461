/**
 * `npm run bench`: ingest throughput (clean, with checkpoints on and off, with 50% poison entries),
 * order → viewer freshness, /wall bundle size and the gateway's merge per tick (in-process), measured
 * against the production bundle (`node dist/server/main.js`) on loopback. Prints a table and
 * writes bench/results.json. Figures never fail the run: the exit code is 0 unless a phase could
 * not be measured at all. Every phase is bounded in time and count, and the whole run stays
 * within a budget: the optional phase is skipped when the budget is short.
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { writeFileSync } from 'node:fs';
import { measureBundle } from './bundle';
import { runMergeCost } from './merge';
import { runFreshness } from './freshness';
import { runIngest, type IngestOptions } from './ingest';
import { machineInfo } from './machine';
import { CpuWindow, stopAllChildren } from './proc';
import { formatTable, pct, row, type Row } from './report';
import type { IngestResult } from './ingest';
import { bundleRows, checkpointCost, checkpointCostRows, freshnessRows, ingestRows, poisonPace, poisonRows, TARGETS } from './rows';

const BUDGET_MS = 185_000;
const started = Date.now();
const left = (): number => started + BUDGET_MS - Date.now();

const loadavg1 = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

const rows: Row[] = [];
const phases: Record<string, unknown> = {};
const errors: Record<string, string> = {};

/** Runs one phase; an error is recorded (and makes the exit code 1) but does not stop the others. */
async function phase<T>(name: string, run: () => Promise<T> | T, toRows: (r: T) => Row[]): Promise<void> {
  process.stderr.write(`bench: ${name} (${Math.round((Date.now() - started) / 1000)} s into the run)\n`);
  try {
    const r = await run();
    phases[name] = r;
    rows.push(...toRows(r));
  } catch (e) {
    errors[name] = (e as Error).stack ?? String(e);
    rows.push(row(name, 'ERROR', (e as Error).message.split('\n')[0]!));
    process.stderr.write(`bench: ${name} failed: ${errors[name]}\n`);
  }
}

/** Drain bound: 60 s at most, less when the budget must keep `reserveMs` for later phases. */
function ingest(o: Omit<IngestOptions, 'drainTimeoutMs'>, reserveMs: number): Promise<import('./ingest').IngestResult> {
  const drainTimeoutMs = Math.max(10_000, Math.min(60_000, left() - reserveMs - o.seconds * 1000));
  return runIngest({ ...o, drainTimeoutMs });
}

async function main(): Promise<void> {
  execFileSync(process.execPath, ['scripts/build-if-needed.mjs'], { stdio: 'inherit' });
  const machine = machineInfo();
  // The box may be shared: how busy it is before we start anything goes next to the figures.
  const background = CpuWindow.machine();
  await new Promise((r) => setTimeout(r, 1000));
  const backgroundCpuPercent = background.percent();
  const loadAverage = loadavg1();

  await phase(
    'c wall bundle',
    () => measureBundle(),
    (r) => bundleRows('c bundle', r),
  );
  let a1: IngestResult | null = null;
  await phase(
    'a1 single orders',
    () => ingest({ batch: 0, seconds: 10, maxOrders: 3_000_000, seed: 1 }, 110_000),
    (r) => {
      a1 = r;
      return ingestRows('a1 single', r);
    },
  );
  // Right after a1 and written the same way (same bounds), every other entry with an invalid amount.
  await phase(
    'a3 poison 50%',
    () => ingest({ batch: 0, seconds: 10, maxOrders: 3_000_000, seed: 1, poisonEvery: 2 }, 90_000),
    (r) => {
      phases['a3 poison pace vs a1'] = poisonPace(r, a1);
      return poisonRows('a3 poison 50%', r, a1);
    },
  );
  // The same poison share below saturation: 50k valid orders/s alone, then with 50k poison entries/s
  // interleaved. Does the valid half keep its pace? (Flat out, above, the box is the limit.)
  let pacedClean: IngestResult | null = null;
  await phase(
    'a3 paced clean',
    () => ingest({ batch: 0, seconds: 6, maxOrders: 3_000_000, seed: 5, ratePerS: 50_000 }, 80_000),
    (r) => {
      pacedClean = r;
      return [];
    },
  );
  await phase(
    'a3 paced poison',
    () => ingest({ batch: 0, seconds: 6, maxOrders: 3_000_000, seed: 5, ratePerS: 100_000, poisonEvery: 2 }, 70_000),
    (r) => {
      const clean = pacedClean as IngestResult | null;
      const pace = (x: IngestResult): number => x.orders / x.applySeconds;
      const rows: Row[] = [
        row(
          'a3 paced 50%',
          'valid orders/s applied: alone at 50k/s / with 50k poison/s interleaved',
          clean ? `${Math.round(pace(clean)).toLocaleString('en')} / ${Math.round(pace(r)).toLocaleString('en')}` : 'n/a',
        ),
        row(
          'a3 paced 50%',
          'valid-half pace with poison / alone',
          clean ? `${((pace(r) / pace(clean)) * 100).toFixed(1)}%` : 'n/a',
          '≥ 90%',
          clean ? pace(r) / pace(clean) >= 0.9 : null,
        ),
        row(
          'a3 paced 50%',
          'backlog when the producer stopped: alone / with poison',
          `${clean?.backlogAtProducerEnd ?? 'n/a'} / ${r.backlogAtProducerEnd ?? 'n/a'} entries`,
        ),
        row('a3 paced 50%', 'server CPU: alone / with poison', `${pct(clean?.serverCpuPercent ?? null)} / ${pct(r.serverCpuPercent)}`),
        row(
          'a3 paced 50%',
          'totals equal the ledger (both runs)',
          clean && clean.exact && r.exact ? 'yes' : 'NO',
          'exact',
          Boolean(clean?.exact && r.exact),
        ),
      ];
      return rows;
    },
  );
  // The batched x100 run twice, back to back and identical but for checkpoints: default (1 s), then off.
  let a2: IngestResult | null = null;
  await phase(
    'a2 batched x100',
    () => ingest({ batch: 100, seconds: 10, maxOrders: 10_000_000, seed: 2 }, 60_000),
    (r) => {
      a2 = r;
      return ingestRows('a2 batch 100', r);
    },
  );
  await phase(
    'a2 batched x100, checkpoints off',
    () => ingest({ batch: 100, seconds: 10, maxOrders: 10_000_000, seed: 2, serverEnv: { WARROOM_CHECKPOINT_MS: '600000' } }, 35_000),
    (r) => {
      if (!a2) return [...ingestRows('a2 batch 100 ckpt off', r), row('a2 ckpt cost', 'difference', 'n/a: the checkpointed run failed')];
      phases['a2 checkpoint cost'] = checkpointCost(a2, r);
      return [...ingestRows('a2 batch 100 ckpt off', r), ...checkpointCostRows('a2 ckpt cost', a2, r)];
    },
  );
  await phase(
    'b freshness',
    () => runFreshness({ clients: 1000, rate: 50_000, seconds: 15, idleSeconds: 3, seed: 3 }),
    (r) => freshnessRows('b freshness', r),
  );
  // In-process and short (≈ 10 s): the gateway's merge per tick, for the scale-out's sizing.
  await phase(
    'd merge',
    () => runMergeCost(),
    (r) =>
      r.map((m) =>
        row(
          'd merge',
          `merge per tick, ${m.shards} shard${m.shards > 1 ? 's' : ''} (${m.seriesBuckets.toLocaleString('en')}-s series)`,
          `${(m.usPerMerge / 1000).toFixed(2)} ms`,
          m.shards === 64 ? '≤ 1 ms at 64' : '',
          m.shards === 64 ? m.usPerMerge <= 1000 : null,
        ),
      ),
  );
  // Optional: only when it fits in the budget with its own worst-case drain.
  if (left() > 40_000) {
    await phase(
      'a2 batched x500',
      () => ingest({ batch: 500, seconds: 8, maxOrders: 6_000_000, seed: 4 }, 0),
      (r) => ingestRows('a2 batch 500', r),
    );
  } else {
    rows.push(row('a2 batch 500', 'skipped', `not enough time left in the ${BUDGET_MS / 1000} s budget`));
  }

  // Fixed reading order in the table, whatever order the phases ran in.
  const order = ['a1', 'a2 batch 100', 'a2 ckpt cost', 'a2 batch 500', 'a3', 'b', 'c', 'd'];
  const rank = (r: Row): number => order.findIndex((p) => r.phase.startsWith(p));
  rows.sort((x, y) => rank(x) - rank(y));

  const wallSeconds = (Date.now() - started) / 1000;
  const header = `machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB; node ${machine.node}; redis-server ${machine.redisServer}; loopback; wall time ${wallSeconds.toFixed(1)} s
busy before the run: ${pct(backgroundCpuPercent)} of one core in use by other processes, load average ${loadAverage}`;
  process.stdout.write(
    `\n${header}\n\n${formatTable(rows)}\n\nTargets are informational; CPU is % of one core from /proc (CLK_TCK ${machine.clockTicksPerS}).\n`,
  );
  writeFileSync(
    'bench/results.json',
    JSON.stringify(
      {
        date: new Date(started).toISOString(),
        wallSeconds,
        machine,
        backgroundCpuPercent,
        loadAverage,
        targets: TARGETS,
        rows,
        phases,
        errors,
      },
      null,
      2,
    ) + '\n',
  );
  process.stdout.write('wrote bench/results.json\n');
  if (Object.keys(errors).length > 0) process.exitCode = 1;
}

main()
  .catch((e) => {
    process.stderr.write(`bench: ${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
  })
  .finally(() => stopAllChildren());
