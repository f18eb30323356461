/**
 * Where the text on the region map goes: alert tags and region names, placed on their region's
 * anchor or beside, below or above it when that spot collides with text already placed; text that
 * fits nowhere is left out. Pure (no DOM, no Svelte): RegionMap.svelte projects the regions,
 * measures its box and renders what this returns.
 */

/** A region as projected into the map's box (SVG px). */
export interface Anchor {
  x: number;
  y: number;
  /** Larger side of the region's projected bounding box, px: small regions get their text beside them. */
  extent: number;
}

/** One piece of text to place. */
export interface MapText {
  key: string;
  kind: 'label' | 'tag';
  /** A tag's alert severity (its colour). */
  severity?: string;
  text: string;
  /** Box width in em (a tag's includes its warning sign). */
  width: number;
}

export interface LabelRequest extends MapText {
  anchor: Anchor;
  /** Vertical offset from the anchor, px (a labelled region with a tag: name above, tag below). */
  dy: number;
}

export interface PlacedLabel extends MapText {
  /** Centre of the text box, px. */
  x: number;
  y: number;
  /** Set when the text sits beside a small region: a dot marks the region. */
  dot?: { x: number; y: number };
}

/** The map's box in px and the label font size in px. */
export interface LabelBounds {
  w: number;
  h: number;
  em: number;
}

/** Step between stacked lines, in em. */
export const LINE_EM = 1.15;
/** Height a line takes for collisions, in em: the glyphs; halos may touch. */
const BOX_EM = 0.98;

/** Rough text width in em of the label font: CJK full width, capitals and digits wider than the rest. */
export function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += ch.charCodeAt(0) >= 0x2e80 ? 1 : /[A-Z0-9]/.test(ch) ? 0.68 : 0.56;
  return w;
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * Places `requests` in order (earlier ones win a contested spot). Each goes on its anchor or, when
 * that collides, beside, below or above it (kept inside the box); a text that fits nowhere is left
 * out. Text for a region too small to carry it (Shanghai, Beijing, Hong Kong at panel sizes) goes
 * beside it first, with a dot on the region.
 */
export function placeLabels(requests: readonly LabelRequest[], { w, h, em }: LabelBounds): PlacedLabel[] {
  const out: PlacedLabel[] = [];
  const boxes: Box[] = [];
  const lineH = em * LINE_EM;
  const boxH = em * BOX_EM;
  for (const { anchor: r, dy: dyAnchor, ...text } of requests) {
    const half = (text.width * em) / 2 + em * 0.1;
    const side = half + em * 0.45;
    const small = r.extent < em * 1.5;
    const tries: [number, number][] = small
      ? [
          [side, 0],
          [-side, 0],
          [0, lineH],
          [0, -lineH],
          [side, lineH],
          [side, -lineH],
          [-side, lineH],
          [-side, -lineH],
          [side, 2 * lineH],
          [side, -2 * lineH],
        ]
      : [
          [0, 0],
          [side, 0],
          [0, lineH],
          [0, -lineH],
          [-side, 0],
          [0, 2 * lineH],
          [0, -2 * lineH],
        ];
    for (const [dx, dy] of tries) {
      const x = Math.min(Math.max(r.x + dx, half + 2), w - half - 2);
      const y = Math.min(Math.max(r.y + dyAnchor + dy, boxH / 2), h - boxH / 2);
      const b = { x0: x - half, x1: x + half, y0: y - boxH / 2, y1: y + boxH / 2 };
      if (boxes.some((o) => b.x0 < o.x1 && o.x0 < b.x1 && b.y0 < o.y1 && o.y0 < b.y1)) continue;
      boxes.push(b);
      out.push({ ...text, x, y, ...(small ? { dot: { x: r.x, y: r.y } } : {}) });
      break;
    }
  }
  return out;
}

/** An alerted region: its most severe alert and how many more it has. */
export interface RegionAlert {
  id: string;
  severity: string;
  kind: string;
  more: number;
}

/**
 * What to write on the map, most important first: alert tags (most severe first; `info` alerts get
 * no tag), then the names of `labelled` regions in their order. A region with both carries its name
 * above the anchor and its tag below it. `alertsBySeverity` is ordered least severe first.
 */
export function mapTexts(o: {
  alertsBySeverity: readonly RegionAlert[];
  labelled: ReadonlySet<string>;
  region: (id: string) => Anchor & { name: string };
  kindText: (kind: string) => string;
  em: number;
}): LabelRequest[] {
  const lineH = o.em * LINE_EM;
  const out: LabelRequest[] = [];
  const tagged = new Set<string>();
  for (const a of [...o.alertsBySeverity].reverse()) {
    if (a.severity === 'info') continue;
    const text = o.kindText(a.kind) + (a.more > 0 ? ` +${a.more}` : '');
    tagged.add(a.id);
    out.push({
      key: `tag:${a.id}`,
      kind: 'tag',
      severity: a.severity,
      text,
      width: 1.15 + textWidth(text),
      anchor: o.region(a.id),
      dy: o.labelled.has(a.id) ? lineH / 2 : 0,
    });
  }
  for (const id of o.labelled) {
    const r = o.region(id);
    out.push({ key: `label:${id}`, kind: 'label', text: r.name, width: textWidth(r.name), anchor: r, dy: tagged.has(id) ? -lineH / 2 : 0 });
  }
  return out;
}
