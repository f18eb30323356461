/**
 * The weather part: alerts in force. Alerts replace by id, so a retried XADD is harmless and needs
 * no dedupe. Expiry happens in {@link WeatherPart.advance}, so reading the alerts changes nothing.
 */
import { SEVERITIES, WEATHER_KINDS, type WeatherAlert } from '../../../shared/domain';
import { array, fail, finite, record, str } from '../check';
import type { PartOptions, StreamPart } from '../part';

export interface WeatherState {
  alerts: WeatherAlert[];
}

export class WeatherPart implements StreamPart<WeatherAlert, WeatherState> {
  readonly #alerts = new Map<string, WeatherAlert>();
  readonly #max: number;
  readonly #ttlMs: number;
  /** Bumped whenever the list changes, so publishers send it only then. */
  version = 0;

  constructor(o: PartOptions) {
    this.#max = o.maxAlerts;
    this.#ttlMs = o.alertDefaultTtlMs;
  }

  apply(a: WeatherAlert): void {
    this.#alerts.delete(a.id);
    this.#alerts.set(a.id, a);
    if (this.#alerts.size > this.#max) {
      const oldest = this.#alerts.keys().next().value;
      if (oldest !== undefined) this.#alerts.delete(oldest);
    }
    this.version++;
  }

  #expired(a: WeatherAlert, nowMs: number): boolean {
    return (a.untilMs ?? a.tsMs + this.#ttlMs) <= nowMs;
  }

  /** Drops the alerts expired at `nowMs`. */
  advance(nowMs: number): void {
    let expired = false;
    for (const [id, a] of this.#alerts) {
      if (this.#expired(a, nowMs)) {
        this.#alerts.delete(id);
        expired = true;
      }
    }
    if (expired) this.version++;
  }

  /** Alerts in force at `nowMs`, newest first (expired ones are left out; {@link advance} drops them). */
  active(nowMs: number): WeatherAlert[] {
    return [...this.#alerts.values()].filter((a) => !this.#expired(a, nowMs)).sort((x, y) => y.tsMs - x.tsMs);
  }

  state(): WeatherState {
    return { alerts: [...this.#alerts.values()] };
  }

  restore(s: WeatherState): void {
    for (const a of s.alerts) this.#alerts.set(a.id, a);
    this.version++;
  }
}

export function checkWeather(s: Record<string, unknown>, at: string): void {
  array(s.alerts, `${at}.alerts`).forEach((x, i) => {
    const p = `${at}.alerts[${i}]`;
    const w = record(x, p);
    for (const k of ['id', 'region', 'text'] as const) str(w[k], `${p}.${k}`);
    if (!(SEVERITIES as readonly unknown[]).includes(w.severity)) fail(`${p}.severity`, 'is not a severity');
    if (!(WEATHER_KINDS as readonly unknown[]).includes(w.kind)) fail(`${p}.kind`, 'is not a weather kind');
    finite(w.tsMs, `${p}.tsMs`);
    if (w.untilMs !== undefined) finite(w.untilMs, `${p}.untilMs`);
  });
}
