/**
 * The built client's files (code and fonts, no data), read once and kept in memory, never outside
 * the client directory; `page()` answers any page route with the single-page app's index.html.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { ServerResponse } from 'node:http';
import { send, TYPES, type Headers } from './respond';

export class StaticFiles {
  readonly #root: string;
  readonly #cache = new Map<string, Buffer>();

  constructor(clientDir: string) {
    this.#root = normalize(clientDir);
  }

  async file(rel: string): Promise<Buffer | null> {
    const path = normalize(join(this.#root, rel));
    if (path !== this.#root && !path.startsWith(this.#root + sep)) return null;
    const hit = this.#cache.get(path);
    if (hit) return hit;
    try {
      const buf = await readFile(path);
      if (this.#cache.size < 2000) this.#cache.set(path, buf);
      return buf;
    } catch {
      return null;
    }
  }

  async page(res: ServerResponse, extra: Headers = {}): Promise<void> {
    const html = await this.file('index.html');
    return html ? send(res, 200, html, TYPES['.html']!, extra) : send(res, 500, 'client not built: run npm run build\n', 'text/plain');
  }

  /** A file of the build at `path`; assets (hashed names) are cached for a year. */
  async serve(res: ServerResponse, path: string): Promise<void> {
    const body = path.includes('\0') ? null : await this.file(path.slice(1));
    if (!body) return send(res, 404, 'not found\n', 'text/plain');
    const immutable = path.startsWith('/assets/');
    return send(res, 200, body, TYPES[extname(path)] ?? 'application/octet-stream', {
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  }
}
