/**
 * Writes a simulated night into the streams (contract v1), in real time with time compression.
 * Single entries at low rates, the batched form above `batchAbovePerSec`.
 */
import type { Redis } from 'ioredis';
import { formatMinor } from '../../shared/money';
import { LOGISTICS_LAGS, orderRate, orderValueMinor, rng } from './profile';

export interface SimulatorOptions {
  t0Ms: number;
  /** Simulated seconds per real second after T0. @default 1 */
  speed: number;
  /** Order-rate multiplier. @default 1 */
  scale: number;
  seed: number;
  keyPrefix: string;
  /** Above this many orders/s, orders are packed into batched entries. @default 2000 */
  batchAbovePerSec: number;
  /** Orders per batched entry. @default 500 */
  batchSize: number;
  /** Real ms between writes. @default 100 */
  stepMs: number;
  /** Prefix of order ids, unique per run. */
  runId: string;
}

/** Options of one {@link Simulator.step}. */
export interface StepOptions {
  /** Stamp each event with `ts` (the step's midpoint) instead of relying on the entry's own time. */
  stampTs?: boolean;
}

const REGIONS = [
  'CN-GD',
  'CN-ZJ',
  'CN-JS',
  'CN-SH',
  'CN-BJ',
  'CN-SD',
  'CN-FJ',
  'CN-SC',
  'CN-HB',
  'CN-HN',
  'CN-HA',
  'CN-HE',
  'CN-AH',
  'CN-CQ',
  'CN-SN',
  'CN-LN',
];
const REGION_WEIGHTS = [16, 14, 12, 9, 8, 7, 6, 5, 4, 4, 4, 3, 3, 2, 2, 1];
/** Sales channels and categories with their share of orders (cumulative draw). */
const CHANNELS = [
  ['app', 0.46],
  ['live', 0.24],
  ['mini', 0.18],
  ['web', 0.12],
] as const;
const CATEGORIES = [
  ['electronics', 0.24],
  ['apparel', 0.22],
  ['beauty', 0.18],
  ['home', 0.15],
  ['food', 0.12],
  ['baby', 0.09],
] as const;
/**
 * Flash-sale SKUs the simulator sells (events/demo.json lists them with their stock): the share of
 * all orders that buy each, so they sell out minutes into the night at scale 1.
 */
export const FLASH_SKUS = [
  { sku: 'mi-14-pro', share: 0.012 },
  { sku: 'airpods-4', share: 0.01 },
  { sku: 'lipstick-999', share: 0.015 },
  { sku: 'rice-cooker', share: 0.006 },
  { sku: 'diapers-xl', share: 0.02 },
] as const;
const WAREHOUSES = ['WH-HZ', 'WH-GZ', 'WH-SH', 'WH-BJ', 'WH-CD', 'WH-WH'];
/** Payment channels with their share of attempts and failure rate. */
const PAY_CHANNELS = [
  { channel: 'alipay', share: 0.55, failure: 0.012 },
  { channel: 'wechat', share: 0.35, failure: 0.018 },
  { channel: 'card', share: 0.07, failure: 0.045 },
  { channel: 'unionpay', share: 0.03, failure: 0.03 },
] as const;
/** Payment attempts written per order (a sample: enough for a success rate, cheap at any scale). */
const PAYMENT_SAMPLE = 0.1;
/** Online visitors per order/s (a rough conversion rate of 0.5% per second of browsing). */
const VISITORS_PER_ORDER_RATE = 200;
const ALERTS = [
  { region: 'CN-GD', kind: 'storm', severity: 'warning', text: 'Typhoon warning: coastal roads closed, dispatch from Guangzhou delayed' },
  { region: 'CN-ZJ', kind: 'rain', severity: 'advisory', text: 'Heavy rain in Hangzhou: expect slower pickup' },
  { region: 'CN-BJ', kind: 'fog', severity: 'warning', text: 'Dense fog: expressways G1 and G4 closed' },
  { region: 'CN-HE', kind: 'snow', severity: 'severe', text: 'Blizzard: line-haul to Shijiazhuang suspended' },
  { region: 'CN-SC', kind: 'road', severity: 'info', text: 'Road works on G5: +30 min to Chengdu hub' },
] as const;

