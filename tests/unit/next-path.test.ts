import { describe, expect, it } from 'vitest';
import { safeNextPath } from '../../client/pages/next-path';

describe('safeNextPath (open-redirect guard after sign-in)', () => {
  it('keeps a same-origin path with its query and hash', () => {
    expect(safeNextPath('/')).toBe('/');
    expect(safeNextPath('/wall?x=1')).toBe('/wall?x=1');
    expect(safeNextPath('/admin')).toBe('/admin');
    expect(safeNextPath('/exec?lang=en#top')).toBe('/exec?lang=en#top');
  });

  it.each([
    ['//evil.com'],
    ['//evil.com/wall'],
    ['https://evil.com'],
    ['http://evil.com/'],
    ['/\\evil'],
    ['/\\/evil.com'],
    ['\\\\evil.com'],
    ['javascript:alert(1)'],
    ['JaVaScRiPt:alert(1)'],
    ['data:text/html,x'],
    ['evil.com'],
    [''],
    ['/\t/evil.com'],
    ['/\n/evil.com'],
    [' /wall'],
    ['/wall\\..\\..'],
    ['/.//evil.com'],
    ['/..//evil.com'],
  ])('sends %j to /', (raw) => {
    expect(safeNextPath(raw)).toBe('/');
  });

  it('sends null, undefined, an overlong value and the sign-in page itself to /', () => {
    expect(safeNextPath(null)).toBe('/');
    expect(safeNextPath(undefined)).toBe('/');
    expect(safeNextPath('/' + 'a'.repeat(5000))).toBe('/');
    expect(safeNextPath('/login?next=/wall')).toBe('/');
  });

  it('never leaves the origin, whatever the input', () => {
    const tricky = ['/%2F%2Fevil.com', '/.//evil.com', '/..//evil.com', '/a/../../evil.com', '/@evil.com', '/?//evil.com'];
    for (const raw of tricky) {
      const out = safeNextPath(raw);
      expect(out.startsWith('/') && !out.startsWith('//')).toBe(true);
      expect(new URL(out, 'https://warroom.example').origin).toBe('https://warroom.example');
    }
  });
});
