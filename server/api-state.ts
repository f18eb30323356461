/**
 * `GET /api/state`: the snapshot plus the headline figures in plain form, the stream cursors and
 * every breakdown row. Reconciliation (reconcile.ts) and the tests compare it with the streams, so
 * it exists only where the figures do: on the process that counts.
 */
import { formatMinor } from '../shared/money';
import type { Detail, Snapshot } from '../shared/wire';
import type { Counting } from './counting';
import type { Lease } from './lease';
import type { Publisher } from './publish/publisher';

export type ApiState = Snapshot & {
  gmv: string;
  orders: number;
  rejected: number;
  cursors: Record<string, string>;
  /** Every tracked row of every breakdown (the snapshot's `detail` has the top rows only). */
  breakdowns: Detail;
};

export interface ApiStateParts {
  publisher: Pick<Publisher, 'snapshot'>;
  counting: Pick<Counting, 'ingest' | 'live' | 'aggregator'>;
  lease: Pick<Lease, 'role'>;
  minorDigits: number;
}

/** The state now; throws on a process that does not count (a standby has no figures). */
export function apiState(p: ApiStateParts): ApiState {
  const { ingest } = p.counting;
  if (!ingest || !p.counting.live)
    throw new Error(`no figures: this process is ${p.lease.role === 'owner' ? 'taking over' : p.lease.role}`);
  const s = p.publisher.snapshot();
  return {
    ...s,
    gmv: formatMinor(s.totals.gmvMinor, p.minorDigits),
    orders: s.totals.orders,
    rejected: s.totals.rejected,
    cursors: ingest.cursors(),
    breakdowns: p.counting.aggregator.detail(Infinity),
  };
}