export interface SimStats {
  orders: number;
  gmvMinor: bigint;
  entries: number;
}

export class Simulator {
  readonly #redis: Redis;
  readonly #o: SimulatorOptions;
  readonly #rand: () => number;
  readonly #regionCdf: number[];
  #carry = 0;
  #n = 0;
  #parcelCarry = [0, 0, 0, 0];
  #nextAlertSimS: number;
  #alertN = 0;
  #timer: NodeJS.Timeout | undefined;
  #lastMs = 0;
  #busy = false;
  readonly stats: SimStats = { orders: 0, gmvMinor: 0n, entries: 0 };

  constructor(redis: Redis, o: SimulatorOptions) {
    this.#redis = redis;
    this.#o = o;
    this.#rand = rng(o.seed);
    const total = REGION_WEIGHTS.reduce((a, b) => a + b, 0);
    let acc = 0;
    this.#regionCdf = REGION_WEIGHTS.map((w) => (acc += w) / total);
    this.#nextAlertSimS = 45;
  }

  /** Simulated seconds since T0 at real time `nowMs` (before T0, time runs at real speed). */
  simSeconds(nowMs: number): number {
    const real = (nowMs - this.#o.t0Ms) / 1000;
    return real < 0 ? real : real * this.#o.speed;
  }

  /**
   * Writes the night from `fromMs` up to `toMs` at once, each order stamped with its simulated
   * time (contract: `ts` may lie up to 24 h before the entry): a wall opened at T+40 min
   * shows the whole curve. Call before {@link start}.
   */
  async backfill(fromMs: number, now: () => number = Date.now, stepMs = 1000): Promise<void> {
    // Writing takes time too: keep going until caught up with the clock, so the live part joins without a gap.
    let t = fromMs;
    for (let end = now(); end - t > 50; end = now()) {
      for (; t < end; t += stepMs) await this.step(t, Math.min(end, t + stepMs), { stampTs: true });
      t = end;
    }
    this.#lastMs = t;
  }

  /**
   * Writes in real time, like a careful producer: every event carries `ts`, and while Redis is away
   * (a write waits in the client's queue) the night goes on; once it is back, the time missed is
   * written second by second, each with its own `ts`, so the wall counts it when it happened
   * instead of as one burst at recovery.
   */
  start(now: () => number = Date.now): void {
    if (this.#lastMs === 0) this.#lastMs = now();
    this.#timer = setInterval(() => {
      if (this.#busy) return; // Redis is slower than the plan: skip a beat rather than pile up
      this.#busy = true;
      const from = this.#lastMs;
      const t = now();
      this.#lastMs = t;
      this.#catchUp(from, t)
        .catch(() => undefined)
        .finally(() => {
          this.#busy = false;
        });
    }, this.#o.stepMs);
  }

  async #catchUp(fromMs: number, toMs: number): Promise<void> {
    for (let t = fromMs; t < toMs; t += 1000) await this.step(t, Math.min(toMs, t + 1000), { stampTs: true });
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.#rand() * xs.length)]!;
  }

  #weighted(xs: readonly (readonly [string, number])[]): string {
    let r = this.#rand();
    for (const [k, w] of xs) if ((r -= w) < 0) return k;
    return xs[xs.length - 1]![0];
  }

