/**
 * The trust boundary: decodes raw stream entries (contract v1) into validated events.
 * Nothing here throws on input; every problem becomes a {@link Rejection} with a reason code.
 */
import { entryTimeMs } from '../entry-id';
import { parseAmountMinor } from '../../shared/money';
import {
  LOGISTICS_STAGES,
  SEVERITIES,
  WEATHER_KINDS,
  type LogisticsEvent,
  type LogisticsStage,
  type Order,
  type PaymentEvent,
  type Severity,
  type TrafficGauge,
  type WeatherAlert,
  type WeatherKind,
} from '../../shared/domain';

export interface Rejection {
  /** Machine-readable reason code, e.g. "bad_amount". */
  code: string;
  /** A human sentence. */
  message: string;
  /** Position inside a batched entry. */
  index?: number;
  /** The rejected batch item as parsed, kept for its dead letter. */
  item?: unknown;
}

export interface DecodeOptions {
  minorDigits: number;
  /** How far an explicit `ts` may lie before the entry ID's time. @default 24 h */
  maxPastMs: number;
  /** How far an explicit `ts` may lie after the entry ID's time. @default 5 min */
  maxFutureMs: number;
  /** Orders allowed in one batched entry. @default 10000 */
  maxBatch: number;
  /** Largest entry applied (field names and values, bytes); a larger one is `entry_too_large`. @default 8 MiB */
  maxEntryBytes: number;
}

export const defaultDecodeOptions: DecodeOptions = {
  minorDigits: 2,
  maxPastMs: 24 * 3600_000,
  maxFutureMs: 5 * 60_000,
  maxBatch: 10_000,
  maxEntryBytes: 8 << 20,
};

export type Decoded<T> = { ok: true; value: T } | { ok: false; rejection: Rejection };

const TOKEN = /^[A-Za-z0-9_.:-]{1,64}$/;
const REGION = /^[A-Z]{2}-[A-Z0-9]{1,3}$/;
const PRINTABLE_ID = /^[\x20-\x7e]{1,128}$/;
const POS_INT = /^[1-9]\d{0,8}$/;
const MS = /^\d{1,16}$/;

const reject = (code: string, message: string): { ok: false; rejection: Rejection } => ({ ok: false, rejection: { code, message } });

/** Fields of a stream entry as ioredis returns them ([f1, v1, f2, v2, ...]); the first occurrence wins. */
export function fieldsToRecord(fields: readonly string[]): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const k = fields[i]!;
    if (!(k in out)) out[k] = fields[i + 1]!;
  }
  return out;
}

/** Normalises a JSON scalar to the string form XADD would have stored; other types become undefined-but-present. */
function scalar(v: unknown): string | undefined | null {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  return null;
}

function checkId(id: string | undefined | null): Rejection | null {
  if (id === undefined) return { code: 'missing_id', message: 'the entry has no id field' };
  if (id === null || !PRINTABLE_ID.test(id)) return { code: 'bad_id', message: 'id must be 1-128 printable ASCII characters' };
  // "o-1 " and "o-1" would count as two orders: a padded id is a producer bug, not a new order.
  if (id.charCodeAt(0) === 32 || id.charCodeAt(id.length - 1) === 32)
    return { code: 'bad_id', message: 'id must not start or end with a space' };
  return null;
}

function checkTs(ts: string | undefined | null, idMs: number, o: DecodeOptions): number | Rejection {
  if (ts === undefined) return idMs;
  if (ts === null || !MS.test(ts)) return { code: 'bad_ts', message: 'ts must be whole milliseconds since the epoch' };
  const v = Number(ts);
  if (v < idMs - o.maxPastMs || v > idMs + o.maxFutureMs) {
    return {
      code: 'ts_out_of_range',
      message: `ts is more than ${o.maxPastMs / 1000} s before or ${o.maxFutureMs / 1000} s after the entry's own time`,
    };
  }
  return v;
}

function checkToken(name: string, v: string | undefined | null): Rejection | null {
  if (v === undefined || (v !== null && TOKEN.test(v))) return null;
  return { code: `bad_${name}`, message: `${name} must be 1-64 of [A-Za-z0-9_.:-]` };
}

function checkRegion(v: string | undefined | null): Rejection | null {
  if (v === undefined || (v !== null && REGION.test(v))) return null;
  return { code: 'bad_region', message: 'region must be an ISO 3166-2 code such as CN-GD' };
}

const AMOUNT_MESSAGES: Record<string, string> = {
  bad_amount: 'amount must be a plain decimal string in major units, e.g. "38888.00"',
  too_many_decimals: 'amount has more decimals than the currency has minor digits',
  amount_out_of_range: 'amount must be between 0 and 1,000,000,000,000',
};

type Raw = string | undefined | null;

