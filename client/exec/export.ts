/**
 * Exports of the executive view, no libraries: a PNG composed on a canvas from the headline figures
 * and the charts' own canvases (uPlot draws into `u.ctx.canvas`), and downloads through an
 * `<a download>` with an object URL.
 */

export interface PngFigure {
  label: string;
  value: string;
  color?: string;
}

export interface PngChart {
  title: string;
  /** A line of values under the title (the chart's readout). */
  note?: string;
  canvas: HTMLCanvasElement;
}

export interface PngInput {
  title: string;
  subtitle: string;
  /** Bottom-right line (filter, export time). */
  footer: string;
  figures: PngFigure[];
  charts: PngChart[];
}

const FONT = "'Noto Sans SC', 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', system-ui, sans-serif";
const BG = '#0a0f1e';
const PANEL = '#16223c';
const TEXT = '#f4f7ff';
const MUTED = '#b8c4dc';

function roundRect(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  ctx.roundRect(x, y, w, h, r);
  ctx.fill();
}

/** Text shrunk until it fits `maxW`. */
function fitText(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, maxW: number, weight: number, size: number): void {
  let s = size;
  ctx.font = `${weight} ${s}px ${FONT}`;
  while (s > 10 && ctx.measureText(text).width > maxW) {
    s -= 1;
    ctx.font = `${weight} ${s}px ${FONT}`;
  }
  ctx.fillText(text, x, y);
}

/** CSS px width of the exported image; charts are drawn for {@link PNG_CHART_WIDTH} inside it. */
export const PNG_WIDTH = 1600;
export const PNG_CHART_WIDTH = PNG_WIDTH - 2 * 40 - 40;

/** Loads the font slices the text needs: canvas text does not fetch a unicode-range slice by itself. */
async function loadFonts(texts: string[]): Promise<void> {
  if (typeof document === 'undefined' || !document.fonts) return;
  const text = [...new Set(texts.join(''))].join('');
  try {
    await Promise.all([document.fonts.load(`400 20px 'Noto Sans SC'`, text), document.fonts.load(`700 20px 'Noto Sans SC'`, text)]);
  } catch {
    // A missing slice only falls back to a system font.
  }
}

/**
 * Composes the PNG: {@link PNG_WIDTH} CSS px wide at `scale` (the screen's pixel ratio, 1–2), the
 * headline figures on top, each chart below at its aspect ratio.
 */
export async function composePng(
  input: PngInput,
  scale = Math.min(2, Math.max(1, typeof devicePixelRatio === 'number' ? devicePixelRatio : 1)),
): Promise<Blob> {
  await loadFonts([
    input.title,
    input.subtitle,
    input.footer,
    ...input.figures.flatMap((f) => [f.label, f.value]),
    ...input.charts.flatMap((c) => [c.title, c.note ?? '']),
  ]);
  const W = PNG_WIDTH;
  const pad = 40;
  const inner = W - 2 * pad;
  const chartBoxes = input.charts.map((c) => {
    const aspect = c.canvas.height / Math.max(1, c.canvas.width);
    const h = Math.round(Math.min(640, Math.max(260, (inner - 40) * aspect)));
    return { c, h };
  });
  const headerH = 120;
  const figH = 120;
  const chartsH = chartBoxes.reduce((s, b) => s + b.h + 96, 0);
  const H = headerH + figH + 24 + chartsH + 60;

  const canvas = document.createElement('canvas');
  canvas.width = W * scale;
  canvas.height = H * scale;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2d context');
  ctx.scale(scale, scale);
  const g = ctx.createRadialGradient(W * 0.3, H * 0.15, 0, W * 0.3, H * 0.15, W);
  g.addColorStop(0, '#14213d');
  g.addColorStop(0.6, BG);
  g.addColorStop(1, '#05070d');
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, W, H);
  ctx.textBaseline = 'alphabetic';

  ctx.fillStyle = TEXT;
  fitText(ctx, input.title, pad, 64, inner * 0.7, 700, 40);
  ctx.fillStyle = MUTED;
  ctx.font = `400 22px ${FONT}`;
  ctx.fillText(input.subtitle, pad, 100);

  // Figures in equal tiles.
  const n = Math.max(1, input.figures.length);
  const gap = 16;
  const tileW = (inner - gap * (n - 1)) / n;
  input.figures.forEach((f, i) => {
    const x = pad + i * (tileW + gap);
    const y = headerH;
    ctx.fillStyle = PANEL;
    roundRect(ctx, x, y, tileW, figH, 14);
    ctx.fillStyle = MUTED;
    ctx.font = `400 20px ${FONT}`;
    ctx.fillText(f.label, x + 18, y + 36);
    ctx.fillStyle = f.color ?? TEXT;
    fitText(ctx, f.value, x + 18, y + 90, tileW - 36, 700, i === 0 ? 44 : 38);
  });

  let y = headerH + figH + 24;
  for (const { c, h } of chartBoxes) {
    ctx.fillStyle = PANEL;
    roundRect(ctx, pad, y, inner, h + 80, 14);
    ctx.fillStyle = MUTED;
    ctx.font = `700 22px ${FONT}`;
    ctx.fillText(c.title, pad + 20, y + 34);
    if (c.note) {
      ctx.fillStyle = TEXT;
      ctx.font = `400 18px ${FONT}`;
      ctx.fillText(c.note, pad + 20, y + 62);
    }
    // The chart's canvas at its aspect ratio, centred in the box.
    const aspect = c.canvas.width / Math.max(1, c.canvas.height);
    const bw = inner - 40;
    const bh = h;
    let dw = bw;
    let dh = dw / aspect;
    if (dh > bh) {
      dh = bh;
      dw = dh * aspect;
    }
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(c.canvas, pad + 20 + (bw - dw) / 2, y + 72 + (bh - dh) / 2, dw, dh);
    y += h + 96;
  }

  ctx.fillStyle = MUTED;
  ctx.font = `400 18px ${FONT}`;
  ctx.textAlign = 'right';
  ctx.fillText(input.footer, W - pad, H - 24);
  ctx.textAlign = 'left';
  ctx.fillText('warroom', pad, H - 24);

  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob failed'))), 'image/png'));
}

/** Saves `blob` as `name` through a temporary `<a download>`. */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
