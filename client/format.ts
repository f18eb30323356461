/** Number and time formatting for the screens. Money arrives as BigInt minor units and stays exact. */

import type { Locale } from '../shared/domain';

// Declared once in shared/domain.ts (the server validates event files against it); the screens import it from here.
export type { Locale };

const pow10 = (d: number): bigint => 10n ** BigInt(d);

const formats = new Map<string, Intl.NumberFormat>();

function moneyFormat(locale: Locale, currency: string, minorDigits: number): Intl.NumberFormat {
  const key = `${locale}|${currency}|${minorDigits}`;
  let nf = formats.get(key);
  if (!nf) {
    nf = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      currencyDisplay: 'narrowSymbol',
      minimumFractionDigits: minorDigits,
      maximumFractionDigits: minorDigits,
    });
    formats.set(key, nf);
  }
  return nf;
}

/** Exact money with separators and currency symbol: 123456789n, 2, "CNY" → "¥1,234,567.89". */
export function formatMoney(minor: bigint, minorDigits: number, currency: string, locale: Locale): string {
  const neg = minor < 0n;
  const abs = neg ? -minor : minor;
  const p = pow10(minorDigits);
  const whole = abs / p;
  const frac = (abs % p).toString().padStart(minorDigits, '0');
  const nf = moneyFormat(locale, currency, minorDigits);
  // Format the integer part with BigInt (exact at any size), then put the exact fraction back.
  const parts = nf.formatToParts(whole);
  let out = '';
  for (const part of parts) {
    if (part.type === 'fraction') out += frac;
    else out += part.value;
  }
  return neg ? `-${out}` : out;
}

/** Whole count with separators. */
export function formatCount(n: number, locale: Locale): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(n);
}

/** Rate with at most one decimal (orders/s averaged over a window). */
export function formatRate(n: number, locale: Locale): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: n < 100 ? 1 : 0 }).format(n);
}

/**
 * Chinese compact money, always rounded DOWN so a milestone is never announced early:
 * 99,999,999.99 → "9999.99万", 100,000,000 → "1.00亿". Below 1万 the plain figure is shown.
 */
export function formatCompactZh(minor: bigint, minorDigits: number): string {
  const major100 = (minor * 100n) / pow10(minorDigits); // hundredths of a major unit, floored
  const yi = 100_000_000n * 100n;
  const wan = 10_000n * 100n;
  const two = (v: bigint, unit: bigint): string => {
    const scaled = (v * 100n) / unit; // value in units, ×100, floored
    return `${scaled / 100n}.${(scaled % 100n).toString().padStart(2, '0')}`;
  };
  if (major100 >= yi) return `${two(major100, yi)}亿`;
  if (major100 >= wan) return `${two(major100, wan)}万`;
  return two(major100, 100n);
}

/** English compact money, rounded down: 1,234,567.89 → "1.23M". */
export function formatCompactEn(minor: bigint, minorDigits: number): string {
  const major100 = (minor * 100n) / pow10(minorDigits);
  const units: [bigint, string][] = [
    [100_000_000_000n, 'B'],
    [100_000_000n, 'M'],
    [100_000n, 'K'],
  ];
  for (const [u, s] of units) {
    if (major100 >= u) {
      const scaled = (major100 * 100n) / u;
      return `${scaled / 100n}.${(scaled % 100n).toString().padStart(2, '0')}${s}`;
    }
  }
  return `${major100 / 100n}.${(major100 % 100n).toString().padStart(2, '0')}`;
}

const two = (n: number): string => String(n).padStart(2, '0');

/** Signed offset from T0 as "T+hh:mm:ss" / "T−hh:mm:ss" (whole seconds, counting toward T0 rounds up). */
export function formatTPlus(msFromT0: number): string {
  const before = msFromT0 < 0;
  const total = before ? Math.ceil(-msFromT0 / 1000) : Math.floor(msFromT0 / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `T${before ? '−' : '+'}${two(h)}:${two(m)}:${two(s)}`;
}

/** Seconds left to T0 for a countdown ("00:59"), rounded up so 00:00 shows exactly at T0. */
export function formatCountdown(msToT0: number): string {
  const total = Math.max(0, Math.ceil(msToT0 / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

/** Wall-clock time in the event's zone: "23:59:07". */
export function formatClock(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(ms);
}

/** Compact count, rounded down (never overstates): 123456 → "12.3万" / "123.4K". Below 10,000 in full. */
export function formatCompactCount(n: number, locale: Locale): string {
  const down = (v: number, unit: number): string => (Math.floor((v / unit) * 10) / 10).toFixed(1);
  if (n < 10_000) return formatCount(n, locale);
  if (locale === 'zh-CN') return n >= 1e8 ? `${down(n, 1e8)}亿` : `${down(n, 1e4)}万`;
  return n >= 1e9 ? `${down(n, 1e9)}B` : n >= 1e6 ? `${down(n, 1e6)}M` : `${down(n, 1e3)}K`;
}

/** Compact money in the screen's language, rounded down. */
export function formatCompactMoney(minor: bigint, minorDigits: number, locale: Locale): string {
  return locale === 'zh-CN' ? formatCompactZh(minor, minorDigits) : formatCompactEn(minor, minorDigits);
}

/**
 * Short compact money for tight columns, rounded down: "1.31亿", "8462万", "84.6M". Whole 万 below
 * 1亿, two decimals above; en with three significant digits.
 */
export function formatShortMoney(minor: bigint, minorDigits: number, locale: Locale): string {
  const major = minor / pow10(minorDigits);
  if (locale === 'zh-CN') {
    if (major >= 100_000_000n) return formatCompactZh(minor, minorDigits);
    if (major >= 10_000n) return `${major / 10_000n}万`;
    return String(major);
  }
  const units: [bigint, string][] = [
    [1_000_000_000n, 'B'],
    [1_000_000n, 'M'],
    [1_000n, 'K'],
  ];
  for (const [u, sfx] of units) {
    if (major >= u) {
      const whole = major / u;
      const decimals = whole >= 100n ? 0 : whole >= 10n ? 1 : 2;
      const scale = 10n ** BigInt(decimals);
      const v = (major * scale) / u;
      return decimals === 0 ? `${v}${sfx}` : `${v / scale}.${(v % scale).toString().padStart(decimals, '0')}${sfx}`;
    }
  }
  return String(major);
}