/** Validates one order's raw fields. */
export function decodeOrder(
  id: Raw,
  amount: Raw,
  ts: Raw,
  region: Raw,
  channel: Raw,
  category: Raw,
  sku: Raw,
  qty: Raw,
  idMs: number,
  o: DecodeOptions,
): Decoded<Order> {
  const badId = checkId(id);
  if (badId) return { ok: false, rejection: badId };
  if (amount === undefined) return reject('missing_amount', 'the order has no amount field');
  if (amount === null) return reject('bad_amount', AMOUNT_MESSAGES.bad_amount!);
  const minor = parseAmountMinor(amount, o.minorDigits);
  if (typeof minor === 'string') return reject(minor, AMOUNT_MESSAGES[minor]!);
  const tsMs = checkTs(ts, idMs, o);
  if (typeof tsMs !== 'number') return { ok: false, rejection: tsMs };
  const bad = checkRegion(region) ?? checkToken('channel', channel) ?? checkToken('category', category) ?? checkToken('sku', sku);
  if (bad) return { ok: false, rejection: bad };
  let q = 1;
  if (qty !== undefined) {
    if (qty === null || !POS_INT.test(qty)) return reject('bad_qty', 'qty must be a whole number of at least 1');
    q = Number(qty);
  }
  const order: Order = { id: id as string, amountMinor: minor, tsMs, qty: q };
  if (region) order.region = region;
  if (channel) order.channel = channel;
  if (category) order.category = category;
  if (sku) order.sku = sku;
  return { ok: true, value: order };
}

/** Result of one `wr:orders` entry: zero or more orders and zero or more rejections. */
export interface OrdersEntry {
  orders: Order[];
  rejections: Rejection[];
  /** Batched form: each order's position in the batch, and the batch as parsed (for a later rejection's letter). */
  at?: number[];
  items?: unknown[];
}

/**
 * Decodes one `wr:orders` entry, single or batched form, without creating per-field objects on the single path.
 * @param entryMs the entry's time as ingest judges it (the ID's time unless the ID lies in the future)
 */
export function decodeOrdersEntry(
  entryId: string,
  fields: readonly string[],
  o: DecodeOptions,
  entryMs = entryTimeMs(entryId),
): OrdersEntry {
  let id: Raw, amount: Raw, ts: Raw, region: Raw, channel: Raw, category: Raw, sku: Raw, qty: Raw, batch: Raw;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const v = fields[i + 1]!;
    switch (fields[i]) {
      case 'id':
        id ??= v;
        break;
      case 'amount':
        amount ??= v;
        break;
      case 'ts':
        ts ??= v;
        break;
      case 'region':
        region ??= v;
        break;
      case 'channel':
        channel ??= v;
        break;
      case 'category':
        category ??= v;
        break;
      case 'sku':
        sku ??= v;
        break;
      case 'qty':
        qty ??= v;
        break;
      case 'batch':
        batch ??= v;
        break;
    }
  }
  if (batch !== undefined) {
    // Both forms at once: whichever we picked, the producer meant something else.
    if (id !== undefined || amount !== undefined)
      return {
        orders: [],
        rejections: [{ code: 'ambiguous_entry', message: 'the entry has both batch and id/amount: send one order or one batch' }],
      };
    return decodeBatch(batch as string, entryMs, o);
  }
  const r = decodeOrder(id, amount, ts, region, channel, category, sku, qty, entryMs, o);
  return r.ok ? { orders: [r.value], rejections: [] } : { orders: [], rejections: [r.rejection] };
}

function decodeBatch(text: string, idMs: number, o: DecodeOptions): OrdersEntry {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { orders: [], rejections: [{ code: 'bad_batch', message: 'batch is not valid JSON' }] };
  }
  if (!Array.isArray(parsed)) return { orders: [], rejections: [{ code: 'bad_batch', message: 'batch must be a JSON array of orders' }] };
  if (parsed.length > o.maxBatch) {
    return {
      orders: [],
      rejections: [{ code: 'batch_too_large', message: `batch has ${parsed.length} orders, at most ${o.maxBatch} are allowed` }],
    };
  }
  const orders: Order[] = [];
  const rejections: Rejection[] = [];
  const at: number[] = [];
  for (let i = 0; i < parsed.length; i++) {
    const x: unknown = parsed[i];
    if (typeof x !== 'object' || x === null || Array.isArray(x)) {
      rejections.push({ code: 'bad_batch_item', message: 'each batch item must be a JSON object', index: i, item: x });
      continue;
    }
    const r = x as Record<string, unknown>;
    const amount = typeof r.amount === 'number' ? null : scalar(r.amount);
    const d = decodeOrder(
      scalar(r.id),
      amount,
      scalar(r.ts),
      scalar(r.region),
      scalar(r.channel),
      scalar(r.category),
      scalar(r.sku),
      scalar(r.qty),
      idMs,
      o,
    );
    if (d.ok) {
      orders.push(d.value);
      at.push(i);
    } else rejections.push({ ...d.rejection, index: i, item: x });
  }
  return { orders, rejections, at, items: parsed };
}

