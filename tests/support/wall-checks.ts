/**
 * Geometry and legibility checks for the wall (a 65" TV read from 10 m), run in Chromium through a
 * single `page.evaluate`. `checkWall(page)` returns every violation as a human-readable line;
 * `expectWallClean(report)` asserts that each category is empty (soft asserts, so one run prints
 * every list).
 *
 * Conventions the wall layout follows, and that this checker relies on:
 * - The canvas is `[data-testid="canvas"]`: a fixed 16:9 box scaled to the viewport. One design
 *   pixel is canvas height / 1080, so all thresholds are fractions of the canvas height.
 * - Every panel carries `data-panel="<name>"` (gmv, gmv-curve, rate, milestones, map, logistics,
 *   alerts, rankings, flash, payments, ops, ...). Panels may nest; nested ones may overlap their parent.
 * - The big figures carry `data-primary` (at least one must be on screen).
 * - `data-clamp`: on an element that cuts its text on purpose (ellipsis or line clamp of untrusted
 *   producer text, an odometer's hidden digits). Clipping inside it is allowed; the element itself
 *   must still lie inside its panel.
 * - `data-chart`: on the element that holds a chart whose text the chart library draws itself
 *   (uPlot draws axis labels on a <canvas>). DOM text inside it is exempt from the font-size check
 *   only (still checked for clipping and contrast), so keep DOM legends outside it or accept that.
 * - `data-bg="#rrggbb"`: the representative colour of an element's background when it is a
 *   gradient or an image (or an SVG shape under labels). Without it the first colour stop of a
 *   gradient is used; an image background without it is a warning ("unknown background").
 * - `data-contrast-skip`: ONLY for decorative glyphs that duplicate adjacent text (an arrow next
 *   to a signed figure, a dot next to a label). Everything else must pass the contrast check,
 *   `aria-hidden` text included.
 *
 * Checks (tolerance 1 px):
 * 1. inside: the canvas is 16:9 and within the viewport, every panel lies inside the canvas, no
 *    visible element inside the canvas extends past it (after clipping by its ancestors below the
 *    canvas: the canvas's own `overflow: hidden` does not count), and the document does not scroll.
 *    "Visible" means it paints: a box with a background, border, shadow or outline, a replaced
 *    element, an SVG shape, or text (by its ink); an empty layout box that sticks out is not seen.
 * 2. overlap: no two panels intersect, except a panel and one nested in it.
 * 3. clipping: every visible text-bearing element (one with a direct non-whitespace text node)
 *    lies inside its panel; no ancestor up to its panel (or the canvas, for text outside panels)
 *    nor the element itself cuts its text with `overflow` other than visible (ellipsis /
 *    `text-overflow` and line clamps included), unless under `data-clamp`. Judged geometrically on
 *    the text's extent (Range rects; SVG bbox), vertically on the glyphs' ink (canvas measureText
 *    with the element's font), so a line box shorter than the font's ascent + descent only counts
 *    when it really cuts glyphs (descenders, CJK, accents).
 * 4. font: rendered font size (computed size × CSS/SVG scale) ≥ 2.2 % of the canvas height
 *    (23.8 px at 1080), outside `data-chart`. SVG `<text>` included.
 * 5. primary: each visible `[data-primary]` shows text ≥ 6 % of the canvas height (its largest
 *    text); at least `minPrimary` of them are visible.
 * 6. contrast: WCAG ratio ≥ 7:1 between the text colour (`fill` for SVG) and the background it is
 *    painted on: the ancestors' background colours composited from the root down, with group
 *    `opacity` and colour alpha folded in exactly (premultiplied). SVG text with a
 *    `paint-order: stroke` halo of ≥ 2 px is judged against its stroke. Backgrounds of non-ancestor
 *    elements (absolutely placed siblings, SVG shapes) are not seen: use a halo or `data-bg`.
 */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';

export interface WallCheckOptions {
  /** At least this many visible `[data-primary]` elements. @default 1 */
  minPrimary?: number;
  /** Minimum rendered font size as a fraction of the canvas height. @default 0.022 */
  minFontRatio?: number;
  /** Minimum primary font size as a fraction of the canvas height. @default 0.06 */
  minPrimaryRatio?: number;
  /** Minimum WCAG contrast ratio. @default 7 */
  minContrast?: number;
  /** Geometric tolerance in CSS px. @default 1 */
  tolerancePx?: number;
  /** Minimum SVG halo stroke width (CSS px) for it to count as the text's background. @default 2 */
  haloMinPx?: number;
  /** @default '[data-testid="canvas"]' */
  canvasSelector?: string;
}

