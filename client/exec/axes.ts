/**
 * Pure helpers for the executive charts' axes: T+ labels, the whole-night window, money ticks.
 * No DOM, no Svelte: unit-tested in tests/unit/exec.test.ts.
 */
import type { Locale } from '../format';

const two = (n: number): string => String(n).padStart(2, '0');

/**
 * Seconds from T0 as an axis label: "T+1:05" (h:mm), or "T+1:05:30" with seconds when the ticks
 * are closer than a minute. Before T0 "T−0:05" (a real minus sign, like the header clock).
 */
export function formatTPlusAxis(sec: number, withSeconds = false): string {
  const before = sec < 0;
  const total = Math.round(Math.abs(sec));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `T${before && total > 0 ? '−' : '+'}${h}:${two(m)}${withSeconds ? `:${two(s)}` : ''}`;
}

/** Tick steps of the T+ axes, seconds (uPlot `incrs`). */
export const T_PLUS_INCRS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200];

/**
 * The chart's end when not zoomed, seconds after T0: 10 % ahead of now so last year's curve shows
 * what is coming, rounded up to 5 min (under 1 h), 15 min (under 4 h) or 1 h, so the axis does not
 * crawl every second; at least 10 min.
 */
export function nightSpan(elapsedSec: number): number {
  const want = Math.max(600, elapsedSec * 1.1);
  const step = want <= 3600 ? 300 : want <= 4 * 3600 ? 900 : 3600;
  return Math.ceil(want / step) * step;
}

/** Money for an axis tick, from minor units: round figures in 万/亿 or K/M/B. */
export function axisMoney(minor: number, minorDigits: number, locale: Locale): string {
  const major = minor / 10 ** minorDigits;
  const fmt = (v: number): string => String(Math.round(v * 10) / 10);
  if (locale === 'zh-CN') {
    if (Math.abs(major) >= 1e8) return `${fmt(major / 1e8)}亿`;
    if (Math.abs(major) >= 1e4) return `${fmt(major / 1e4)}万`;
    return fmt(major);
  }
  if (Math.abs(major) >= 1e9) return `${fmt(major / 1e9)}B`;
  if (Math.abs(major) >= 1e6) return `${fmt(major / 1e6)}M`;
  if (Math.abs(major) >= 1e3) return `${fmt(major / 1e3)}K`;
  return fmt(major);
}

/** `a` against `b` as a signed percentage with one decimal ("+12.3%", "−4.0%"); null without a base. */
export function formatDiff(a: number, b: number): string | null {
  if (!(b > 0) || !Number.isFinite(a)) return null;
  const pct = (a / b - 1) * 100;
  const r = Math.round(pct * 10) / 10;
  if (r === 0) return '±0.0%';
  return `${r > 0 ? '+' : '−'}${Math.abs(r).toFixed(1)}%`;
}

/** `part` as a percentage of `total` with two decimals, exact (BigInt, rounded down); null when total is 0. */
export function sharePercent(part: bigint, total: bigint): string | null {
  if (total <= 0n) return null;
  const bp = (part * 10_000n) / total;
  return `${bp / 100n}.${(bp % 100n).toString().padStart(2, '0')}%`;
}

/** The currency's narrow symbol in the locale ("¥", "$"); the ISO code when Intl has none. */
export function currencySymbol(currency: string, locale: Locale): string {
  try {
    const parts = new Intl.NumberFormat(locale, { style: 'currency', currency, currencyDisplay: 'narrowSymbol' }).formatToParts(0);
    return parts.find((p) => p.type === 'currency')?.value ?? currency;
  } catch {
    return currency;
  }
}
