/**
 * Kiosk modules in real Chromium: wake-lock, idle-cursor, burn-in and the sound toggle bundled on
 * the fly with esbuild (Svelte files through svelte/compiler) into IIFEs injected into a blank
 * page, so no app or server is needed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { build, transform, type Plugin } from 'esbuild';
import { compile, compileModule } from 'svelte/compiler';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';

let browser: Browser;
let bundle: string;
let soundBundle: string;

/** Just enough Svelte for esbuild: components and rune modules (`.svelte.ts`). */
const sveltePlugin: Plugin = {
  name: 'svelte',
  setup(b) {
    b.onLoad({ filter: /\.svelte$/ }, async (args) => {
      const { js } = compile(await readFile(args.path, 'utf8'), { filename: args.path, css: 'injected', generate: 'client' });
      return { contents: js.code, loader: 'js' };
    });
    b.onLoad({ filter: /\.svelte\.ts$/ }, async (args) => {
      const ts = await transform(await readFile(args.path, 'utf8'), { loader: 'ts', target: 'es2022' });
      const { js } = compileModule(ts.code, { filename: args.path, generate: 'client' });
      return { contents: js.code, loader: 'js' };
    });
  },
};

function bundleIife(contents: string, globalName: string, plugins: Plugin[] = []): Promise<string> {
  return build({
    stdin: { contents, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    format: 'iife',
    globalName,
    target: 'chrome120',
    conditions: ['browser', 'svelte'],
    plugins,
    write: false,
    logLevel: 'silent',
  }).then((out) => out.outputFiles[0]!.text);
}

interface KioskGlobals {
  kiosk: typeof import('../../client/kiosk/wake-lock') &
    typeof import('../../client/kiosk/idle-cursor') &
    typeof import('../../client/kiosk/burn-in');
  wakeCalls: string[];
  sentinels: (EventTarget & { released: boolean; release(): Promise<void> })[];
  stop?: () => void;
}

beforeAll(async () => {
  [browser, bundle, soundBundle] = await Promise.all([
    launchChromium(),
    bundleIife(
      `export * from './client/kiosk/wake-lock'; export * from './client/kiosk/idle-cursor'; export * from './client/kiosk/burn-in';`,
      'kiosk',
    ),
    bundleIife(
      `export { mount, flushSync } from 'svelte'; export { default as SoundToggle } from './client/kiosk/SoundToggle.svelte'; export { SoundBoard } from './client/kiosk/sound.svelte';`,
      'sound',
      [sveltePlugin],
    ),
  ]);
});
afterAll(async () => {
  await browser?.close();
});

/** A blank page with the bundle, and a fake navigator.wakeLock that records requests. */
async function blankPage(): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 800, height: 450 } });
  const page = await ctx.newPage();
  await page.setContent(
    '<!doctype html><html><body style="margin:0"><div id="wall" style="width:100vw;height:100vh">wall</div></body></html>',
  );
  // setContent does not navigate, so an init script would not run: install the fake directly.
  await page.evaluate(() => {
    const w = window as unknown as KioskGlobals;
    w.wakeCalls = [];
    w.sentinels = [];
    const fake = {
      request(type: string) {
        w.wakeCalls.push(type);
        const s = Object.assign(new EventTarget(), {
          released: false,
          type,
          release() {
            if (!s.released) {
              s.released = true;
              s.dispatchEvent(new Event('release'));
            }
            return Promise.resolve();
          },
        });
        w.sentinels.push(s);
        return Promise.resolve(s);
      },
    };
    Object.defineProperty(Navigator.prototype, 'wakeLock', { configurable: true, get: () => fake });
  });
  await page.addScriptTag({ content: bundle });
  return page;
}

async function setVisibility(page: Page, state: 'visible' | 'hidden'): Promise<void> {
  await page.evaluate((state) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => state === 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);
}

