/**
 * The executive page's two exports, as the header buttons run them: the night's per-second series
 * as CSV, and a PNG of the headline figures with both charts as shown (same window, same filter
 * note). Nothing happens until the event is known.
 */
import type { Live } from '../live/context';
import type { Locale } from '../format';
import type { Labels } from '../i18n';
import type { ExecView } from './view.svelte';
import { buildSeriesCsv, curveToNumbers, exportFileName, lastYearAt } from './series';
import { composePng, download, PNG_CHART_WIDTH, type PngChart } from './export';
import { formatDiff } from './axes';
import { formatClock, formatCompactMoney, formatCount, formatMoney, formatTPlus } from '../format';

export interface PageExport {
  live: Live;
  view: ExecView;
  /** The page's current labels and language (they follow `?lang=` and the event). */
  labels(): Labels;
  locale(): Locale;
  /** The drill-down slice as the filter chip names it ("Region Guangdong"); null without one. */
  slice(): string | null;
}

export function exportCsv({ live }: PageExport): void {
  const store = live.store;
  const e = store.event;
  if (!e) return;
  const csv = buildSeriesCsv({
    seriesX: store.seriesX,
    seriesOrders: store.seriesOrders,
    seriesGmv: store.seriesGmv,
    t0Sec: e.t0Ms / 1000,
    lastYear: e.lastYear?.curve ?? null,
  });
  download(new Blob([csv], { type: 'text/csv;charset=utf-8' }), exportFileName(e.name, e.t0Ms, e.timeZone, 'csv'));
}

export async function exportPng({ live, view, labels, locale: localeOf, slice }: PageExport): Promise<void> {
  const store = live.store;
  const e = store.event;
  if (!e) return;
  const t = labels();
  const locale = localeOf();
  const gmvText = formatMoney(store.gmvMinor, e.minorDigits, e.currency, locale);
  const figures = [
    { label: t.gmv, value: gmvText, color: '#ffd24a' },
    { label: t.orders, value: formatCount(store.totals?.orders ?? 0, locale) },
  ];
  let gmvNote: string | undefined;
  const ly = e.lastYear && e.lastYear.curve.length > 0 ? curveToNumbers(e.lastYear.curve) : null;
  if (ly) {
    const xs = store.seriesX;
    const cum = store.seriesCumGmv;
    const i0 = Math.max(
      0,
      xs.findIndex((x) => x >= e.t0Ms / 1000),
    );
    const since = cum.length > 0 ? cum[cum.length - 1]! - (i0 > 0 ? cum[i0 - 1]! : 0) : 0;
    const last = lastYearAt(ly, cum.length - i0);
    const d = formatDiff(since, last);
    if (d) figures.push({ label: t.vsLastYear, value: d, color: d.startsWith('−') ? '#ffb020' : '#35e07a' });
    const money = (v: number): string => formatCompactMoney(BigInt(Math.round(v)), e.minorDigits, locale);
    gmvNote = `${t.thisYear} ${money(since)} · ${t.lastYear} ${money(last)}${d ? ` · ${t.vsLastYear} ${d}` : ''}`;
  }
  if (store.peakOrders > 0) figures.push({ label: `${t.peak} (${t.perSec})`, value: formatCount(store.peakOrders, locale) });
  const f = slice();
  const charts: PngChart[] = [];
  const g = await view.gmvChart?.snapshot(PNG_CHART_WIDTH, 560);
  if (g) charts.push({ title: `${t.sinceT0} — ${t.thisYear} / ${t.lastYear}`, note: gmvNote, canvas: g });
  const r = await view.rateChart?.snapshot(PNG_CHART_WIDTH, 400);
  if (r)
    charts.push({
      title: t.rateChart,
      note: store.peakOrders > 0 ? `${t.peak} ${formatCount(store.peakOrders, locale)} ${t.perSec}` : undefined,
      canvas: r,
    });
  const blob = await composePng({
    title: `${e.name} · ${t.execSubtitle}`,
    subtitle: `${formatTPlus(live.clock.nowMs - e.t0Ms)} · ${formatClock(live.clock.nowMs, e.timeZone)} (${e.timeZone})${f !== null ? ` · ${t.filter}: ${f} (${t.allData})` : ''}`,
    footer: `${t.exportedAt} ${new Date().toISOString().replace('T', ' ').slice(0, 19)} UTC`,
    figures,
    charts,
  });
  const stamp = formatTPlus(live.clock.nowMs - e.t0Ms).replace(/[^0-9]/g, '');
  download(blob, exportFileName(e.name, e.t0Ms, e.timeZone, 'png', `t${stamp}`));
}
