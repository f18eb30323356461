/**
 * uPlot for the executive view: created once per element, fed with `setData` (throttled), resized
 * with its box, and interactive: a crosshair whose data index is reactive (`hoverIdx`, for the
 * readouts), drag to zoom in time, shift+drag to pan, touch to scrub. The time window is shared by
 * every chart on the page through one {@link TimeWindow}: zooming one zooms all.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Attachment } from 'svelte/attachments';

export interface Range {
  min: number;
  max: number;
}

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
   * Options for a box of this size in CSS px (cursor, drag and hooks are added here); `forExport`:
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
  readonly #win: TimeWindow;
  readonly #minIntervalMs: number;

  constructor(spec: ChartSpec, win: TimeWindow, minIntervalMs = 500) {
    this.#spec = spec;
    this.#win = win;
    this.#minIntervalMs = minIntervalMs;
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

  readonly attach: Attachment<HTMLElement> = (node) => {
    const spec = this.#spec;
    const win = this.#win;
    let lastDrawMs = 0;
    let pending: ReturnType<typeof setTimeout> | undefined;
    let panFrom: { x: number; range: Range } | null = null;
    let lastTouchMs = -Infinity;

    const target = (): Range => win.zoom ?? spec.full();
    const applyScale = (u: uPlot): void => {
      const r = target();
      u.batch(() => u.setScale('x', { min: r.min, max: r.max }));
    };
    const redraw = (): void => {
      const u = this.plot;
      if (!u) return;
      lastDrawMs = performance.now();
      const r = target();
      u.batch(() => {
        u.setData(spec.data(), false);
        u.setScale('x', { min: r.min, max: r.max });
      });
      this.drawn++;
    };

    const onPanMove = (e: MouseEvent): void => {
      const u = this.plot;
      if (!u || !panFrom) return;
      const perPx = (panFrom.range.max - panFrom.range.min) / Math.max(1, u.bbox.width / uPlot.pxRatio);
      const d = -(e.clientX - panFrom.x) * perPx;
      const full = spec.full();
      const shift = Math.max(full.min - panFrom.range.min, Math.min(full.max - panFrom.range.max, d));
      win.zoom = { min: panFrom.range.min + shift, max: panFrom.range.max + shift };
    };
    const onPanEnd = (): void => {
      panFrom = null;
      node.classList.remove('panning');
      document.removeEventListener('mousemove', onPanMove);
      document.removeEventListener('mouseup', onPanEnd);
    };

    const make = (width: number, height: number): uPlot => {
      const base = spec.options(width, height);
      const opts: uPlot.Options = {
        ...base,
        cursor: {
          y: false,
          drag: { x: true, y: false, setScale: false, dist: 8 },
          points: { size: 9, width: 2, fill: '#0a0f1e' },
          bind: {
            // After a tap the browser sends the emulated mouse away ("mouseleave"): on touch the
            // crosshair stays where the finger was, until a touch elsewhere.
            mouseleave: (_u, _t, handler) => (e) => (performance.now() - lastTouchMs < 1000 ? null : handler(e)),
            // Shift+drag pans the zoomed window instead of selecting.
            mousedown: (_u, _t, handler) => (e) => {
              if (e.shiftKey && e.button === 0 && win.zoom) {
                panFrom = { x: e.clientX, range: win.zoom };
                node.classList.add('panning');
                document.addEventListener('mousemove', onPanMove);
                document.addEventListener('mouseup', onPanEnd);
                e.preventDefault();
                return null;
              }
              return handler(e);
            },
          },
          ...base.cursor,
        },
        hooks: {
          ...base.hooks,
          // A finished drag selection zooms every chart to it.
          setSelect: [
            ...(base.hooks?.setSelect ?? []),
            (u) => {
              if (u.select.width < 2) return;
              const min = u.posToVal(u.select.left, 'x');
              const max = u.posToVal(u.select.left + u.select.width, 'x');
              u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
              win.set({ min, max }, spec.full());
            },
          ],
          setScale: [
            ...(base.hooks?.setScale ?? []),
            (u, key) => {
              if (key !== 'x') return;
              const { min, max } = u.scales.x!;
              if (min != null && max != null && (min !== this.range.min || max !== this.range.max)) this.range = { min, max };
            },
          ],
          setCursor: [
            ...(base.hooks?.setCursor ?? []),
            (u) => {
              const left = u.cursor.left ?? -1;
              const idx = left >= 0 ? (u.cursor.idx ?? null) : null;
              if (idx !== this.hoverIdx) this.hoverIdx = idx;
            },
          ],
        },
      };
      const u = new uPlot(opts, spec.data(), node);
      // Touch: a finger sliding along the plot moves the crosshair (vertical swipes still scroll).
      const over = u.over;
      over.style.touchAction = 'pan-y';
      const scrub = (e: PointerEvent): void => {
        if (e.pointerType === 'mouse') return;
        lastTouchMs = performance.now();
        const r = over.getBoundingClientRect();
        u.setCursor({ left: Math.max(0, Math.min(r.width, e.clientX - r.left)), top: e.clientY - r.top });
      };
      over.addEventListener('pointerdown', scrub);
      over.addEventListener('pointermove', scrub);
      over.addEventListener('pointerup', (e) => {
        if (e.pointerType !== 'mouse') lastTouchMs = performance.now();
      });
      lastDrawMs = performance.now();
      applyScale(u);
      return u;
    };

    const onTouchElsewhere = (e: PointerEvent): void => {
      const u = this.plot;
      if (!u || e.pointerType === 'mouse' || u.over.contains(e.target as Node)) return;
      if ((u.cursor.left ?? -1) >= 0) u.setCursor({ left: -10, top: -10 });
    };
    document.addEventListener('pointerdown', onTouchElsewhere, { passive: true });

    const ro = new ResizeObserver(([entry]) => {
      if (!entry) return;
      const { width, height } = entry.contentRect;
      if (width < 2 || height < 2) return;
      if (!this.plot) {
        this.plot = make(Math.floor(width), Math.floor(height));
        this.drawn++;
      }
      else if (Math.abs(this.plot.width - width) > 1 || Math.abs(this.plot.height - height) > 1) {
        this.plot.setSize({ width: Math.floor(width), height: Math.floor(height) });
      }
    });
    ro.observe(node);

    // New data: at most once per interval (a night of per-second points, ticks at 10 Hz).
    $effect(() => {
      void spec.version();
      if (pending !== undefined) return;
      const wait = Math.max(0, lastDrawMs + this.#minIntervalMs - performance.now());
      pending = setTimeout(() => {
        pending = undefined;
        redraw();
      }, wait);
    });
    // A new window (zoom, pan, reset, the night growing): at once.
    $effect(() => {
      const r = win.zoom ?? spec.full();
      const u = this.plot;
      if (u && (u.scales.x?.min !== r.min || u.scales.x?.max !== r.max)) applyScale(u);
    });

    return () => {
      clearTimeout(pending);
      onPanEnd();
      document.removeEventListener('pointerdown', onTouchElsewhere);
      ro.disconnect();
      this.plot?.destroy();
      this.plot = null;
    };
  };
}
