/** The wall checker itself, against small synthetic pages: each check catches its fault and passes clean cases. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { checkWall, expectWallClean, type WallReport } from '../support/wall-checks';
import { SHIPPED_FAMILY, shippedFontCss, shippedFontReady } from '../support/shipped-font';

let browser: Browser;
let ctx: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 });
  page = await ctx.newPage();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  await page.setViewportSize({ width: 1920, height: 1080 });
});

const GRADIENT = 'radial-gradient(ellipse at 30% 20%, #14213d 0%, #0a0f1e 60%, #05070d 100%)';

/**
 * A 1920×1080 canvas like the wall's (design px × --u), with whatever panels the test puts in, in
 * the wall's shipped font (never an installed one: the figures below must hold on any machine).
 */
async function show(canvasContent: string, opts: { css?: string; outside?: string; canvasBg?: string } = {}): Promise<void> {
  await page.setContent(`<!doctype html><html><head><style>
    ${shippedFontCss(canvasContent + (opts.outside ?? ''))}
    html, body { margin: 0; background: #000; font-family: '${SHIPPED_FAMILY}'; }
    .canvas {
      --u: calc(100cqh / 1080);
      position: relative; container-type: size; overflow: hidden;
      width: min(100vw, calc(100vh * 16 / 9)); height: min(100vh, calc(100vw * 9 / 16));
      background: ${opts.canvasBg ?? GRADIENT}; color: #f4f7ff;
    }
    .panel {
      position: absolute; box-sizing: border-box; overflow: hidden;
      background: rgba(22, 34, 60, 0.82); border-radius: calc(14 * var(--u)); padding: calc(18 * var(--u)) calc(26 * var(--u));
    }
    .label { font-size: calc(30 * var(--u)); color: #b8c4dc; margin: 0; }
    .big { font-size: calc(120 * var(--u)); font-weight: 700; color: #ffd24a; line-height: 1.1; white-space: nowrap; }
    ${opts.css ?? ''}
  </style></head><body><div class="canvas" data-testid="canvas">${canvasContent}</div>${opts.outside ?? ''}</body></html>`);
  await shippedFontReady(page);
}

/** Two clean panels: a GMV hero and a rate panel with a chart whose own tiny text is exempt. */
const GMV = `<section class="panel" data-panel="gmv" style="left:40px; top:40px; width:900px; height:400px">
  <h2 class="label">GMV</h2><div class="big" data-primary data-testid="gmv">¥1,234,567.89</div>
</section>`;
const RATE = `<section class="panel" data-panel="rate" style="left:980px; top:40px; width:900px; height:400px">
  <h2 class="label">Orders per second</h2><div data-chart style="height:200px"><span style="font-size:12px">12:00</span></div>
</section>`;

function clean(r: WallReport, except: keyof WallReport): void {
  for (const k of ['inside', 'overlap', 'clipping', 'font', 'primary', 'contrast'] as const) if (k !== except) expect(r[k], k).toEqual([]);
}

