/** Turns each phase's result into table rows (figures and informational targets). */
import type { BundleResult } from './bundle';
import type { FreshnessResult } from './freshness';
import type { IngestResult } from './ingest';
import { int, kB, ms, pct, row, type Row } from './report';

export const TARGETS = {
  singleEntriesPerS: 100_000,
  batchedOrdersPerS: 500_000,
  freshnessP99Ms: 150,
  wallJsGzipBytes: 150_000,
  /** Poison 50%: valid orders/s applied, as a share of the clean single-order pace. */
  poisonValidPaceShare: 0.9,
};

const signedPct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

function exactness(phase: string, r: IngestResult): Row {
  const poison = r.poison ? `, rejected ${int(r.rejected)} = poison written` : '';
  const value = r.exact
    ? `yes: ${int(r.orders)} orders, gmv ${r.serverGmv}${poison}`
    : `NO: server ${int(r.serverOrders)} orders / gmv ${r.serverGmv}, ledger ${int(r.orders)} / ${r.expectedGmv}, rejected ${r.rejected} (poison written ${r.poison?.entries ?? 0}), duplicates ${r.duplicates ?? 'n/a'}, producer errors ${r.producerErrors}`;
  return row(phase, r.poison ? 'totals equal the ledger of valid orders' : 'totals equal the ledger', value, 'exact', r.exact);
}

function checkpointRow(phase: string, r: IngestResult): Row {
  const c = r.checkpoint;
  const title = 'server checkpoints at the end (/healthz)';
  if (!c) return row(phase, title, 'n/a (no checkpoint figures in /healthz)');
  const every = c.intervalMs >= 60_000 ? `off (every ${c.intervalMs / 1000} s)` : `every ${c.intervalMs} ms`;
  return row(
    phase,
    title,
    `${every}: ${int(c.saves)} saves, max ${ms(c.maxSaveDurationMs)}, last ${ms(c.lastSaveDurationMs)} / ${kB(c.lastSaveBytes)}, ${c.failures} failures`,
  );
}

export function ingestRows(phase: string, r: IngestResult): Row[] {
  const single = r.batch === 0;
  const rows = [
    row(phase, 'written', `${int(r.entries)} entries = ${int(r.orders)} orders in ${r.producerSeconds.toFixed(1)} s`),
    row(
      phase,
      'producer rate',
      `${int(r.producerEntriesPerS)} entries/s${single ? '' : ` = ${int(r.producerOrdersPerS)} orders/s`} (producer CPU ${pct(r.producerCpuPercent)})`,
    ),
  ];
  const sustained = single
    ? row(
        phase,
        'server sustained (first write → all applied)',
        `${int(r.serverOrdersPerS)} entries/s`,
        `≥ ${int(TARGETS.singleEntriesPerS)} entries/s`,
        r.drained && r.serverOrdersPerS >= TARGETS.singleEntriesPerS,
      )
    : row(
        phase,
        'server sustained (first write → all applied)',
        `${int(r.serverEntriesPerS)} entries/s = ${int(r.serverOrdersPerS)} orders/s`,
        `≥ ${int(TARGETS.batchedOrdersPerS)} orders/s`,
        r.drained && r.serverOrdersPerS >= TARGETS.batchedOrdersPerS,
      );
  rows.push(sustained);
  rows.push(
    row(
      phase,
      'all applied',
      r.drained
        ? `yes, ${r.applySeconds.toFixed(2)} s after the first write; backlog at producer end ≈ ${r.backlogAtProducerEnd === null ? 'n/a' : int(r.backlogAtProducerEnd)} orders, drained ${ms(r.drainAfterProducerMs)} later`
        : `NO: not within the bound (${r.applySeconds.toFixed(1)} s)`,
    ),
    row(
      phase,
      'CPU, % of one core (server / redis / producer)',
      `${pct(r.serverCpuPercent)} / ${pct(r.redisCpuPercent)} / ${pct(r.producerCpuPercent)}`,
    ),
    row(phase, 'CPU of other processes on the box (not ours)', pct(r.otherCpuPercent)),
    row(phase, 'server peak RSS', r.serverPeakRssMiB === null ? 'n/a' : `${Math.round(r.serverPeakRssMiB)} MiB`),
    row(
      phase,
      'server dedupe window after the run',
      r.dedupeIds === null ? 'n/a' : `${int(r.dedupeIds)} ids held, ${r.dedupeEarlyRotations} early rotations`,
    ),
    checkpointRow(phase, r),
    exactness(phase, r),
  );
  return rows;
}

