/** The traffic part: online visitors, a gauge: the value with the newest event time wins (no dedupe needed). */
import type { TrafficGauge } from '../../../shared/domain';
import { count, finite, record } from '../check';
import type { StreamPart } from '../part';

export interface TrafficState {
  gauge: TrafficGauge | null;
}

export class TrafficPart implements StreamPart<TrafficGauge, TrafficState> {
  #gauge: TrafficGauge | null = null;

  apply(t: TrafficGauge): void {
    if (this.#gauge === null || t.tsMs >= this.#gauge.tsMs) this.#gauge = t;
  }

  read(): TrafficGauge | null {
    return this.#gauge;
  }

  state(): TrafficState {
    return { gauge: this.#gauge };
  }

  restore(s: TrafficState): void {
    this.#gauge = s.gauge;
  }
}

export function checkTraffic(s: Record<string, unknown>, at: string): void {
  if (s.gauge === null) return;
  const t = record(s.gauge, `${at}.gauge`);
  count(t.visitors, `${at}.gauge.visitors`);
  finite(t.tsMs, `${at}.gauge.tsMs`);
}
