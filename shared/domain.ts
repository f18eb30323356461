/** Domain types shared by server and client. No node:* and no DOM here. */

/** The screens' languages (an event's `locale`, a page's `?lang=`). */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const isLocale = (s: unknown): s is Locale => (LOCALES as readonly unknown[]).includes(s);

export const LOGISTICS_STAGES = ['picked', 'packed', 'dispatched', 'delivered'] as const;
export type LogisticsStage = (typeof LOGISTICS_STAGES)[number];

export const SEVERITIES = ['info', 'advisory', 'warning', 'severe'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const WEATHER_KINDS = ['rain', 'snow', 'fog', 'wind', 'storm', 'heat', 'road', 'other'] as const;
export type WeatherKind = (typeof WEATHER_KINDS)[number];

/** A validated order, amounts in integer minor units. */
export interface Order {
  id: string;
  amountMinor: number;
  /** Event time, ms since the epoch. */
  tsMs: number;
  qty: number;
  region?: string;
  channel?: string;
  category?: string;
  sku?: string;
}

export interface LogisticsEvent {
  id: string;
  stage: LogisticsStage;
  parcels: number;
  warehouse?: string;
  region?: string;
  tsMs: number;
}

export interface WeatherAlert {
  id: string;
  region: string;
  severity: Severity;
  kind: WeatherKind;
  /** Untrusted producer text: render as text, never as HTML. */
  text: string;
  tsMs: number;
  /** Expiry, ms since the epoch; absent means the server's default lifetime applies. */
  untilMs?: number;
}

/** One payment attempt (`wr:payments`). */
export interface PaymentEvent {
  id: string;
  channel: string;
  ok: boolean;
  tsMs: number;
}

/** Online visitors right now (`wr:traffic`, a gauge: the newest value wins). */
export interface TrafficGauge {
  visitors: number;
  /** Event time of the value. */
  tsMs: number;
}

/** Payment attempts per channel, exact counts. */
export type PaymentsByChannel = Record<string, { ok: number; failed: number }>;

/** The event being watched, as the client needs it. */
export interface EventInfo {
  name: string;
  /** Start of the event, ms since the epoch. */
  t0Ms: number;
  /** IANA time zone the event is defined in, for wall-clock labels. */
  timeZone: string;
  currency: string;
  minorDigits: number;
  locale: string;
  /** GMV target in minor units (decimal integer string, may exceed 2^53). */
  targetMinor: string;
  /**
   * Map drawn on the wall; region codes are ISO 3166-2. `world` draws countries and colours each by
   * the codes' country prefix (`GB-LND` counts for GB).
   */
  map: MapKind;
  /** Flash-sale SKUs with their stock, in the event file's order. */
  flashSkus: FlashSku[];
  /** Last year's night for comparison, aligned at T0; null when the event file has none. */
  lastYear: LastYear | null;
}

export const MAP_KINDS = ['china', 'usa', 'world'] as const;
export type MapKind = (typeof MAP_KINDS)[number];

export interface FlashSku {
  sku: string;
  /** Display name (trusted config, still rendered as text). */
  name: string;
  stock: number;
}

export interface LastYear {
  /** Last year's final GMV in minor units (decimal string). */
  totalMinor: string;
  /** Cumulative GMV by seconds after T0: [seconds, minor units as a decimal string], ascending. */
  curve: [number, string][];
}

export interface Milestone {
  /** Threshold in minor units (decimal integer string). */
  thresholdMinor: string;
  /** `lastYear`: the threshold is last year's total (crossing it is the night's headline). */
  kind?: 'lastYear';
  /** Event time of the order that crossed it; null while not reached. */
  reachedAtMs: number | null;
}

export type ParcelsByStage = Record<LogisticsStage, number>;