/** The same batched run with checkpoints at their default and with them off. */
export interface CheckpointCost {
  withOrdersPerS: number;
  withoutOrdersPerS: number;
  /** with / without − 1 (negative: checkpoints slow ingest). */
  difference: number;
  bothDrained: boolean;
  otherCpuPercent: [number | null, number | null];
}

export function checkpointCost(withCk: IngestResult, without: IngestResult): CheckpointCost {
  return {
    withOrdersPerS: withCk.serverOrdersPerS,
    withoutOrdersPerS: without.serverOrdersPerS,
    difference: withCk.serverOrdersPerS / without.serverOrdersPerS - 1,
    bothDrained: withCk.drained && without.drained,
    otherCpuPercent: [withCk.otherCpuPercent, without.otherCpuPercent],
  };
}

export function checkpointCostRows(phase: string, withCk: IngestResult, without: IngestResult): Row[] {
  const c = checkpointCost(withCk, without);
  const k = withCk.checkpoint;
  return [
    row(
      phase,
      'server sustained, checkpoints every 1 s / off',
      `${int(c.withOrdersPerS)} / ${int(c.withoutOrdersPerS)} orders/s (same seed; ${int(withCk.orders)} / ${int(without.orders)} orders written in ${withCk.producerSeconds.toFixed(1)} / ${without.producerSeconds.toFixed(1)} s)${c.bothDrained ? '' : ' — a run did not drain: compare with care'}`,
    ),
    row(
      phase,
      'difference (with / without − 1)',
      `${signedPct(c.difference)} (other processes ${pct(c.otherCpuPercent[0])} / ${pct(c.otherCpuPercent[1])} of a core; one pair of runs, so a few % is noise)`,
    ),
    row(
      phase,
      'checkpointed run: saves / max save / last save bytes',
      k ? `${int(k.saves)} / ${ms(k.maxSaveDurationMs)} / ${kB(k.lastSaveBytes)} (${k.failures} failures)` : 'n/a',
    ),
  ];
}

/** Poison run against the clean single-order run. */
export interface PoisonPace {
  validOrdersPerS: number;
  cleanOrdersPerS: number;
  /** valid-half pace / clean pace. */
  validShare: number;
  /** entries judged/s (valid + poison) / clean entries/s: what a poison entry costs next to a valid one. */
  entriesShare: number;
  /** Server CPU µs per entry: clean run, poison run on average, and implied per poison entry (valid ones costing what they did in the clean run). */
  cpuUsPerCleanEntry: number | null;
  cpuUsPerEntry: number | null;
  cpuUsPerPoisonEntry: number | null;
}

export function poisonPace(r: IngestResult, clean: IngestResult | null): PoisonPace | null {
  if (!clean || clean.serverOrdersPerS <= 0) return null;
  const perClean = clean.serverCpuSeconds === null || clean.entries === 0 ? null : (clean.serverCpuSeconds * 1e6) / clean.entries;
  const per = r.serverCpuSeconds === null || r.entries === 0 ? null : (r.serverCpuSeconds * 1e6) / r.entries;
  const poison = r.poison?.entries ?? 0;
  return {
    cpuUsPerCleanEntry: perClean,
    cpuUsPerEntry: per,
    cpuUsPerPoisonEntry: perClean === null || per === null || poison === 0 ? null : (per * r.entries - perClean * r.orders) / poison,
    validOrdersPerS: r.serverOrdersPerS,
    cleanOrdersPerS: clean.serverOrdersPerS,
    validShare: r.serverOrdersPerS / clean.serverOrdersPerS,
    entriesShare: r.serverEntriesPerS / clean.serverEntriesPerS,
  };
}