function oneOf<T extends string>(set: readonly T[], v: string | undefined): v is T {
  return v !== undefined && (set as readonly string[]).includes(v);
}

/** Decodes one `wr:logistics` entry. */
export function decodeLogistics(
  entryId: string,
  fields: readonly string[],
  o: DecodeOptions,
  entryMs = entryTimeMs(entryId),
): Decoded<LogisticsEvent> {
  const f = fieldsToRecord(fields);
  const badId = checkId(f.id);
  if (badId) return { ok: false, rejection: badId };
  if (!oneOf<LogisticsStage>(LOGISTICS_STAGES, f.stage)) return reject('bad_stage', `stage must be one of ${LOGISTICS_STAGES.join(', ')}`);
  let parcels = 1;
  if (f.parcels !== undefined) {
    if (!POS_INT.test(f.parcels)) return reject('bad_parcels', 'parcels must be a whole number of at least 1');
    parcels = Number(f.parcels);
  }
  const bad = checkToken('warehouse', f.warehouse) ?? checkRegion(f.region);
  if (bad) return { ok: false, rejection: bad };
  const tsMs = checkTs(f.ts, entryMs, o);
  if (typeof tsMs !== 'number') return { ok: false, rejection: tsMs };
  const ev: LogisticsEvent = { id: f.id!, stage: f.stage, parcels, tsMs };
  if (f.warehouse) ev.warehouse = f.warehouse;
  if (f.region) ev.region = f.region;
  return { ok: true, value: ev };
}

/** Decodes one `wr:weather` entry. `text` stays untrusted: it is only length-checked here. */
export function decodeWeather(
  entryId: string,
  fields: readonly string[],
  o: DecodeOptions,
  entryMs = entryTimeMs(entryId),
): Decoded<WeatherAlert> {
  const f = fieldsToRecord(fields);
  const badId = checkId(f.id);
  if (badId) return { ok: false, rejection: badId };
  if (f.region === undefined) return reject('missing_region', 'a weather alert needs a region');
  const badRegion = checkRegion(f.region);
  if (badRegion) return { ok: false, rejection: badRegion };
  if (!oneOf<Severity>(SEVERITIES, f.severity)) return reject('bad_severity', `severity must be one of ${SEVERITIES.join(', ')}`);
  if (!oneOf<WeatherKind>(WEATHER_KINDS, f.kind)) return reject('bad_kind', `kind must be one of ${WEATHER_KINDS.join(', ')}`);
  const text = f.text ?? '';
  if (text.length > 560 || [...text].length > 280) return reject('text_too_long', 'text must be at most 280 characters');
  const tsMs = checkTs(f.ts, entryMs, o);
  if (typeof tsMs !== 'number') return { ok: false, rejection: tsMs };
  const alert: WeatherAlert = { id: f.id!, region: f.region, severity: f.severity, kind: f.kind, text, tsMs };
  if (f.until !== undefined) {
    if (!MS.test(f.until)) return reject('bad_until', 'until must be whole milliseconds since the epoch');
    alert.untilMs = Number(f.until);
  }
  return { ok: true, value: alert };
}

/** Decodes one `wr:payments` entry: `id`, `channel` (token), `ok` ∈ 1, 0, optional `ts`. */
export function decodePayment(
  entryId: string,
  fields: readonly string[],
  o: DecodeOptions,
  entryMs = entryTimeMs(entryId),
): Decoded<PaymentEvent> {
  const f = fieldsToRecord(fields);
  const badId = checkId(f.id);
  if (badId) return { ok: false, rejection: badId };
  if (f.channel === undefined) return reject('missing_channel', 'a payment needs a channel');
  const badChannel = checkToken('channel', f.channel);
  if (badChannel) return { ok: false, rejection: badChannel };
  if (f.ok !== '1' && f.ok !== '0') return reject('bad_ok', 'ok must be 1 (succeeded) or 0 (failed)');
  const tsMs = checkTs(f.ts, entryMs, o);
  if (typeof tsMs !== 'number') return { ok: false, rejection: tsMs };
  return { ok: true, value: { id: f.id!, channel: f.channel, ok: f.ok === '1', tsMs } };
}

/** Decodes one `wr:traffic` entry: `visitors` (whole number ≥ 0), optional `ts`. */
export function decodeTraffic(
  entryId: string,
  fields: readonly string[],
  o: DecodeOptions,
  entryMs = entryTimeMs(entryId),
): Decoded<TrafficGauge> {
  const f = fieldsToRecord(fields);
  if (f.visitors === undefined) return reject('missing_visitors', 'a traffic entry needs visitors');
  if (!/^(0|[1-9]\d{0,11})$/.test(f.visitors)) return reject('bad_visitors', 'visitors must be a whole number of at least 0');
  const tsMs = checkTs(f.ts, entryMs, o);
  if (typeof tsMs !== 'number') return { ok: false, rejection: tsMs };
  return { ok: true, value: { visitors: Number(f.visitors), tsMs } };
}