export interface WallStats {
  panels: string[];
  textElements: number;
  /** Smallest rendered font size among font-checked text (0 when there is none). */
  minFontPx: number;
  /** Lowest contrast ratio among contrast-checked text (0 when there is none). */
  minContrast: number;
  canvas: { w: number; h: number };
  viewport: { w: number; h: number; dpr: number };
}

export interface WallReport {
  inside: string[];
  overlap: string[];
  clipping: string[];
  font: string[];
  primary: string[];
  contrast: string[];
  /** Not failures: things the checker could not judge (unknown backgrounds, unhaloed SVG text). */
  warnings: string[];
  stats: WallStats;
}

export const WALL_CATEGORIES = ['inside', 'overlap', 'clipping', 'font', 'primary', 'contrast'] as const;

const DEFAULTS: Required<WallCheckOptions> = {
  minPrimary: 1,
  minFontRatio: 0.022,
  minPrimaryRatio: 0.06,
  minContrast: 7,
  tolerancePx: 1,
  haloMinPx: 2,
  canvasSelector: '[data-testid="canvas"]',
};

/**
 * The in-page checker: plain JavaScript in a string (no imports, no transpiler helpers such as
 * esbuild's `__name` can leak in), called with the resolved options. Avoid backticks and
 * dollar-brace in it.
 */
