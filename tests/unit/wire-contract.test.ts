/**
 * The wire contract's field names, pinned. Snapshot and Tick are built from field groups
 * (shared/wire.ts); walls in the field and external clients read the flat JSON, so regrouping the
 * types must not add, drop, rename or change the optionality of a field. These checks run in
 * `npm run typecheck` (tsc reads tests/); the runtime part pins the closed sets' values.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { NONE_KEY, OTHER_KEY, type Snapshot, type Tick } from '../../shared/wire';
import { LOGISTICS_STAGES, MAP_KINDS, SEVERITIES, WEATHER_KINDS } from '../../shared/domain';

type Stamp = 'protocol' | 'epoch' | 'seq' | 'serverNowMs' | 'tickIntervalMs';
type Always = 'totals' | 'rates' | 'parcels' | 'payments' | 'traffic' | 'series' | 'source';
type Changed = 'alerts' | 'milestones' | 'alarms' | 'outages' | 'detail';

/** The keys of T that may be absent. */
type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];

describe('wire contract', () => {
  it('a snapshot has the same fields as before the regrouping, none optional', () => {
    expectTypeOf<keyof Snapshot>().toEqualTypeOf<'kind' | Stamp | Always | Changed | 'event' | 'banner'>();
    expectTypeOf<OptionalKeys<Snapshot>>().toEqualTypeOf<never>();
    expectTypeOf<Snapshot['kind']>().toEqualTypeOf<'snapshot'>();
  });

  it('a tick has the same fields as before; only the when-changed lists are optional', () => {
    expectTypeOf<keyof Tick>().toEqualTypeOf<'kind' | Stamp | Always | Changed>();
    expectTypeOf<OptionalKeys<Tick>>().toEqualTypeOf<Changed>();
    expectTypeOf<Tick['kind']>().toEqualTypeOf<'tick'>();
    // A field present in both messages has the same type in both.
    expectTypeOf<Pick<Tick, Stamp | Always>>().toEqualTypeOf<Pick<Snapshot, Stamp | Always>>();
    expectTypeOf<Required<Pick<Tick, Changed>>>().toEqualTypeOf<Pick<Snapshot, Changed>>();
  });

  it('the closed sets keep their wire values', () => {
    expect([NONE_KEY, OTHER_KEY]).toEqual(['(none)', '(other)']);
    expect(MAP_KINDS).toEqual(['china', 'usa', 'world']);
    expect(LOGISTICS_STAGES).toEqual(['picked', 'packed', 'dispatched', 'delivered']);
    expect(SEVERITIES).toEqual(['info', 'advisory', 'warning', 'severe']);
    expect(WEATHER_KINDS).toEqual(['rain', 'snow', 'fog', 'wind', 'storm', 'heat', 'road', 'other']);
  });
});