export function poisonRows(phase: string, r: IngestResult, clean: IngestResult | null): Row[] {
  const p = r.poison;
  const pace = poisonPace(r, clean);
  const codes = (m: Record<string, number>): string =>
    Object.keys(m)
      .sort()
      .map((k) => `${k} ${int(m[k]!)}`)
      .join(', ') || 'none';
  const rows = [
    row(
      phase,
      'written',
      `${int(r.entries)} entries = ${int(r.orders)} valid + ${int(p?.entries ?? 0)} poison ("-5", "1e309", "12.345", "NaN" in turn) in ${r.producerSeconds.toFixed(1)} s`,
    ),
    row(phase, 'producer rate', `${int(r.producerEntriesPerS)} entries/s (producer CPU ${pct(r.producerCpuPercent)})`),
    row(
      phase,
      'server valid-half pace (first write → all judged)',
      `${int(r.serverOrdersPerS)} valid orders/s; ${int(r.serverEntriesPerS)} entries/s judged`,
    ),
    row(
      phase,
      'valid-half pace / clean pace (a1)',
      pace
        ? `${(pace.validShare * 100).toFixed(0)}% (${int(pace.validOrdersPerS)} / ${int(pace.cleanOrdersPerS)} orders/s)`
        : 'n/a (no clean a1 figure)',
      `≥ ${TARGETS.poisonValidPaceShare * 100}%`,
      pace ? r.drained && pace.validShare >= TARGETS.poisonValidPaceShare : null,
    ),
    row(
      phase,
      '  entries judged/s / clean entries/s (a1)',
      pace
        ? `${(pace.entriesShare * 100).toFixed(0)}% (half the entries are valid: ~50% above is the ceiling when the server is the bottleneck)`
        : 'n/a',
    ),
    row(
      phase,
      '  server CPU per entry: clean a1 / this run / implied per poison entry',
      pace && pace.cpuUsPerEntry !== null && pace.cpuUsPerCleanEntry !== null && pace.cpuUsPerPoisonEntry !== null
        ? `${pace.cpuUsPerCleanEntry.toFixed(1)} / ${pace.cpuUsPerEntry.toFixed(1)} / ${pace.cpuUsPerPoisonEntry.toFixed(1)} µs`
        : 'n/a',
    ),
    row(
      phase,
      'all judged (orders + rejected = entries written)',
      r.drained
        ? `yes, ${r.applySeconds.toFixed(2)} s after the first write; backlog at producer end ≈ ${r.backlogAtProducerEnd === null ? 'n/a' : int(r.backlogAtProducerEnd)} entries, judged ${ms(r.drainAfterProducerMs)} later`
        : `NO: not within the bound (${r.applySeconds.toFixed(1)} s)`,
    ),
    row(
      phase,
      'dead-letter stream',
      p
        ? `${p.deadLetters === null ? 'n/a' : int(p.deadLetters)} letters (≥ ${int(p.deadLettersExpected)} expected, trimmed at ~1,000,000${p.deadLetters !== null && p.deadLetters < p.deadLettersExpected ? ': FEWER than expected' : ''}); last one written ${p.deadLettersWrittenSeconds === null ? 'NOT within 10 s of all judged' : `${p.deadLettersWrittenSeconds.toFixed(2)} s after the first write`}`
        : 'n/a',
    ),
    row(
      phase,
      'CPU, % of one core (server / redis / producer)',
      `${pct(r.serverCpuPercent)} / ${pct(r.redisCpuPercent)} / ${pct(r.producerCpuPercent)}`,
    ),
    row(phase, 'CPU of other processes on the box (not ours)', pct(r.otherCpuPercent)),
    row(phase, 'server peak RSS', r.serverPeakRssMiB === null ? 'n/a' : `${Math.round(r.serverPeakRssMiB)} MiB`),
    row(phase, 'rejections by reason (server / expected)', p ? `${codes(p.serverByCode)} / ${codes(p.expectedByCode)}` : 'n/a'),
    checkpointRow(phase, r),
    exactness(phase, r),
  ];
  return rows;
}

