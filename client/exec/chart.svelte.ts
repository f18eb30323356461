/**
 * uPlot for the executive view: the shared chart attachment (client/charts/uplot.svelte.ts) with
 * the interaction plugins: a crosshair whose data index is reactive (`hoverIdx`, for the readouts),
 * drag to zoom in time, shift+drag to pan, touch to scrub. The time window is shared by every
 * chart on the page through one {@link TimeWindow}: zooming one zooms all.
 */
import uPlot from 'uplot';
import type { Attachment } from 'svelte/attachments';
import { uplotChart } from '../charts/uplot.svelte';
import { crosshair, dragZoom, shiftPan, touchScrub, type Range } from '../charts/plugins/interaction';

export type { Range };

/** Narrowest window one can zoom into, seconds. */
const MIN_WIDTH = 10;

/** The time window shown by the charts: null is "the whole night so far" (it follows the data). */
export class TimeWindow {
  zoom = $state.raw<Range | null>(null);

  /** Zooms to `r` (clamped to at least {@link MIN_WIDTH} s); a window covering `full` is no zoom. */
  set(r: Range, full: Range): void {
    let { min, max } = r.min <= r.max ? r : { min: r.max, max: r.min };
    if (max - min < MIN_WIDTH) {
      const mid = (min + max) / 2;
      min = mid - MIN_WIDTH / 2;
      max = mid + MIN_WIDTH / 2;
    }
    min = Math.max(min, full.min);
    max = Math.min(max, full.max);
    this.zoom = min <= full.min && max >= full.max ? null : { min, max };
  }

  /** Moves the window by `fraction` of its width (negative: earlier), within the night. */
  pan(fraction: number, full: Range): void {
    const z = this.zoom;
    if (!z) return;
    const w = z.max - z.min;
    const shift = Math.max(full.min - z.min, Math.min(full.max - z.max, w * fraction));
    this.zoom = { min: z.min + shift, max: z.max + shift };
  }

  /** Zooms around the window's centre: factor < 1 in, > 1 out. */
  scale(factor: number, full: Range): void {
    const z = this.zoom ?? full;
    const mid = (z.min + z.max) / 2;
    const half = ((z.max - z.min) * factor) / 2;
    let min = mid - half;
    let max = mid + half;
    // Keep the width when the window meets an end of the night.
    if (min < full.min) [min, max] = [full.min, Math.min(full.max, full.min + 2 * half)];
    if (max > full.max) [min, max] = [Math.max(full.min, full.max - 2 * half), full.max];
    this.set({ min, max }, full);
  }

  reset(): void {
    this.zoom = null;
  }
}

export interface ChartSpec {
  /**
   * Options for a box of this size in CSS px (the interaction is added as plugins); `forExport`:
   * larger text for the PNG export.
   */
  options(width: number, height: number, forExport?: boolean): uPlot.Options;
  /** Reactive: read what the data depends on (a version number). Called in an effect. */
  version(): unknown;
  /** Builds the data; called untracked, at most once per `minIntervalMs`. */
  data(): uPlot.AlignedData;
  /** Reactive: the whole night's x range for this chart. */
  full(): Range;
}

export class ExecChart {
  /** The uPlot instance while mounted (its canvas is exported as PNG). */
  plot: uPlot | null = null;
  /** The x range on screen. */
  range = $state.raw<Range>({ min: 0, max: 0 });
  /** Data index under the crosshair; null when the pointer is elsewhere. */
  hoverIdx = $state<number | null>(null);
  /** Bumped after every redraw with new data (readouts that read `plot.data` depend on it). */
  drawn = $state(0);

  readonly #spec: ChartSpec;
  readonly attach: Attachment<HTMLElement>;

  constructor(spec: ChartSpec, win: TimeWindow, minIntervalMs = 500) {
    this.#spec = spec;
    const full = (): Range => spec.full();
    /** Keeps `plot`, `range` and `drawn` in step with the chart for the readouts and the export. */
    const mirror: uPlot.Plugin = {
      hooks: {
        init: (u) => {
          this.plot = u;
        },
        setData: () => {
          this.drawn++;
        },
        setScale: (u, key) => {
          if (key !== 'x') return;
          const { min, max } = u.scales.x!;
          if (min != null && max != null && (min !== this.range.min || max !== this.range.max)) this.range = { min, max };
        },
        destroy: (u) => {
          if (this.plot === u) this.plot = null;
        },
      },
    };
    this.attach = uplotChart({
      options: (width, height) => spec.options(width, height),
      version: () => spec.version(),
      data: () => spec.data(),
      xRange: () => win.zoom ?? spec.full(),
      plugins: [
        mirror,
        crosshair((idx) => {
          if (idx !== this.hoverIdx) this.hoverIdx = idx;
        }),
        dragZoom(win, full),
        shiftPan(win, full),
        touchScrub(),
      ],
      onResize: 'resize',
      minIntervalMs,
    });
  }

  /**
   * The chart as shown (same data, same time window) drawn again at `width`×`height` CSS px for the
   * PNG export, so a phone's narrow chart still exports wide. Null while the chart is not mounted.
   */
  async snapshot(width: number, height: number): Promise<HTMLCanvasElement | null> {
    const u = this.plot;
    if (!u) return null;
    const host = document.createElement('div');
    host.style.cssText = `position:fixed;left:${-2 * width}px;top:0;width:${width}px;height:${height}px;pointer-events:none;visibility:hidden;`;
    document.body.appendChild(host);
    let copy: uPlot | null = null;
    try {
      const opts = this.#spec.options(width, height, true);
      copy = new uPlot({ ...opts, cursor: { show: false } }, u.data, host);
      const c = copy;
      const { min, max } = this.range;
      await new Promise((r) => requestAnimationFrame(r));
      c.batch(() => c.setScale('x', { min, max }));
      const src = c.ctx.canvas;
      const out = document.createElement('canvas');
      out.width = src.width;
      out.height = src.height;
      out.getContext('2d')?.drawImage(src, 0, 0);
      return out;
    } finally {
      copy?.destroy();
      host.remove();
    }
  }
}