  #region(): string {
    const r = this.#rand();
    const i = this.#regionCdf.findIndex((c) => r <= c);
    return REGIONS[i < 0 ? REGIONS.length - 1 : i]!;
  }

  /** Writes what the night produces between two real instants. */
  async step(fromMs: number, toMs: number, opts: StepOptions = {}): Promise<void> {
    const s0 = this.simSeconds(fromMs);
    const s1 = this.simSeconds(toMs);
    const mid = (s0 + s1) / 2;
    const realSec = (toMs - fromMs) / 1000;
    const noise = 0.85 + 0.3 * this.#rand();
    const expected = orderRate(mid, this.#o.scale) * (s1 - s0) * noise + this.#carry;
    const count = Math.floor(expected);
    this.#carry = expected - count;
    const p = this.#redis.pipeline();
    const k = this.#o.keyPrefix;
    const perSec = realSec > 0 ? count / realSec : 0;

    const ts = opts.stampTs ? String(Math.floor((fromMs + toMs) / 2)) : undefined;
    const orders: Record<string, string>[] = [];
    for (let i = 0; i < count; i++) {
      const minor = orderValueMinor(this.#rand);
      this.stats.gmvMinor += BigInt(minor);
      const o: Record<string, string> = {
        id: `${this.#o.runId}-${++this.#n}`,
        amount: formatMinor(minor, 2),
        region: this.#region(),
        channel: this.#weighted(CHANNELS),
        category: this.#weighted(CATEGORIES),
      };
      const f = this.#rand();
      let acc = 0;
      for (const sku of FLASH_SKUS) {
        if (f < (acc += sku.share)) {
          o.sku = sku.sku;
          break;
        }
      }
      if (ts) o.ts = ts;
      orders.push(o);
    }
    this.stats.orders += count;
    if (perSec > this.#o.batchAbovePerSec) {
      for (let i = 0; i < orders.length; i += this.#o.batchSize) {
        p.xadd(`${k}orders`, '*', 'batch', JSON.stringify(orders.slice(i, i + this.#o.batchSize)));
        this.stats.entries++;
      }
    } else {
      for (const o of orders) {
        p.xadd(`${k}orders`, '*', ...Object.entries(o).flat());
        this.stats.entries++;
      }
    }

    LOGISTICS_LAGS.forEach((lag, i) => {
      const lagged = mid - lag.delayS;
      if (lagged < 0) return;
      const parcels = orderRate(lagged, this.#o.scale) * lag.share * (s1 - s0) + this.#parcelCarry[i]!;
      const whole = Math.floor(parcels);
      this.#parcelCarry[i] = parcels - whole;
      if (whole <= 0) return;
      const wh = this.#pick(WAREHOUSES);
      const extra = ts ? ['ts', ts] : [];
      p.xadd(
        `${k}logistics`,
        '*',
        'id',
        `${this.#o.runId}-l${i}-${++this.#n}`,
        'stage',
        lag.stage,
        'parcels',
        String(whole),
        'warehouse',
        wh,
        ...extra,
      );
    });

    // A sample of payment attempts, by channel, some failing.
    const payments = Math.floor(count * PAYMENT_SAMPLE + this.#rand());
    for (let i = 0; i < payments; i++) {
      const r = this.#rand();
      let acc = 0;
      const ch = PAY_CHANNELS.find((c) => (acc += c.share) >= r) ?? PAY_CHANNELS[0];
      const extra = ts ? ['ts', ts] : [];
      p.xadd(
        `${k}payments`,
        '*',
        'id',
        `${this.#o.runId}-p${++this.#n}`,
        'channel',
        ch.channel,
        'ok',
        this.#rand() < ch.failure ? '0' : '1',
        ...extra,
      );
    }
    // Visitors online: a gauge that follows the order rate, with some noise.
    const visitors = Math.round(orderRate(mid, this.#o.scale) * VISITORS_PER_ORDER_RATE * (0.9 + 0.2 * this.#rand()));
    p.xadd(`${k}traffic`, '*', 'visitors', String(visitors), ...(ts ? ['ts', ts] : []));

    if (s1 >= this.#nextAlertSimS) {
      const a = ALERTS[this.#alertN % ALERTS.length]!;
      const untilMs = toMs + Math.round((20 * 60_000) / Math.max(1, this.#o.speed));
      const extra = ts ? ['ts', ts] : [];
      p.xadd(
        `${k}weather`,
        '*',
        'id',
        `${this.#o.runId}-w${++this.#alertN}`,
        'region',
        a.region,
        'severity',
        a.severity,
        'kind',
        a.kind,
        'text',
        a.text,
        'until',
        String(untilMs),
        ...extra,
      );
      this.#nextAlertSimS += 300 + this.#rand() * 600;
    }
    await p.exec();
  }
}