describe('checkWall on synthetic pages', () => {
  it('passes a clean wall and reports stats', async () => {
    await show(GMV + RATE);
    const r = await checkWall(page);
    expectWallClean(r);
    expect(r.warnings).toEqual([]);
    expect(r.stats.panels).toEqual(['gmv', 'rate']);
    expect(r.stats.canvas).toEqual({ w: 1920, h: 1080 });
    expect(r.stats.textElements).toBe(4);
    expect(r.stats.minFontPx).toBe(30); // the 12 px chart label is exempt from the font check
    expect(r.stats.minContrast).toBeGreaterThanOrEqual(7);
  });

  it('reports two overlapping panels with the size of the overlap, but not a nested panel', async () => {
    await show(`${GMV}
      <section class="panel" data-panel="rate" style="left:928px; top:400px; width:900px; height:300px"><h2 class="label">Rate</h2>
        <div class="panel" data-panel="rate-inner" style="left:10px; top:60px; width:200px; height:100px"><p class="label">inner</p></div>
      </section>`);
    const r = await checkWall(page);
    expect(r.overlap).toEqual([
      'panel "gmv" (section.panel[data-panel=gmv]) overlaps panel "rate" (section.panel[data-panel=rate]) by 12×40 px',
    ]);
    clean(r, 'overlap');
  });

  it('reports a panel past the canvas once, and a loose element past it, but not content clipped inside a panel', async () => {
    await show(`${GMV}
      <section class="panel" data-panel="ops" style="left:1850px; top:900px; width:100px; height:100px; overflow:visible"><p class="label">x</p></section>
      <div class="label" style="position:absolute; left:40px; top:1060px">footer note</div>
      <div class="tall" style="position:absolute; left:1000px; top:500px; height:800px"><p class="label" style="margin:0">an empty box sticking out paints nothing</p></div>`);
    const r = await checkWall(page);
    expect(r.inside).toEqual([
      'panel "ops" (section.panel[data-panel=ops]) extends past the canvas: right 30 px',
      expect.stringMatching(/^div\.label "footer note" \(outside panels\) extends past the canvas: bottom \d+ px$/),
    ]);
    // Content hidden by the panel's own overflow is a clipping problem, not an inside one.
    await show(`${GMV}<section class="panel" data-panel="list" style="left:40px; top:900px; width:900px; height:150px">
      <p class="label">one</p><p class="label">two</p><p class="label">three</p><p class="label">four</p><p class="label">five</p></section>`);
    const r2 = await checkWall(page);
    expect(r2.inside).toEqual([]);
    expect(r2.clipping.length).toBeGreaterThan(0);
  });

  it('reports a 16 px label with its size, the threshold, its text and its place', async () => {
    await show(GMV.replace('</section>', '<span class="tiny" style="font-size:16px">tiny label</span></section>'));
    const r = await checkWall(page);
    expect(r.font).toEqual(['font 16.0px < 23.8px: "tiny label" (span.tiny in panel gmv)']);
    clean(r, 'font');
  });

  it('folds CSS transforms into the font size (a translate does not shrink text, a scale does)', async () => {
    await show(
      GMV.replace(
        '</section>',
        `<div style="transform:translateY(3.3px) rotate(0.001deg)"><span class="moved" style="font-size:24px">moved</span></div>
      <div style="transform:scale(0.5); transform-origin:0 0"><span class="halved" style="font-size:40px">halved</span></div></section>`,
      ),
    );
    expect((await checkWall(page)).font).toEqual(['font 20.0px < 23.8px: "halved" (span.halved in panel gmv)']);
  });

  it('scales the thresholds with the canvas (1280×720)', async () => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await show(
      GMV.replace(
        '</section>',
        '<span class="ok" style="font-size:calc(24 * var(--u))">ok</span><span class="small" style="font-size:calc(20 * var(--u))">small</span></section>',
      ),
      {
        css: '.panel { left: calc(40 * var(--u)) !important; top: calc(40 * var(--u)) !important; width: calc(900 * var(--u)) !important; height: calc(400 * var(--u)) !important; }',
      },
    );
    const r = await checkWall(page);
    expect(r.stats.canvas).toEqual({ w: 1280, h: 720 });
    expect(r.font).toEqual(['font 13.3px < 15.8px: "small" (span.small in panel gmv)']);
    clean(r, 'font');
  });

  it('reports clipped text that is not marked data-clamp: overflow, ellipsis, line clamp, an ancestor, outside the panel', async () => {
    const long = 'Typhoon warning: coastal roads closed from Shenzhen to Shantou until further notice';
    await show(`<section class="panel" data-panel="alerts" style="left:40px; top:40px; width:900px; height:600px">
      <div class="label a" style="width:300px; overflow:hidden; white-space:nowrap">${long}</div>
      <div class="label b" style="width:300px; overflow:hidden; white-space:nowrap; text-overflow:ellipsis">${long}</div>
      <div class="label c" style="width:300px; overflow:hidden; display:-webkit-box; -webkit-line-clamp:2; -webkit-box-orient:vertical">${long}</div>
      <div class="box" style="width:300px; overflow:hidden"><span class="label d" style="white-space:nowrap">${long}</span></div>
      <div class="label f" style="line-height:0.6; overflow:hidden; white-space:nowrap; text-overflow:ellipsis">Typing</div>
      <div class="label g" style="line-height:1; overflow:hidden; white-space:nowrap; text-overflow:ellipsis">400</div>
    </section>
    <section class="panel" data-panel="rank" style="left:980px; top:40px; width:400px; height:300px; overflow:visible">
      <div class="label e" style="white-space:nowrap">${long}</div>
    </section>`);
    const r = await checkWall(page, { minPrimary: 0 });
    expect(r.clipping).toEqual([
      expect.stringMatching(
        /^text "Typhoon warning: coastal roads closed f…" \(div\.label\.a in panel alerts\) is clipped by itself \(overflow hidden\): \d+ px horizontally cut; mark data-clamp if intended$/,
      ),
      expect.stringMatching(
        /\(div\.label\.b in panel alerts\) is clipped by itself \(text-overflow ellipsis, overflow hidden\): \d+ px horizontally cut/,
      ),
      expect.stringMatching(
        /\(div\.label\.c in panel alerts\) is clipped by itself \(overflow hidden, line-clamp 2\): \d+ px vertically cut/,
      ),
      expect.stringMatching(/\(span\.label\.d in panel alerts\) is clipped by div\.box \(overflow hidden\): \d+ px horizontally cut/),
      expect.stringMatching(
        /^text "Typing" \(div\.label\.f in panel alerts\) is clipped by itself \(overflow hidden\): \d+ px vertically cut; one line with line-height 18 px < font height \d+ px: raise line-height or clip only x \(overflow-x: clip\)$/,
      ),
      expect.stringMatching(
        /\(div\.label\.e in panel rank\) sticks out of panel "rank" \(section\.panel\[data-panel=rank\]\): right \d+ px$/,
      ),
    ]);
    // The unclipped line in "rank" runs on past the canvas's right edge too.
    expect(r.inside).toEqual([
      expect.stringMatching(
        /^div\.label\.e "Typhoon warning: coastal roads closed f…" \(in panel rank\) extends past the canvas: right \d+ px$/,
      ),
    ]);
    for (const k of ['overlap', 'font', 'primary', 'contrast'] as const) expect(r[k], k).toEqual([]);
  });

  it('allows clipping under data-clamp (on the element or an ancestor)', async () => {
    const long = 'Typhoon warning: coastal roads closed from Shenzhen to Shantou until further notice';
    await show(`<section class="panel" data-panel="alerts" style="left:40px; top:40px; width:900px; height:600px">
      <div class="label" data-clamp style="width:300px; overflow:hidden; white-space:nowrap; text-overflow:ellipsis">${long}</div>
      <div class="label" data-clamp style="width:300px; overflow:hidden; display:-webkit-box; -webkit-line-clamp:2; -webkit-box-orient:vertical">${long}</div>
      <div class="box" data-clamp style="width:300px; overflow:hidden"><span class="label" style="white-space:nowrap">${long}</span></div>
    </section>`);
    const r = await checkWall(page, { minPrimary: 0 });
    expectWallClean(r);
  });

  it('reports grey on grey (#777 on #555) with the ratio and both colours', async () => {
    await show(`${GMV}<section class="panel" data-panel="ops" style="left:40px; top:500px; width:900px; height:200px; background:#555">
      <p class="label grey" style="color:#777">grey on grey</p></section>`);
    const r = await checkWall(page);
    expect(r.contrast).toEqual(['contrast 1.66:1 < 7:1: "grey on grey" (p.label.grey in panel ops) — #777777 on #555555']);
    clean(r, 'contrast');
  });

  it('passes white on a semi-transparent panel over a dark gradient; folds in opacity and colour alpha', async () => {
    const panel = (name: string, top: number, inner: string): string =>
      `<section class="panel" data-panel="${name}" style="left:40px; top:${top}px; width:900px; height:150px; background:rgba(255,255,255,0.08)">${inner}</section>`;
    await show(`${GMV}${panel('white', 460, '<p class="label" style="color:#fff">white</p>')}`, {
      canvasBg: 'linear-gradient(180deg, #0a0f1e, #05070d)',
    });
    expectWallClean(await checkWall(page));

    await show(
      `${GMV}${panel('faded', 460, '<div style="opacity:0.3"><p class="label" style="color:#fff">faded</p></div>')}${panel('alpha', 640, '<p class="label" style="color:rgba(255,255,255,0.35)">alpha</p>')}`,
      {
        canvasBg: 'linear-gradient(180deg, #0a0f1e, #05070d)',
      },
    );
    const r = await checkWall(page);
    expect(r.contrast).toEqual([
      expect.stringMatching(/^contrast [1-4]\.\d\d:1 < 7:1: "faded" \(p\.label in panel faded\)/),
      expect.stringMatching(/^contrast [1-4]\.\d\d:1 < 7:1: "alpha" \(p\.label in panel alpha\)/),
    ]);
  });

  it('judges text over an image by data-bg, and warns when there is none', async () => {
    const img = 'url("data:image/svg+xml,%3Csvg xmlns=\'http://www.w3.org/2000/svg\'/%3E")';
    await show(
      `${GMV}<section class="panel" data-panel="map" style="left:40px; top:460px; width:900px; height:300px; background-image:${img.replace(/"/g, '&quot;')}"><p class="label">map</p></section>`,
    );
    const r = await checkWall(page);
    expectWallClean(r);
    expect(r.warnings).toEqual([
      expect.stringMatching(/^unknown background on section\.panel\[data-panel=map\] \(background-image: url\(/),
    ]);

    await show(
      `${GMV}<section class="panel" data-panel="map" data-bg="#e0e0e0" style="left:40px; top:460px; width:900px; height:300px; background-image:${img.replace(/"/g, '&quot;')}"><p class="label">map</p></section>`,
    );
    const r2 = await checkWall(page);
    expect(r2.warnings).toEqual([]);
    expect(r2.contrast).toEqual([expect.stringMatching(/"map" \(p\.label in panel map\) — #b8c4dc on #e0e0e0$/)]);
  });

  it('checks SVG text: its fill against a stroke halo, its size through the viewBox scale', async () => {
    const svg = (
      text: string,
    ): string => `<section class="panel" data-panel="map" style="left:40px; top:460px; width:900px; height:400px; background:#666">
      <svg viewBox="0 0 100 50" width="400" height="200">${text}</svg></section>`;
    // #999 on #666 fails; the same fill with a 1 design-unit (4 px) black halo painted first passes.
    await show(GMV + svg('<text x="5" y="20" font-size="8" fill="#999">Guangdong</text>'));
    let r = await checkWall(page);
    expect(r.contrast).toEqual([
      expect.stringMatching(/^contrast [12]\.\d\d:1 < 7:1: "Guangdong" \(text in panel map\) — #999999 on #666666$/),
    ]);
    expect(r.warnings).toEqual([
      expect.stringMatching(/^1 SVG text element\(s\) in \(svg in panel map\) without a paint-order: stroke halo/),
    ]);
    expect(r.font).toEqual([]); // 8 units × 4 = 32 px

    await show(
      GMV + svg('<text x="5" y="20" font-size="8" fill="#fff" stroke="#000" stroke-width="1" paint-order="stroke">Guangdong</text>'),
    );
    r = await checkWall(page);
    expectWallClean(r);
    expect(r.warnings).toEqual([]);

    // Judged on the ink: digits on the SVG's bottom edge fit although their font box (with the descent) does not; "gy" is cut.
    const edge = (text: string): string => `<section class="panel" data-panel="map" style="left:40px; top:460px; width:900px; height:400px">
      <svg width="400" height="60"><text x="5" y="58" font-size="30" fill="#fff">${text}</text></svg></section>`;
    await show(GMV + edge('12:00'));
    r = await checkWall(page);
    expectWallClean(r);
    await show(GMV + edge('gy 12:00'));
    expect((await checkWall(page)).clipping).toEqual([
      expect.stringMatching(/^text "gy 12:00" \(text in panel map\) is clipped by svg \(overflow hidden\): \d+ px vertically cut/),
    ]);

    // A halo thinner than 2 px does not count; 4 units × 4 = 16 px is too small.
    await show(
      GMV + svg('<text x="5" y="20" font-size="4" fill="#999" stroke="#000" stroke-width="0.25" paint-order="stroke">Hainan</text>'),
    );
    r = await checkWall(page);
    expect(r.font).toEqual(['font 16.0px < 23.8px: "Hainan" (text in panel map)']);
    expect(r.contrast).toEqual([expect.stringMatching(/"Hainan" \(text in panel map\) — #999999 on #666666$/)]);
  });

  it('reports a primary figure that is too small, and a wall with none', async () => {
    await show(GMV.replace('class="big"', 'class="big" style="font-size:40px"'));
    let r = await checkWall(page);
    expect(r.primary).toEqual(['primary font 40.0px < 64.8px: "¥1,234,567.89" (div.big[data-testid=gmv] in panel gmv)']);
    clean(r, 'primary');

    await show(GMV.replace(' data-primary', ''));
    r = await checkWall(page);
    expect(r.primary).toEqual(['found 0 visible [data-primary] element(s), expected at least 1']);
    expect((await checkWall(page, { minPrimary: 0 })).primary).toEqual([]);
  });

  it('reports scrollbars', async () => {
    await show(GMV, { outside: '<div style="width:2500px; height:10px"></div>' });
    const r = await checkWall(page);
    expect(r.inside).toEqual([
      expect.stringMatching(/^document scrolls horizontally: scrollWidth 2500 > innerWidth 19\d\d$/),
      expect.stringMatching(/^document scrolls vertically/),
    ]);
  });

  it('checks aria-hidden text too, unless data-contrast-skip', async () => {
    const glyph = (attr: string): string =>
      `${GMV}<section class="panel" data-panel="rank" style="left:40px; top:460px; width:900px; height:200px"><p class="label">up <span class="arrow" aria-hidden="true" ${attr} style="color:#333a4a">▲</span></p></section>`;
    await show(glyph(''));
    expect((await checkWall(page)).contrast).toEqual([
      expect.stringMatching(/^contrast 1\.\d\d:1 < 7:1: "▲" \(span\.arrow in panel rank\)/),
    ]);
    await show(glyph('data-contrast-skip'));
    expectWallClean(await checkWall(page));
  });
});
