import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

// The built site (nx runs docs:build before docs:test). VitePress fails the build on a link to a
// missing page; this also checks the part after '#', which it does not: TypeDoc's cross-references
// between API symbols and the guides' links into the API pages.
const dist = new URL('../.vitepress/dist/', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** The file a site-internal href names (clean URLs: `/guide/eval` is `guide/eval.html`), or undefined. */
function target(from: string, href: string): string | undefined {
  const abs = href.startsWith('/') ? path.join(dist, href) : path.join(path.dirname(from), href);
  return [abs, `${abs}.html`, path.join(abs, 'index.html')].find((f) => f.startsWith(dist) && existsSync(f) && statSync(f).isFile());
}

let all: string[] = [];
let html: string[] = [];
beforeAll(() => {
  if (!existsSync(path.join(dist, 'index.html'))) throw new Error(`No built site at ${dist}: run npx nx run docs:build first`);
  all = files(dist);
  html = all.filter((f) => f.endsWith('.html'));
});

describe('the built site', () => {
  it('every link between its pages resolves, the #anchor included', () => {
    const ids = new Map(html.map((f) => [f, new Set([...readFileSync(f, 'utf8').matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!))]));
    const broken = new Set<string>();
    let checked = 0;
    for (const file of html) {
      for (const m of readFileSync(file, 'utf8').matchAll(/<a\s[^>]*?href="([^"]*)"/g)) {
        const href = m[1]!.replace(/&amp;/g, '&');
        if (/^[a-z][a-z0-9+.-]*:/i.test(href)) continue; // https:, mailto:
        checked += 1;
        const [page = '', hash] = href.split('#');
        const to = page === '' ? file : target(file, page);
        const where = `${path.relative(dist, file)} → ${href}`;
        if (!to) broken.add(`${where} (no such page)`);
        else if (hash && to.endsWith('.html') && !ids.get(to)!.has(decodeURIComponent(hash))) broken.add(`${where} (no such anchor)`);
      }
    }
    expect(checked).toBeGreaterThan(5000); // the API pages cross-reference their symbols
    expect([...broken]).toEqual([]);
  });

  it('has one API page per package, each linked from /api/', () => {
    const apiPages = html.filter((f) => path.dirname(f) === path.join(dist, 'api') && !f.endsWith('index.html')).map((f) => path.basename(f, '.html'));
    expect(apiPages.sort()).toEqual(['base', 'cli', 'core', 'eval', 'face-align', 'mib', 'scheduler']);
    const index = readFileSync(path.join(dist, 'api/index.html'), 'utf8');
    for (const name of apiPages) expect(index).toContain(`href="/api/${name}"`);
  });

  it('stays small: one page per package and the site metadata in one chunk (was 363 MB with a page per symbol)', () => {
    const bytes = all.reduce((sum, f) => sum + statSync(f).size, 0);
    expect(html.length).toBeLessThan(60);
    expect(bytes).toBeLessThan(30 * 1024 * 1024);
    // metaChunk: the pages do not each inline the site data (the sidebar of every API symbol).
    for (const f of html) expect(statSync(f).size, path.relative(dist, f)).toBeLessThan(2 * 1024 * 1024);
  });
});