export function freshnessRows(phase: string, r: FreshnessResult): Row[] {
  const c = r.clients;
  const met = c.age.p99 !== null && c.age.p99 <= TARGETS.freshnessP99Ms;
  return [
    row(
      phase,
      'viewers connected',
      `${int(c.connected)} / ${int(c.requested)} in ${r.connectSeconds.toFixed(1)} s; ${c.disconnects} disconnected during the run`,
    ),
    row(
      phase,
      'producer',
      `${int(r.producerOrders)} single-order entries, ${int(r.producerOrdersPerS)}/s paced (${r.producerLateSteps} late 10 ms steps)`,
    ),
    row(phase, 'tick interval (waiting included by design)', `${r.tickIntervalMs} ms`),
    row(
      phase,
      'order age at viewer p50 / p90 / p99 / max',
      `${ms(c.age.p50)} / ${ms(c.age.p90)} / ${ms(c.age.p99)} / ${ms(c.age.max)} (${int(c.age.n)} samples)`,
      `p99 ≤ ${TARGETS.freshnessP99Ms} ms`,
      met,
    ),
    row(phase, '  of which: age when the tick was built p50 / p99', `${ms(c.ageAtServer.p50)} / ${ms(c.ageAtServer.p99)}`),
    row(phase, '  of which: tick delivery p50 / p99 / max', `${ms(c.delivery.p50)} / ${ms(c.delivery.p99)} / ${ms(c.delivery.max)}`),
    row(phase, 'ticks received / missed (seq gaps)', `${int(c.ticks)} / ${int(c.seqGaps)}`),
    row(phase, 'server CPU: ticks only / with orders flowing', `${pct(r.serverCpuIdlePercent)} / ${pct(r.serverCpuPercent)}`),
    row(
      phase,
      'CPU of viewers process / redis / producer',
      `${pct(c.cpuPercent)} / ${pct(r.redisCpuPercent)} / ${pct(r.producerCpuPercent)} (same 2 cores as the server)`,
    ),
    row(phase, 'CPU of other processes on the box (not ours)', pct(r.otherCpuPercent)),
    row(phase, 'server peak RSS', r.serverPeakRssMiB === null ? 'n/a' : `${Math.round(r.serverPeakRssMiB)} MiB`),
    row(phase, 'totals equal the ledger', r.exact ? 'yes' : 'NO', 'exact', r.exact),
  ];
}

export function bundleRows(phase: string, r: BundleResult): Row[] {
  const files = (a: { path: string; gzipBytes: number }[]): string =>
    a.map((x) => `${x.path.split('/').pop()} ${kB(x.gzipBytes)}`).join(', ');
  return [
    row(phase, 'JS gzip -9 (script + modulepreload)', `${kB(r.jsGzipBytes)} (${files(r.js)})`),
    row(phase, 'JS gzip -9 loaded later (on demand)', files(r.lazy)),
    row(
      phase,
      'JS gzip -9 the wall loads with the China map',
      kB(r.wallWithMapGzipBytes),
      `≤ ${kB(TARGETS.wallJsGzipBytes)}`,
      r.wallWithMapGzipBytes <= TARGETS.wallJsGzipBytes,
    ),
    row(phase, 'CSS gzip -9', `${kB(r.cssGzipBytes)} (${files(r.css)})`),
  ];
}