const PAGE_CHECK = String.raw`
(function (opts) {
  var TOL = opts.tolerancePx;
  var out = { inside: [], overlap: [], clipping: [], font: [], primary: [], contrast: [], warnings: [], stats: null };
  var de = document.documentElement;
  var vw = window.innerWidth, vh = window.innerHeight;
  var stats = { panels: [], textElements: 0, minFontPx: 0, minContrast: 0, canvas: { w: 0, h: 0 }, viewport: { w: vw, h: vh, dpr: window.devicePixelRatio } };
  out.stats = stats;
  if (de.scrollWidth > vw) out.inside.push('document scrolls horizontally: scrollWidth ' + de.scrollWidth + ' > innerWidth ' + vw);
  if (de.scrollHeight > vh) out.inside.push('document scrolls vertically: scrollHeight ' + de.scrollHeight + ' > innerHeight ' + vh);
  var canvas = document.querySelector(opts.canvasSelector);
  if (!canvas) { out.inside.push('no canvas: nothing matches ' + opts.canvasSelector); return out; }

  // ---- helpers -------------------------------------------------------------------------------
  var styles = new Map();
  function st(el) { var s = styles.get(el); if (!s) { s = getComputedStyle(el); styles.set(el, s); } return s; }
  function box(r) { return { l: r.left, t: r.top, r: r.right, b: r.bottom }; }
  function rectOf(el) { return box(el.getBoundingClientRect()); }
  function w(b) { return b.r - b.l; }
  function h(b) { return b.b - b.t; }
  function union(a, b) { if (!a) return b; if (!b) return a; return { l: Math.min(a.l, b.l), t: Math.min(a.t, b.t), r: Math.max(a.r, b.r), b: Math.max(a.b, b.b) }; }
  function inter(a, b) { return { l: Math.max(a.l, b.l), t: Math.max(a.t, b.t), r: Math.min(a.r, b.r), b: Math.min(a.b, b.b) }; }
  function px(v) { return Math.round(v) + ' px'; }
  function f1(v) { return (Math.round(v * 10) / 10).toFixed(1); }
  /** How far box a sticks out of box b on each side, as "right 12 px, bottom 3 px" (or ''). */
  function excess(a, b) {
    var parts = [];
    if (b.l - a.l > TOL) parts.push('left ' + px(b.l - a.l));
    if (a.r - b.r > TOL) parts.push('right ' + px(a.r - b.r));
    if (b.t - a.t > TOL) parts.push('top ' + px(b.t - a.t));
    if (a.b - b.b > TOL) parts.push('bottom ' + px(a.b - b.b));
    return parts.join(', ');
  }
  function sel(el) {
    var s = el.localName;
    if (el.id) s += '#' + el.id;
    var cls = Array.prototype.filter.call(el.classList, function (c) { return !/^svelte-/.test(c); }).slice(0, 3);
    for (var i = 0; i < cls.length; i++) s += '.' + cls[i];
    ['data-testid', 'data-panel'].forEach(function (a) { if (el.hasAttribute(a)) s += '[' + a + '=' + el.getAttribute(a) + ']'; });
    return s;
  }
  function inPanel(el) { var p = el.closest('[data-panel]'); return p && canvas.contains(p) ? 'in panel ' + p.getAttribute('data-panel') : 'outside panels'; }
  function where(el) { return '(' + sel(el) + ' ' + inPanel(el) + ')'; }
  function snippet(s) { s = s.replace(/\s+/g, ' ').trim(); return '"' + (s.length > 40 ? s.slice(0, 39) + '…' : s) + '"'; }
  function ownText(el) {
    var s = '';
    for (var n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 3) s += n.nodeValue;
    return s;
  }
  function cumOpacity(el) { var a = 1; for (var e = el; e; e = e.parentElement) a *= parseFloat(st(e).opacity); return a; }
  function isSvg(el) { return el instanceof SVGElement; }
  /** overflow clips on this axis value (hidden, clip, and also auto/scroll: content behind a scrollbar). */
  function clipsV(v) { return v !== 'visible'; }
  var SVG_CLIPPERS = { svg: 1, foreignObject: 1, image: 1, symbol: 1 };
  /** The box an element clips its content to, per axis (Infinity where it does not clip), or null. */
  function clipBox(a) {
    var cs = st(a);
    var cx = clipsV(cs.overflowX), cy = clipsV(cs.overflowY);
    if (!cx && !cy) return null;
    if (isSvg(a)) {
      if (!SVG_CLIPPERS[a.localName]) return null;
      var sr = rectOf(a);
      return { l: cx ? sr.l : -Infinity, r: cx ? sr.r : Infinity, t: cy ? sr.t : -Infinity, b: cy ? sr.b : Infinity, x: cx, y: cy };
    }
    if (cs.display === 'inline' || cs.display === 'contents') return null; // overflow does not apply
    var r = a.getBoundingClientRect();
    var l = r.left + a.clientLeft, t = r.top + a.clientTop;
    return { l: cx ? l : -Infinity, r: cx ? l + a.clientWidth : Infinity, t: cy ? t : -Infinity, b: cy ? t + a.clientHeight : Infinity, x: cx, y: cy };
  }

  var REPLACED = { img: 1, canvas: 1, video: 1, iframe: 1, input: 1, select: 1, textarea: 1, button: 1, hr: 1, object: 1, embed: 1 };
  var SVG_SHAPES = { path: 1, rect: 1, circle: 1, ellipse: 1, line: 1, polyline: 1, polygon: 1, image: 1, use: 1 };
  /** Whether the element's own box paints anything (text is judged separately, by its ink). */
  function paints(el) {
    if (isSvg(el)) return !!SVG_SHAPES[el.localName] || (el.localName === 'svg' && boxPaint(el));
    return !!REPLACED[el.localName] || boxPaint(el);
  }
  function boxPaint(el) {
    var cs = st(el);
    var bg = parseColor(cs.backgroundColor);
    if (bg && bg[3] > 0) return true;
    if (cs.backgroundImage && cs.backgroundImage !== 'none') return true;
    if (cs.boxShadow && cs.boxShadow !== 'none') return true;
    if (cs.outlineStyle && cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) return true;
    return ['Top', 'Right', 'Bottom', 'Left'].some(function (side) {
      var bc = parseColor(cs['border' + side + 'Color']);
      return cs['border' + side + 'Style'] !== 'none' && parseFloat(cs['border' + side + 'Width']) > 0 && (!bc || bc[3] > 0);
    });
  }

  // ---- colours -------------------------------------------------------------------------------
  var cv = document.createElement('canvas'); cv.width = 1; cv.height = 1;
  var ctx = cv.getContext('2d', { willReadFrequently: true });
  /** [r, g, b, a] with r, g, b, a in 0..1 (straight alpha), or null. */
  function parseColor(s) {
    if (!s) return null;
    s = String(s).trim();
    if (s === 'transparent') return [0, 0, 0, 0];
    var m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)\s*(?:[,\/]\s*([\d.]+)(%?)\s*)?\)$/.exec(s);
    if (m) return [m[1] / 255, m[2] / 255, m[3] / 255, m[4] === undefined ? 1 : parseFloat(m[4]) / (m[5] ? 100 : 1)];
    if (!CSS.supports('color', s)) return null;
    ctx.clearRect(0, 0, 1, 1); ctx.fillStyle = s; ctx.fillRect(0, 0, 1, 1);
    var d = ctx.getImageData(0, 0, 1, 1).data;
    return [d[0] / 255, d[1] / 255, d[2] / 255, d[3] / 255];
  }
  function pm(c) { return [c[0] * c[3], c[1] * c[3], c[2] * c[3], c[3]]; }
  function over(s, d) { var k = 1 - s[3]; return [s[0] + d[0] * k, s[1] + d[1] * k, s[2] + d[2] * k, s[3] + d[3] * k]; }
  function mul(c, f) { return [c[0] * f, c[1] * f, c[2] * f, c[3] * f]; }
  function unpm(c) { return c[3] > 0 ? [c[0] / c[3], c[1] / c[3], c[2] / c[3], c[3]] : [0, 0, 0, 0]; }
  function lum(c) {
    function f(v) { return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  }
  function ratio(a, b) { var x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); }
  function hex(c) { return '#' + [0, 1, 2].map(function (i) { return ('0' + Math.round(Math.min(1, Math.max(0, c[i])) * 255).toString(16)).slice(-2); }).join(''); }
  /** Top-level comma split (background-image layers, gradient arguments). */
  function splitTop(s) {
    var parts = [], depth = 0, cur = '';
    for (var i = 0; i < s.length; i++) {
      var ch = s[i];
      if (ch === '(') depth++;
      else if (ch === ')') depth--;
      if (ch === ',' && depth === 0) { parts.push(cur); cur = ''; } else cur += ch;
    }
    parts.push(cur);
    return parts;
  }
  var COLOR_RE = /(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\([^()]*\)|#[0-9a-fA-F]{3,8}\b|\btransparent\b/;
  function firstStop(layer) {
    var m = COLOR_RE.exec(layer);
    return m ? parseColor(m[0]) : null;
  }
  var UNKNOWN = { unknown: true };
  var bgCache = new Map();
  var warnedBg = new Set();
  /** The premultiplied colour an element paints behind its content, null for none, UNKNOWN for an image. */
  function bgLayer(el) {
    if (bgCache.has(el)) return bgCache.get(el);
    var res = null;
    var declared = el.getAttribute('data-bg');
    var cs = st(el);
    if (declared !== null) {
      var dc = parseColor(declared);
      if (dc) res = pm(dc);
      else { res = UNKNOWN; out.warnings.push('invalid data-bg="' + declared + '" on ' + sel(el)); }
    } else if (isSvg(el) && el.localName !== 'svg') {
      res = null; // CSS backgrounds do not paint on SVG content elements
    } else if (cs.backgroundClip === 'text' || cs.webkitBackgroundClip === 'text') {
      res = null; // the background paints the text, not a box (see textPaint)
    } else {
      var c = pm(parseColor(cs.backgroundColor) || [0, 0, 0, 0]);
      if (cs.backgroundImage && cs.backgroundImage !== 'none') {
        var layers = splitTop(cs.backgroundImage);
        for (var i = layers.length - 1; i >= 0; i--) {
          var L = layers[i].trim();
          var stop = /gradient\(/.test(L) ? firstStop(L) : null;
          if (!stop) { c = null; break; }
          c = over(pm(stop), c);
        }
        if (!c) {
          res = UNKNOWN;
          if (!warnedBg.has(el)) {
            warnedBg.add(el);
            out.warnings.push('unknown background on ' + sel(el) + ' (background-image: ' + cs.backgroundImage.slice(0, 60) + '): add data-bg="#rrggbb"; text over it is judged against what lies beneath');
          }
        }
      }
      if (res === null && c && c[3] > 0) res = c;
    }
    bgCache.set(el, res);
    return res;
  }
  var BASE = /dark/.test(st(de).colorScheme || '') && !/light/.test(st(de).colorScheme || '') ? [18 / 255, 18 / 255, 18 / 255, 1] : [1, 1, 1, 1];

  /** Pixel colour behind and under the text: the ancestors' backgrounds with group opacity, then the top layers. */
  function render(chain, top) {
    function paint(i, backdrop) {
      if (i === chain.length) { var c = backdrop; for (var k = 0; k < top.length; k++) c = over(top[k], c); return c; }
      var n = chain[i];
      if (n.op < 1) return over(mul(inner(i, [0, 0, 0, 0]), n.op), backdrop);
      return inner(i, backdrop);
    }
    function inner(i, b) { var n = chain[i]; return paint(i + 1, n.bg ? over(n.bg, b) : b); }
    return paint(0, BASE);
  }

  function fontPx(el) {
    var f = parseFloat(st(el).fontSize);
    if (isSvg(el)) {
      var m = el.getScreenCTM && el.getScreenCTM();
      return m ? f * Math.hypot(m.c, m.d) : f;
    }
    return f * cssScale(el);
  }
  /** Vertical scale from CSS transform and scale on the element and its ancestors (1 when none). */
  function cssScale(el) {
    var s = 1;
    for (var e = el; e && e !== de; e = e.parentElement) {
      var cs = st(e);
      if (cs.transform && cs.transform !== 'none') {
        try { var m = new DOMMatrixReadOnly(cs.transform); s *= Math.hypot(m.m21, m.m22); } catch (err) { /* unparsable: ignore */ }
      }
      if (cs.scale && cs.scale !== 'none') {
        var sc = cs.scale.split(/\s+/).map(parseFloat);
        s *= sc.length > 1 ? sc[1] : sc[0];
      }
    }
    return s;
  }
  /**
   * The text's box with its vertical extent narrowed to the glyphs' ink: layout boxes span the
   * font's ascent + descent, which tight line-heights and chart edges cut harmlessly. Measured on a
   * 2D canvas with the element's font; the box's first line starts at baseline - font ascent.
   */
  function inkBox(t) {
    var el = t.el, cs = st(el);
    var size = fontPx(el);
    ctx.font = cs.fontStyle + ' ' + cs.fontWeight + ' ' + size + 'px ' + cs.fontFamily;
    var m = ctx.measureText(t.text.replace(/\s+/g, ' ').trim());
    if (!(m.fontBoundingBoxAscent > 0)) return t.box;
    var top = t.box.t + m.fontBoundingBoxAscent - m.actualBoundingBoxAscent;
    var bottom = t.box.b - m.fontBoundingBoxDescent + m.actualBoundingBoxDescent;
    if (!(bottom > top)) return t.box;
    return { l: t.box.l, r: t.box.r, t: top, b: bottom };
  }
  function svgScale(el) { var m = el.getScreenCTM && el.getScreenCTM(); return m ? Math.hypot(m.c, m.d) : 1; }

  // ---- the canvas ----------------------------------------------------------------------------
  var C = rectOf(canvas);
  var CH = h(C);
  stats.canvas = { w: Math.round(w(C) * 100) / 100, h: Math.round(CH * 100) / 100 };
  if (Math.abs(w(C) - CH * 16 / 9) > TOL) out.inside.push('canvas ' + f1(w(C)) + '×' + f1(CH) + ' is not 16:9');
  var vpx = excess(C, { l: 0, t: 0, r: vw, b: vh });
  if (vpx) out.inside.push('canvas ' + sel(canvas) + ' extends past the viewport: ' + vpx);

  // ---- 1. inside / 2. overlap ----------------------------------------------------------------
  var panels = Array.prototype.filter.call(document.querySelectorAll('[data-panel]'), function (p) {
    var r = rectOf(p);
    return w(r) > 0 && h(r) > 0 && st(p).visibility === 'visible';
  });
  stats.panels = panels.map(function (p) { return p.getAttribute('data-panel'); });
  function pname(p) { return 'panel "' + p.getAttribute('data-panel') + '" (' + sel(p) + ')'; }
  var flagged = new Map(); // element reported past the canvas -> count of suppressed descendants
  panels.forEach(function (p) {
    if (!canvas.contains(p)) { out.inside.push(pname(p) + ' is not inside the canvas element'); return; }
    var x = excess(rectOf(p), C);
    if (x) { out.inside.push(pname(p) + ' extends past the canvas: ' + x); flagged.set(p, 0); }
  });
  var all = canvas.querySelectorAll('*');

  // ---- text-bearing elements -------------------------------------------------------------------
  var SKIP = { script: 1, style: 1, title: 1, desc: 1, metadata: 1, noscript: 1, template: 1 };
  var texts = [];
  var textOf = new Map();
  var candidates = [canvas].concat(Array.prototype.slice.call(all));
  for (var j = 0; j < candidates.length; j++) {
    var e1 = candidates[j];
    if (SKIP[e1.localName] || e1.closest('defs, template, noscript')) continue;
    var nodes = [];
    for (var n = e1.firstChild; n; n = n.nextSibling) if (n.nodeType === 3 && n.nodeValue.trim()) nodes.push(n);
    if (!nodes.length) continue;
    var tb = null;
    if (isSvg(e1)) tb = rectOf(e1);
    else nodes.forEach(function (tn) {
      var rg = document.createRange(); rg.selectNodeContents(tn);
      var rb = box(rg.getBoundingClientRect());
      if (w(rb) > 0 && h(rb) > 0) tb = union(tb, rb);
    });
    if (!tb || !(w(tb) > 0 && h(tb) > 0) || (w(tb) <= 1 && h(tb) <= 1)) continue;
    var cs1 = st(e1);
    if (cs1.visibility !== 'visible' || cumOpacity(e1) <= 0) continue;
    var entry = { el: e1, box: tb, text: nodes.map(function (q) { return q.nodeValue; }).join(' ') };
    entry.ink = inkBox(entry);
    texts.push(entry);
    textOf.set(e1, entry);
  }
  stats.textElements = texts.length;

  // Only what paints counts: a box with a background, border, shadow or outline, a replaced
  // element or an SVG shape, and text by its ink. Boxes that paint nothing are not seen.
  var insideMsgs = [];
  for (var i = 0; i < all.length; i++) {
    var el = all[i];
    var skip = null;
    for (var a = el.parentElement; a && a !== canvas; a = a.parentElement) if (flagged.has(a)) { skip = a; break; }
    if (skip) { flagged.set(skip, flagged.get(skip) + 1); continue; }
    if (flagged.has(el)) continue;
    var tinfo = textOf.get(el);
    var painted = paints(el);
    if (!painted && !tinfo) continue;
    var r = painted ? rectOf(el) : null;
    if (tinfo) { var own = clipBox(el); r = union(r, own ? inter(tinfo.ink, own) : tinfo.ink); }
    if (!(w(r) > 0 && h(r) > 0)) continue;
    var cs = st(el);
    if (cs.visibility !== 'visible' || cumOpacity(el) <= 0) continue;
    for (var a2 = el.parentElement; a2 && a2 !== canvas; a2 = a2.parentElement) {
      var cb = clipBox(a2);
      if (cb) r = inter(r, cb);
    }
    if (!(w(r) > 0 && h(r) > 0)) continue;
    var x2 = excess(r, C);
    if (x2) {
      flagged.set(el, 0);
      var t = ownText(el).trim();
      insideMsgs.push({ el: el, msg: sel(el) + (t ? ' ' + snippet(t) : '') + ' (' + inPanel(el) + ') extends past the canvas: ' + x2 });
    }
  }
  insideMsgs.forEach(function (m) { var n = flagged.get(m.el); out.inside.push(m.msg + (n ? ' (and ' + n + ' descendants)' : '')); });

  for (var p1 = 0; p1 < panels.length; p1++) {
    for (var p2 = p1 + 1; p2 < panels.length; p2++) {
      var A = panels[p1], B = panels[p2];
      if (A.contains(B) || B.contains(A)) continue;
      var I = inter(rectOf(A), rectOf(B));
      if (w(I) > TOL && h(I) > TOL) out.overlap.push(pname(A) + ' overlaps ' + pname(B) + ' by ' + Math.round(w(I)) + '×' + Math.round(h(I)) + ' px');
    }
  }


  // ---- 3. clipping ---------------------------------------------------------------------------
  texts.forEach(function (t) {
    var el = t.el;
    var P = el.closest('[data-panel]');
    if (P && !canvas.contains(P)) P = null;
    var host = P || canvas;
    var label = 'text ' + snippet(t.text) + ' ' + where(el);
    var clampHost = null;
    for (var a = el; a && a !== host; a = a.parentElement) if (a.hasAttribute('data-clamp')) clampHost = a;
    var ink = t.ink;
    if (P) {
      var b;
      if (clampHost) b = rectOf(clampHost);
      else {
        var ownClip = clipBox(el);
        b = ownClip ? inter(ink, ownClip) : ink;
        if (!isSvg(el) && st(el).display !== 'contents') b = union(b, rectOf(el));
      }
      // What an element between it and the panel cuts off is reported below as clipping, not here.
      for (var a1 = (clampHost || el).parentElement; a1 && a1 !== P; a1 = a1.parentElement) {
        var cb1 = clipBox(a1);
        if (cb1) b = inter(b, cb1);
      }
      var x = excess(b, rectOf(P));
      if (x) out.clipping.push((clampHost && clampHost !== el ? 'data-clamp ' + sel(clampHost) + ' holding ' : '') + label + ' sticks out of ' + pname(P) + ': ' + x);
    }
    if (clampHost) return;
    for (var c = el; c && c !== host; c = c.parentElement) {
      var cb = clipBox(c);
      if (!cb) continue;
      var cs = st(c);
      var how = 'overflow ' + (cs.overflowX === cs.overflowY ? cs.overflowX : cs.overflowX + '/' + cs.overflowY);
      if (cs.webkitLineClamp && cs.webkitLineClamp !== 'none') how += ', line-clamp ' + cs.webkitLineClamp;
      // Its own text against its own padding box too (text-overflow, line clamps): geometric, on
      // the ink vertically, so a line box merely shorter than the font's ascent + descent passes.
      var dx = Math.max(0, cb.l - ink.l) + Math.max(0, ink.r - cb.r);
      var dy = Math.max(0, cb.t - ink.t) + Math.max(0, ink.b - cb.b);
      if (dx > TOL || dy > TOL) {
        var amt = [];
        if (dx > TOL) amt.push(px(dx) + ' horizontally');
        if (dy > TOL) amt.push(px(dy) + ' vertically');
        if (dx > TOL && cs.textOverflow && cs.textOverflow !== 'clip') how = 'text-overflow ' + cs.textOverflow + ', ' + how;
        var hint = '; mark data-clamp if intended';
        var fs = parseFloat(st(el).fontSize), lh = parseFloat(st(el).lineHeight);
        if (dx <= TOL && h(t.box) < 1.9 * fs && lh > 0 && lh < h(t.box) - TOL) {
          // One line whose line box is shorter than the font's ascent + descent: the overflow is the
          // font's content area; tall glyphs and descenders are at risk, plain digits usually are not.
          hint = '; one line with line-height ' + px(lh) + ' < font height ' + px(h(t.box)) + ': raise line-height or clip only x (overflow-x: clip)';
        }
        out.clipping.push(label + ' is clipped by ' + (c === el ? 'itself' : sel(c)) + ' (' + how + '): ' + amt.join(', ') + ' cut' + hint);
        break;
      }
    }
  });

  // ---- 4. font / 5. primary ------------------------------------------------------------------
  var minFont = opts.minFontRatio * CH;
  var minPrim = opts.minPrimaryRatio * CH;
  var smallest = Infinity;
  var sizes = new Map();
  texts.forEach(function (t) {
    var f = fontPx(t.el);
    sizes.set(t.el, f);
    if (t.el.closest('[data-chart]')) return;
    if (f < smallest) smallest = f;
    if (f < minFont - 0.05) out.font.push('font ' + f1(f) + 'px < ' + f1(minFont) + 'px: ' + snippet(t.text) + ' ' + where(t.el));
  });
  stats.minFontPx = smallest === Infinity ? 0 : Math.round(smallest * 10) / 10;
  var prims = Array.prototype.filter.call(canvas.querySelectorAll('[data-primary]'), function (p) {
    var r = rectOf(p);
    return w(r) > 0 && h(r) > 0 && st(p).visibility === 'visible' && cumOpacity(p) > 0;
  });
  prims.forEach(function (p) {
    var best = 0;
    texts.forEach(function (t) { if (p.contains(t.el)) best = Math.max(best, sizes.get(t.el)); });
    if (!best) best = fontPx(p);
    if (best < minPrim - 0.05) out.primary.push('primary font ' + f1(best) + 'px < ' + f1(minPrim) + 'px: ' + snippet(p.textContent || '') + ' ' + where(p));
  });
  if (prims.length < opts.minPrimary) out.primary.push('found ' + prims.length + ' visible [data-primary] element(s), expected at least ' + opts.minPrimary);

  // ---- 6. contrast ---------------------------------------------------------------------------
  var lowest = Infinity;
  var unhaloed = new Map();
  texts.forEach(function (t) {
    var el = t.el;
    if (el.closest('[data-contrast-skip]')) return;
    var cs = st(el);
    var chain = [];
    var anc = [];
    for (var e = el; e; e = e.parentElement) anc.unshift(e);
    var clipText = null;
    for (var k = 0; k < anc.length; k++) {
      var ak = anc[k], as = st(ak);
      if (as.backgroundClip === 'text' || as.webkitBackgroundClip === 'text') clipText = ak;
      var bg = bgLayer(ak);
      chain.push({ bg: bg === UNKNOWN ? null : bg, op: parseFloat(as.opacity) });
    }
    var color;
    var svg = isSvg(el);
    if (svg) {
      if (cs.fill === 'none') return;
      color = parseColor(cs.fill);
      if (!color) { out.warnings.push('unknown text fill ' + cs.fill + ' for ' + snippet(t.text) + ' ' + where(el) + ': contrast not checked'); return; }
      color = color.slice(); color[3] *= parseFloat(cs.fillOpacity);
    } else {
      color = parseColor(cs.color);
      if (color && color[3] === 0 && clipText) {
        // background-clip: text paints the text with the background: judge its first colour stop.
        var cst = st(clipText);
        var cc = pm(parseColor(cst.backgroundColor) || [0, 0, 0, 0]);
        var layers = cst.backgroundImage && cst.backgroundImage !== 'none' ? splitTop(cst.backgroundImage) : [];
        for (var li = layers.length - 1; li >= 0; li--) {
          var stop = firstStop(layers[li]);
          if (stop) cc = over(pm(stop), cc);
        }
        color = unpm(cc);
      }
      if (!color) { out.warnings.push('unknown text colour ' + cs.color + ' for ' + snippet(t.text) + ' ' + where(el) + ': contrast not checked'); return; }
    }
    var top = [];
    if (svg) {
      var order = (cs.paintOrder || 'normal') === 'normal' ? ['fill', 'stroke', 'markers'] : cs.paintOrder.split(/\s+/);
      ['fill', 'stroke', 'markers'].forEach(function (q) { if (order.indexOf(q) < 0) order.push(q); });
      var stroke = cs.stroke !== 'none' ? parseColor(cs.stroke) : null;
      var sw = parseFloat(cs.strokeWidth) * svgScale(el);
      if (stroke && order.indexOf('stroke') < order.indexOf('fill') && sw >= opts.haloMinPx) {
        stroke = stroke.slice(); stroke[3] *= parseFloat(cs.strokeOpacity);
        top.push(pm(stroke));
      } else {
        var root = el.ownerSVGElement || el;
        var hasBg = false;
        for (var g = el; g && g !== root.parentElement; g = g.parentElement) if (g.hasAttribute('data-bg')) { hasBg = true; break; }
        if (!hasBg) unhaloed.set(root, (unhaloed.get(root) || 0) + 1);
      }
    }
    var back = render(chain, top);
    var front = render(chain, top.concat([pm(color)]));
    var fr = unpm(front), bk = unpm(back);
    var rt = ratio(fr, bk);
    if (rt < lowest) lowest = rt;
    if (rt < opts.minContrast) out.contrast.push('contrast ' + (Math.floor(rt * 100) / 100).toFixed(2) + ':1 < ' + opts.minContrast + ':1: ' + snippet(t.text) + ' ' + where(el) + ' — ' + hex(fr) + ' on ' + hex(bk));
  });
  unhaloed.forEach(function (count, root) {
    out.warnings.push(count + ' SVG text element(s) in ' + where(root) + ' without a paint-order: stroke halo (≥ ' + opts.haloMinPx + ' px) or data-bg: judged against the HTML background behind the SVG, not the shapes under them');
  });
  stats.minContrast = lowest === Infinity ? 0 : Math.round(lowest * 100) / 100;
  return out;
})
`;

/** Runs every check in the page once and returns the violations (see the conventions above). */
export async function checkWall(page: Page, opts: WallCheckOptions = {}): Promise<WallReport> {
  const o = { ...DEFAULTS, ...opts };
  return (await page.evaluate(`${PAGE_CHECK}(${JSON.stringify(o)})`)) as WallReport;
}

/** Asserts each category is empty; soft, so a single run prints every category's list. */
export function expectWallClean(report: WallReport): void {
  for (const k of WALL_CATEGORIES) expect.soft(report[k], `wall ${k} violations`).toEqual([]);
}

/** One line for logs. */
export function formatWallStats(s: WallStats): string {
  return `canvas ${s.canvas.w}×${s.canvas.h} (viewport ${s.viewport.w}×${s.viewport.h}@${s.viewport.dpr}), ${s.panels.length} panels [${s.panels.join(', ')}], ${s.textElements} text elements, min font ${s.minFontPx}px, min contrast ${s.minContrast}:1`;
}