describe('kiosk modules in Chromium', () => {
  it('requests a screen wake lock, and again after the page is visible again', async () => {
    const page = await blankPage();
    const calls = (): Promise<string[]> => page.evaluate(() => (window as unknown as KioskGlobals).wakeCalls);
    await page.evaluate(() => {
      const w = window as unknown as KioskGlobals;
      w.stop = w.kiosk.keepAwake();
    });
    await expect.poll(calls).toEqual(['screen']);

    // Hidden: the browser releases the lock (as real Chromium does); no request while hidden.
    await setVisibility(page, 'hidden');
    await page.evaluate(() => (window as unknown as KioskGlobals).sentinels[0]!.release());
    await page.waitForTimeout(1_300); // past the 1 s release retry: still hidden, so nothing
    expect(await calls()).toEqual(['screen']);

    await setVisibility(page, 'visible');
    await expect.poll(calls).toEqual(['screen', 'screen']);

    // Released by the system while visible: asked for again (after a short pause).
    await page.evaluate(() => (window as unknown as KioskGlobals).sentinels[1]!.release());
    await expect.poll(calls, { timeout: 3_000 }).toEqual(['screen', 'screen', 'screen']);

    // The disposer releases the held lock and stops listening.
    await page.evaluate(() => (window as unknown as KioskGlobals).stop!());
    expect(await page.evaluate(() => (window as unknown as KioskGlobals).sentinels[2]!.released)).toBe(true);
    await setVisibility(page, 'hidden');
    await setVisibility(page, 'visible');
    await page.waitForTimeout(200);
    expect(await calls()).toHaveLength(3);
    await page.context().close();
  });

  it('is a silent no-op without the API or when refused (no unhandled rejection)', async () => {
    const page = await blankPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.evaluate(async () => {
      const w = window as unknown as KioskGlobals;
      w.kiosk.keepAwake(document, {} as Navigator)();
      const refusing = {
        wakeLock: { request: () => Promise.reject(new DOMException('denied', 'NotAllowedError')) },
      } as unknown as Navigator;
      w.stop = w.kiosk.keepAwake(document, refusing);
      await new Promise((r) => setTimeout(r, 50));
      w.stop();
    });
    await page.waitForTimeout(100);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('hides the cursor after idle and shows it again on mouse movement', async () => {
    const page = await blankPage();
    const idle = (): Promise<boolean> => page.evaluate(() => document.getElementById('wall')!.classList.contains('cursor-idle'));
    const cursor = (): Promise<string> => page.evaluate(() => getComputedStyle(document.getElementById('wall')!).cursor);
    await page.mouse.move(100, 100);
    await page.evaluate(() => {
      const w = window as unknown as KioskGlobals;
      w.stop = w.kiosk.hideIdleCursor(document.getElementById('wall')!, 300);
    });
    expect(await idle()).toBe(false);
    await expect.poll(idle, { timeout: 2_000 }).toBe(true);
    expect(await cursor()).toBe('none');

    await page.mouse.move(200, 150);
    expect(await idle()).toBe(false);
    expect(await cursor()).not.toBe('none');
    // Movement keeps it visible; once still again it hides.
    for (let i = 0; i < 4; i++) {
      await page.waitForTimeout(150);
      await page.mouse.move(200 + i * 10, 150);
      expect(await idle()).toBe(false);
    }
    await expect.poll(idle, { timeout: 2_000 }).toBe(true);

    await page.evaluate(() => (window as unknown as KioskGlobals).stop!());
    expect(await idle()).toBe(false);
    await page.waitForTimeout(500);
    expect(await idle()).toBe(false);
    await page.context().close();
  });

  it('burn-in shift sets --burn-x/--burn-y that a translate() can use', async () => {
    const page = await blankPage();
    const read = (): Promise<{ x: string; y: string; t: string }> =>
      page.evaluate(() => {
        const el = document.getElementById('wall')!;
        const cs = getComputedStyle(el);
        return { x: cs.getPropertyValue('--burn-x'), y: cs.getPropertyValue('--burn-y'), t: cs.transform };
      });
    await page.evaluate(() => {
      const w = window as unknown as KioskGlobals;
      const el = document.getElementById('wall')!;
      el.style.setProperty('--u', '2px');
      el.style.transform = 'translate(calc(var(--burn-x, 0) * var(--u)), calc(var(--burn-y, 0) * var(--u)))';
      w.stop = w.kiosk.shiftAgainstBurnIn(el, { periodMs: 300, maxPx: 4 });
    });
    // Each read takes the properties and the transform at one instant (the step may move on between reads).
    const seen = new Set<string>();
    await expect
      .poll(
        async () => {
          const r = await read();
          expect(r.t).toBe(`matrix(1, 0, 0, 1, ${Number(r.x) * 2}, ${Number(r.y) * 2})`); // offsets × --u (2px)
          expect(Math.abs(Number(r.x))).toBeLessThanOrEqual(4);
          expect(Math.abs(Number(r.y))).toBeLessThanOrEqual(4);
          seen.add(`${r.x},${r.y}`);
          return seen.size;
        },
        { timeout: 5_000 },
      )
      .toBeGreaterThanOrEqual(3); // it moves
    await page.evaluate(() => (window as unknown as KioskGlobals).stop!());
    expect(await read()).toMatchObject({ x: '', y: '' });
    await page.context().close();
  });

  it('sound toggle: large high-contrast button that turns real WebAudio on and off', async () => {
    const page = await blankPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addScriptTag({ content: soundBundle });
    await page.evaluate(() => {
      type S = typeof import('../../client/kiosk/sound.svelte');
      const g = window as unknown as {
        sound: {
          mount: typeof import('svelte').mount;
          SoundToggle: typeof import('../../client/kiosk/SoundToggle.svelte').default;
          SoundBoard: S['SoundBoard'];
        };
        board: InstanceType<S['SoundBoard']>;
      };
      const wall = document.getElementById('wall')!;
      wall.style.setProperty('--u', '2px'); // a 2160-px-tall wall
      wall.textContent = '';
      g.board = new g.sound.SoundBoard();
      g.sound.mount(g.sound.SoundToggle, { target: wall, props: { board: g.board, locale: 'en' } });
    });
    const btn = page.getByTestId('sound-toggle');
    expect(await btn.getAttribute('aria-pressed')).toBe('false');
    expect((await btn.textContent())?.trim()).toBe('Sound off');
    const style = await btn.evaluate((el) => {
      const cs = getComputedStyle(el);
      return { fontSize: cs.fontSize, color: cs.color, background: cs.backgroundColor };
    });
    expect(style).toEqual({ fontSize: '48px', color: 'rgb(244, 247, 255)', background: 'rgb(22, 34, 60)' });
    expect(contrast([244, 247, 255], [22, 34, 60])).toBeGreaterThanOrEqual(7);

    await btn.click(); // the user gesture: the AudioContext may run
    expect(await btn.getAttribute('aria-pressed')).toBe('true');
    expect((await btn.textContent())?.trim()).toBe('Sound on');
    await page.waitForFunction(() => (window as unknown as { board: { audioState: string } }).board.audioState === 'running');
    expect(await page.evaluate(() => (window as unknown as { board: { blocked: boolean } }).board.blocked)).toBe(false);
    await page.evaluate(() => {
      const b = (window as unknown as { board: { milestone(): void; severeAlert(): void } }).board;
      b.milestone();
      b.severeAlert();
    });
    await btn.click();
    expect(await btn.getAttribute('aria-pressed')).toBe('false');
    expect(await page.evaluate(() => (window as unknown as { board: { enabled: boolean } }).board.enabled)).toBe(false);
    await page.waitForFunction(() => (window as unknown as { board: { audioState: string } }).board.audioState === 'suspended');

    // The Chinese labels, as the wall shows them by default.
    await page.evaluate(() => {
      const g = window as unknown as {
        sound: { mount: typeof import('svelte').mount; SoundToggle: typeof import('../../client/kiosk/SoundToggle.svelte').default };
        board: never;
      };
      const host = document.body.appendChild(document.createElement('div'));
      host.id = 'zh';
      g.sound.mount(g.sound.SoundToggle, { target: host, props: { board: g.board } });
    });
    expect((await page.locator('#zh [data-testid="sound-toggle"]').textContent())?.trim()).toBe('声音 关');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

/** WCAG contrast ratio of two sRGB colours. */
function contrast(a: number[], b: number[]): number {
  const lum = (c: number[]): number => {
    const [r, g, bl] = c.map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}
