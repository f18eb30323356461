/**
 * The orders part: GMV (exact, BigInt-backed), the order count, orders per second over rolling
 * windows, the per-second series, milestones, and the breakdowns (order-detail.ts). The hottest
 * path of the server: {@link OrdersPart.apply} allocates nothing.
 */
import { MoneySum } from '../../../shared/money';
import type { Milestone, Order } from '../../../shared/domain';
import { RollingCounter } from '../rolling';
import { PerSecondSeries } from '../series';
import { count, fail, minor, record, array, ring, timeOrNull } from '../check';
import type { PartOptions, StreamPart } from '../part';
import { Milestones } from './milestones';
import { checkOrderDetail, OrderDetail, type OrderDetailState } from './order-detail';

export type RingState = { secs: number[]; counts: number[] };

export interface OrdersState extends OrderDetailState {
  gmvMinor: string;
  orders: number;
  rolling: RingState;
  /** The series itself is saved beside the JSON in chunks (checkpoint.ts); here its start and length. */
  seriesStartMs: number;
  seriesLength: number;
  milestones: Milestone[];
}

export class OrdersPart implements StreamPart<Order, OrdersState> {
  #gmv = new MoneySum();
  #orders = 0;
  readonly #rolling = new RollingCounter(60);
  readonly series: PerSecondSeries;
  readonly milestones: Milestones;
  readonly detail: OrderDetail;
  readonly #gmvNow = (): bigint => this.#gmv.value;

  constructor(o: PartOptions) {
    this.series = new PerSecondSeries(o.seriesStartMs);
    this.milestones = new Milestones(o.milestonesMinor, o.lastYearMinor);
    this.detail = new OrderDetail(o.flashSkus);
  }

  apply(o: Order): void {
    this.#gmv.add(o.amountMinor);
    this.#orders++;
    this.#rolling.add(o.tsMs, 1);
    this.series.add(o.tsMs, 1, o.amountMinor);
    this.detail.add(o);
    this.milestones.sale(o.amountMinor, o.tsMs, this.#gmvNow);
  }

  /** The series reaches up to now even in seconds without orders. */
  advance(nowMs: number): void {
    this.series.extendTo(nowMs);
  }

  get gmvMinor(): bigint {
    return this.#gmv.value;
  }

  get orders(): number {
    return this.#orders;
  }

  /** Orders over the `seconds` complete seconds before `nowMs`. */
  rate(nowMs: number, seconds: number): number {
    return this.#rolling.sum(nowMs, seconds);
  }

  /** Replaces the milestone thresholds (admin); see {@link Milestones.replace}. */
  setMilestones(thresholds: readonly bigint[], lastYearMinor: bigint | null): string | null {
    return this.milestones.replace(thresholds, lastYearMinor, this.#gmv.value);
  }

  state(): OrdersState {
    return {
      gmvMinor: this.#gmv.value.toString(),
      orders: this.#orders,
      rolling: this.#rolling.state(),
      seriesStartMs: this.series.startMs,
      seriesLength: this.series.orders.length,
      milestones: this.milestones.list(),
      ...this.detail.state(),
    };
  }

  /** Restores all but the series chunks, which the aggregator hands to {@link PerSecondSeries.restore} (they are saved apart). */
  restore(s: OrdersState): void {
    this.#gmv = new MoneySum(BigInt(s.gmvMinor));
    this.#orders = s.orders;
    this.#rolling.restore(s.rolling);
    this.milestones.restore(s.milestones, this.#gmv.value);
    this.detail.restore(s);
  }
}

export function checkOrders(s: Record<string, unknown>, at: string): void {
  minor(s.gmvMinor, `${at}.gmvMinor`);
  count(s.orders, `${at}.orders`);
  count(s.seriesLength, `${at}.seriesLength`);
  if (typeof s.seriesStartMs !== 'number' || !Number.isSafeInteger(s.seriesStartMs)) fail(`${at}.seriesStartMs`, 'is not whole ms');
  ring(s.rolling, `${at}.rolling`);
  array(s.milestones, `${at}.milestones`).forEach((x, i) => {
    const m = record(x, `${at}.milestones[${i}]`);
    minor(m.thresholdMinor, `${at}.milestones[${i}].thresholdMinor`);
    timeOrNull(m.reachedAtMs, `${at}.milestones[${i}].reachedAtMs`);
  });
  checkOrderDetail(s, at);
}
