/**
 * State of one executive page: the drill-down filter (mirrored in the URL, so back/forward and a
 * shared link reproduce it), the charts' shared time window, the drill feed, and the charts
 * themselves for the PNG export.
 */
import type { Attachment } from 'svelte/attachments';
import { parseFilter, sameFilter, withFilter, type Filter } from './filter';
import { TimeWindow, type ExecChart } from './chart.svelte';
import { DrillFeed } from './drill.svelte';

export class ExecView {
  filter = $state.raw<Filter | null>(null);
  readonly time = new TimeWindow();
  readonly drill = new DrillFeed();
  gmvChart: ExecChart | null = null;
  rateChart: ExecChart | null = null;

  constructor(search = typeof location !== 'undefined' ? location.search : '') {
    this.filter = parseFilter(search);
  }

  /** Sets the filter (the same one again clears it) and records it in the URL as a history entry. */
  select(f: Filter | null): void {
    const next = f && sameFilter(f, this.filter) ? null : f;
    if (sameFilter(next, this.filter)) return;
    this.filter = next;
    if (typeof history !== 'undefined') {
      history.pushState(history.state, '', `${location.pathname}${withFilter(location.search, next)}${location.hash}`);
    }
  }

  clear(): void {
    this.select(null);
  }

  /** On the page root: follows back/forward, and drives the drill feed while mounted. */
  readonly attach: Attachment<HTMLElement> = () => {
    const onPop = (): void => {
      const f = parseFilter(location.search);
      if (!sameFilter(f, this.filter)) this.filter = f;
    };
    window.addEventListener('popstate', onPop);
    $effect(() => this.drill.follow(this.filter));
    return () => {
      window.removeEventListener('popstate', onPop);
      this.drill.stop();
    };
  };
}
