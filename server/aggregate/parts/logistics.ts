/** The logistics part: parcels per stage, per warehouse, and parcels dispatched per second over a rolling minute. */
import { LOGISTICS_STAGES, type LogisticsEvent, type ParcelsByStage } from '../../../shared/domain';
import type { WarehouseRow } from '../../../shared/wire';
import { WarehouseTable } from '../breakdown';
import { RollingCounter } from '../rolling';
import { array, record, ring, stages, str } from '../check';
import type { StreamPart } from '../part';
import { MAX_KEYS } from './order-detail';
import type { RingState } from './orders';

export interface LogisticsState {
  parcels: ParcelsByStage;
  warehouses: WarehouseRow[];
  dispatchRolling: RingState;
}

export class LogisticsPart implements StreamPart<LogisticsEvent, LogisticsState> {
  readonly #parcels: ParcelsByStage = { picked: 0, packed: 0, dispatched: 0, delivered: 0 };
  readonly #warehouses = new WarehouseTable(MAX_KEYS);
  readonly #dispatched = new RollingCounter(60);

  apply(e: LogisticsEvent): void {
    this.#parcels[e.stage] += e.parcels;
    this.#warehouses.add(e.warehouse, e.stage, e.parcels);
    if (e.stage === 'dispatched') this.#dispatched.add(e.tsMs, e.parcels);
  }

  parcels(): ParcelsByStage {
    return { ...this.#parcels };
  }

  warehouses(limit: number): WarehouseRow[] {
    return this.#warehouses.rows(limit);
  }

  /** Parcels dispatched over the `seconds` complete seconds before `nowMs`. */
  dispatchedIn(nowMs: number, seconds: number): number {
    return this.#dispatched.sum(nowMs, seconds);
  }

  state(): LogisticsState {
    return { parcels: this.parcels(), warehouses: this.#warehouses.state(), dispatchRolling: this.#dispatched.state() };
  }

  restore(s: LogisticsState): void {
    for (const st of LOGISTICS_STAGES) if (Number.isSafeInteger(s.parcels[st])) this.#parcels[st] = s.parcels[st];
    this.#warehouses.restore(s.warehouses);
    this.#dispatched.restore(s.dispatchRolling);
  }
}

export function checkLogistics(s: Record<string, unknown>, at: string): void {
  stages(s.parcels, `${at}.parcels`);
  array(s.warehouses, `${at}.warehouses`).forEach((x, i) => {
    const w = record(x, `${at}.warehouses[${i}]`);
    str(w.key, `${at}.warehouses[${i}].key`);
    stages(w, `${at}.warehouses[${i}]`);
  });
  ring(s.dispatchRolling, `${at}.dispatchRolling`);
}
