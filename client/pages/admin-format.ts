/** Pure helpers of the admin page: money in major units, times in the event's zone, password hints. */

/** Minor units (decimal integer string) as an editable major-unit string: "1234500", 2 → "12345". */
export function minorToMajor(minor: string, digits: number): string {
  const neg = minor.startsWith('-');
  const abs = (neg ? minor.slice(1) : minor).replace(/^0+(?=\d)/, '');
  if (digits <= 0) return (neg ? '-' : '') + abs;
  const padded = abs.padStart(digits + 1, '0');
  const whole = padded.slice(0, -digits);
  const frac = padded.slice(-digits).replace(/0+$/, '');
  return (neg ? '-' : '') + whole + (frac ? `.${frac}` : '');
}

const DECIMAL = /^\d+(\.\d+)?$/;

/** Compares two non-negative decimal strings exactly. */
function compareDecimal(a: string, b: string): number {
  const [ai = '0', af = ''] = a.split('.');
  const [bi = '0', bf = ''] = b.split('.');
  const aw = ai.replace(/^0+/, '');
  const bw = bi.replace(/^0+/, '');
  if (aw.length !== bw.length) return aw.length - bw.length;
  if (aw !== bw) return aw < bw ? -1 : 1;
  const len = Math.max(af.length, bf.length);
  const x = af.padEnd(len, '0');
  const y = bf.padEnd(len, '0');
  return x === y ? 0 : x < y ? -1 : 1;
}

export type AmountProblem = 'format' | 'decimals' | 'order';

/** A major-unit amount as typed: trimmed; `null` when it is not a plain decimal. */
export function amountProblem(s: string, digits: number): AmountProblem | null {
  if (!DECIMAL.test(s)) return 'format';
  const frac = s.split('.')[1] ?? '';
  if (frac.length > digits) return 'decimals';
  return null;
}

/** "1000000, 5000000，1e7" → the list, split on commas (ASCII or full-width) and whitespace. */
export function parseMilestones(input: string, digits: number): { values: string[] } | { problem: AmountProblem; at: string } {
  const values = input.split(/[,，、\s]+/).filter((v) => v !== '');
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const p = amountProblem(v, digits);
    if (p) return { problem: p, at: v };
    if (i > 0 && compareDecimal(values[i - 1]!, v) >= 0) return { problem: 'order', at: v };
  }
  return { values };
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const partFormats = new Map<string, Intl.DateTimeFormat>();

function wallClock(ms: number, timeZone: string): WallClock {
  let f = partFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partFormats.set(timeZone, f);
  }
  const out: Record<string, number> = {};
  for (const p of f.formatToParts(ms)) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return { year: out.year!, month: out.month!, day: out.day!, hour: out.hour! % 24, minute: out.minute!, second: out.second! };
}

/** The zone's offset from UTC at `ms` (ms; +8 h for Asia/Shanghai), to the second. */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

const two = (n: number): string => String(n).padStart(2, '0');

/** `ms` as the value of an `<input type="datetime-local" step="1">` showing the zone's wall clock. */
export function toLocalInput(ms: number, timeZone: string): string {
  const w = wallClock(ms, timeZone);
  return `${String(w.year).padStart(4, '0')}-${two(w.month)}-${two(w.day)}T${two(w.hour)}:${two(w.minute)}:${two(w.second)}`;
}

/**
 * A datetime-local value ("2025-11-11T00:00", seconds optional) read as a wall-clock time in
 * `timeZone`, as ms since the epoch; null when it does not parse. Around a DST change (a wall-clock
 * time that does not exist or exists twice) one of the neighbouring instants is returned.
 */
export function fromLocalInput(value: string, timeZone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi, s = '0', frac = '0'] = m.slice(1);
  const asUtc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(frac.padEnd(3, '0')));
  if (!Number.isFinite(asUtc)) return null;
  // The offset at the guess, then the offset at the result (they differ only near a DST change).
  const first = asUtc - zoneOffsetMs(asUtc, timeZone);
  const second = asUtc - zoneOffsetMs(first, timeZone);
  const wanted = toLocalInput(asUtc, 'UTC');
  if (toLocalInput(first, timeZone) === wanted) return first;
  return second;
}

const zoneNames = new Map<string, Intl.DateTimeFormat>();

/** The zone's short name at `ms`, e.g. "GMT+8"; the IANA name when the runtime has none. */
export function zoneName(ms: number, timeZone: string, locale: string): string {
  try {
    let f = zoneNames.get(`${locale}|${timeZone}`);
    if (!f) {
      f = new Intl.DateTimeFormat(locale === 'zh-CN' ? 'zh-CN' : 'en-US', { timeZone, timeZoneName: 'shortOffset' });
      zoneNames.set(`${locale}|${timeZone}`, f);
    }
    return f.formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
  } catch {
    return timeZone;
  }
}

/** A time in the event's zone, "2025-11-11 00:00:00 GMT+8": the same shape in both languages. */
export function formatInZone(ms: number, timeZone: string, locale: string): string {
  try {
    return `${toLocalInput(ms, timeZone).replace('T', ' ')} ${zoneName(ms, timeZone, locale)}`;
  } catch {
    return new Date(ms).toISOString();
  }
}

export type Strength = 'short' | 'weak' | 'fair' | 'strong';

/**
 * A hint only (the server decides): under 12 characters is too short; then length, character
 * classes and distinct characters make it weak, fair or strong.
 */
export function passwordStrength(pw: string, username = ''): Strength {
  if (pw.length < 12) return 'short';
  const distinct = new Set(pw).size;
  if (distinct < 6) return 'weak';
  if (username && pw.toLowerCase().includes(username.toLowerCase())) return 'weak';
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((r) => r.test(pw)).length;
  let score = 0;
  if (pw.length >= 16) score++;
  if (pw.length >= 20) score++;
  if (classes >= 3) score++;
  if (distinct >= 10) score++;
  return score >= 3 ? 'strong' : score >= 1 ? 'fair' : 'weak';
}
