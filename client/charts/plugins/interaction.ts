/**
 * The interactive charts' behaviour as uPlot plugins (`{ opts, hooks }`, uPlot's own interface):
 * a crosshair that reports the data index under it, drag to zoom, shift+drag to pan, and touch
 * scrubbing. The time window they change is a {@link XWindow}: every chart sharing one zooms
 * together. Listeners a plugin adds outside uPlot go with the chart's `destroy`.
 */
import uPlot from 'uplot';

export interface Range {
  min: number;
  max: number;
}

/** The shared x window the zoom and pan plugins drive (client/exec/chart.svelte.ts's TimeWindow). */
export interface XWindow {
  zoom: Range | null;
  /** Zooms to `r` within `full` (clamped; a window covering `full` is no zoom). */
  set(r: Range, full: Range): void;
}

/** Adds to the cursor options (bindings merged, so several plugins can bind different events). */
function withCursor(opts: uPlot.Options, cursor: uPlot.Cursor): uPlot.Options {
  const base = opts.cursor ?? {};
  return { ...opts, cursor: { ...cursor, ...base, bind: { ...cursor.bind, ...base.bind } } };
}

/** A vertical crosshair with points on the series; `onIndex` gets the data index under it, or null. */
export function crosshair(onIndex: (idx: number | null) => void): uPlot.Plugin {
  return {
    opts: (_u, opts) => withCursor(opts, { y: false, points: { size: 9, width: 2, fill: '#0a0f1e' } }),
    hooks: {
      setCursor: (u) => {
        const left = u.cursor.left ?? -1;
        onIndex(left >= 0 ? (u.cursor.idx ?? null) : null);
      },
    },
  };
}

/** Drag across the plot to zoom every chart on the window to the selected x range. */
export function dragZoom(win: XWindow, full: () => Range): uPlot.Plugin {
  return {
    opts: (_u, opts) => withCursor(opts, { drag: { x: true, y: false, setScale: false, dist: 8 } }),
    hooks: {
      setSelect: (u) => {
        if (u.select.width < 2) return;
        const min = u.posToVal(u.select.left, 'x');
        const max = u.posToVal(u.select.left + u.select.width, 'x');
        u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
        win.set({ min, max }, full());
      },
    },
  };
}

/** Shift+drag moves a zoomed window instead of selecting (the chart's box gets `panning` meanwhile). */
export function shiftPan(win: XWindow, full: () => Range): uPlot.Plugin {
  let from: { x: number; range: Range; u: uPlot } | null = null;
  const move = (e: MouseEvent): void => {
    if (!from) return;
    const { range, u } = from;
    const perPx = (range.max - range.min) / Math.max(1, u.bbox.width / uPlot.pxRatio);
    const d = -(e.clientX - from.x) * perPx;
    const f = full();
    const shift = Math.max(f.min - range.min, Math.min(f.max - range.max, d));
    win.zoom = { min: range.min + shift, max: range.max + shift };
  };
  const end = (): void => {
    from?.u.root.parentElement?.classList.remove('panning');
    from = null;
    document.removeEventListener('mousemove', move);
    document.removeEventListener('mouseup', end);
  };
  return {
    opts: (_u, opts) =>
      withCursor(opts, {
        bind: {
          mousedown: (u, _t, handler) => (e) => {
            if (e.shiftKey && e.button === 0 && win.zoom) {
              from = { x: e.clientX, range: win.zoom, u };
              u.root.parentElement?.classList.add('panning');
              document.addEventListener('mousemove', move);
              document.addEventListener('mouseup', end);
              e.preventDefault();
              return null;
            }
            return handler(e);
          },
        },
      }),
    hooks: { destroy: end },
  };
}

/**
 * Touch: a finger sliding along the plot moves the crosshair (vertical swipes still scroll); the
 * crosshair stays where the finger left it until a touch elsewhere on the page.
 */
export function touchScrub(): uPlot.Plugin {
  let lastTouchMs = -Infinity;
  let stop = (): void => {};
  return {
    opts: (_u, opts) =>
      withCursor(opts, {
        bind: {
          // After a tap the browser sends the emulated mouse away ("mouseleave"): ignore that one.
          mouseleave: (_u, _t, handler) => (e) => (performance.now() - lastTouchMs < 1000 ? null : handler(e)),
        },
      }),
    hooks: {
      init: (u) => {
        const over = u.over;
        over.style.touchAction = 'pan-y';
        const scrub = (e: PointerEvent): void => {
          if (e.pointerType === 'mouse') return;
          lastTouchMs = performance.now();
          const r = over.getBoundingClientRect();
          u.setCursor({ left: Math.max(0, Math.min(r.width, e.clientX - r.left)), top: e.clientY - r.top });
        };
        const lift = (e: PointerEvent): void => {
          if (e.pointerType !== 'mouse') lastTouchMs = performance.now();
        };
        const elsewhere = (e: PointerEvent): void => {
          if (e.pointerType === 'mouse' || over.contains(e.target as Node)) return;
          if ((u.cursor.left ?? -1) >= 0) u.setCursor({ left: -10, top: -10 });
        };
        over.addEventListener('pointerdown', scrub);
        over.addEventListener('pointermove', scrub);
        over.addEventListener('pointerup', lift);
        document.addEventListener('pointerdown', elsewhere, { passive: true });
        stop = () => document.removeEventListener('pointerdown', elsewhere);
      },
      destroy: () => stop(),
    },
  };
}
