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
};

function exactness(phase: string, r: IngestResult): Row {
  const value = r.exact
    ? `yes: ${int(r.orders)} orders, gmv ${r.serverGmv}`
    : `NO: server ${int(r.serverOrders)} orders / gmv ${r.serverGmv}, ledger ${int(r.orders)} / ${r.expectedGmv}, rejected ${r.rejected}, duplicates ${r.duplicates ?? 'n/a'}, producer errors ${r.producerErrors}`;
  return row(phase, 'totals equal the ledger', value, 'exact', r.exact);
}

export function ingestRows(phase: string, r: IngestResult): Row[] {
  const single = r.batch === 0;
  const rows = [
    row(phase, 'written', `${int(r.entries)} entries = ${int(r.orders)} orders in ${r.producerSeconds.toFixed(1)} s`),
    row(phase, 'producer rate', `${int(r.producerEntriesPerS)} entries/s${single ? '' : ` = ${int(r.producerOrdersPerS)} orders/s`} (producer CPU ${pct(r.producerCpuPercent)})`),
  ];
  const sustained = single
    ? row(phase, 'server sustained (first write → all applied)', `${int(r.serverOrdersPerS)} entries/s`, `≥ ${int(TARGETS.singleEntriesPerS)} entries/s`, r.drained && r.serverOrdersPerS >= TARGETS.singleEntriesPerS)
    : row(phase, 'server sustained (first write → all applied)', `${int(r.serverEntriesPerS)} entries/s = ${int(r.serverOrdersPerS)} orders/s`, `≥ ${int(TARGETS.batchedOrdersPerS)} orders/s`, r.drained && r.serverOrdersPerS >= TARGETS.batchedOrdersPerS);
  rows.push(sustained);
  rows.push(
    row(phase, 'all applied', r.drained ? `yes, ${r.applySeconds.toFixed(2)} s after the first write; backlog at producer end ≈ ${r.backlogAtProducerEnd === null ? 'n/a' : int(r.backlogAtProducerEnd)} orders, drained ${ms(r.drainAfterProducerMs)} later` : `NO: not within the bound (${r.applySeconds.toFixed(1)} s)`),
    row(phase, 'CPU, % of one core (server / redis / producer)', `${pct(r.serverCpuPercent)} / ${pct(r.redisCpuPercent)} / ${pct(r.producerCpuPercent)}`),
    row(phase, 'CPU of other processes on the box (not ours)', pct(r.otherCpuPercent)),
    row(phase, 'server peak RSS', r.serverPeakRssMiB === null ? 'n/a' : `${Math.round(r.serverPeakRssMiB)} MiB`),
    row(phase, 'server dedupe window after the run', r.dedupeIds === null ? 'n/a' : `${int(r.dedupeIds)} ids held, ${r.dedupeEarlyRotations} early rotations`),
    exactness(phase, r),
  );
  return rows;
}

export function freshnessRows(phase: string, r: FreshnessResult): Row[] {
  const c = r.clients;
  const met = c.age.p99 !== null && c.age.p99 <= TARGETS.freshnessP99Ms;
  return [
    row(phase, 'viewers connected', `${int(c.connected)} / ${int(c.requested)} in ${r.connectSeconds.toFixed(1)} s; ${c.disconnects} disconnected during the run`),
    row(phase, 'producer', `${int(r.producerOrders)} single-order entries, ${int(r.producerOrdersPerS)}/s paced (${r.producerLateSteps} late 10 ms steps)`),
    row(phase, 'tick interval (waiting included by design)', `${r.tickIntervalMs} ms`),
    row(phase, 'order age at viewer p50 / p90 / p99 / max', `${ms(c.age.p50)} / ${ms(c.age.p90)} / ${ms(c.age.p99)} / ${ms(c.age.max)} (${int(c.age.n)} samples)`, `p99 ≤ ${TARGETS.freshnessP99Ms} ms`, met),
    row(phase, '  of which: age when the tick was built p50 / p99', `${ms(c.ageAtServer.p50)} / ${ms(c.ageAtServer.p99)}`),
    row(phase, '  of which: tick delivery p50 / p99 / max', `${ms(c.delivery.p50)} / ${ms(c.delivery.p99)} / ${ms(c.delivery.max)}`),
    row(phase, 'ticks received / missed (seq gaps)', `${int(c.ticks)} / ${int(c.seqGaps)}`),
    row(phase, 'server CPU: ticks only / with orders flowing', `${pct(r.serverCpuIdlePercent)} / ${pct(r.serverCpuPercent)}`),
    row(phase, 'CPU of viewers process / redis / producer', `${pct(c.cpuPercent)} / ${pct(r.redisCpuPercent)} / ${pct(r.producerCpuPercent)} (same 2 cores as the server)`),
    row(phase, 'CPU of other processes on the box (not ours)', pct(r.otherCpuPercent)),
    row(phase, 'server peak RSS', r.serverPeakRssMiB === null ? 'n/a' : `${Math.round(r.serverPeakRssMiB)} MiB`),
    row(phase, 'totals equal the ledger', r.exact ? 'yes' : 'NO', 'exact', r.exact),
  ];
}

export function bundleRows(phase: string, r: BundleResult): Row[] {
  const files = (a: { path: string; gzipBytes: number }[]): string => a.map((x) => `${x.path.split('/').pop()} ${kB(x.gzipBytes)}`).join(', ');
  return [
    row(phase, 'JS gzip -9 (script + modulepreload)', `${kB(r.jsGzipBytes)} (${files(r.js)})`, `≤ ${kB(TARGETS.wallJsGzipBytes)}`, r.jsGzipBytes <= TARGETS.wallJsGzipBytes),
    row(phase, 'CSS gzip -9', `${kB(r.cssGzipBytes)} (${files(r.css)})`),
  ];
}
