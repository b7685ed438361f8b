#!/usr/bin/env node
// Generate the API reference (docs/api/) from the packages' doc comments with TypeDoc, and a
// sidebar listing for VitePress (docs/api/sidebar.json). The output is rebuilt on every build
// and not committed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const docs = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
fs.rmSync(path.join(docs, 'api'), { recursive: true, force: true });
execFileSync(process.execPath, [path.join(docs, '../node_modules/typedoc/bin/typedoc'), '--options', 'typedoc.json'], { cwd: docs, stdio: 'inherit' });

// Lift api/@diffmac/<name>/ to api/<name>/: '@' path segments are special to Vite's dev server.
const scoped = path.join(docs, 'api', '@diffmac');
const expected = ['scheduler', 'mib', 'core', 'face-align', 'eval', 'cli'];
const named = fs.existsSync(scoped) ? fs.readdirSync(scoped) : [];
const unnamed = expected.filter((n) => !named.includes(n));
if (unnamed.length) {
  process.stderr.write(`generate-api: no @module @diffmac/<name> doc block in the index.ts of ${unnamed.join(', ')}; add one so TypeDoc names the package\n`);
  process.exit(1);
}
for (const name of fs.readdirSync(scoped)) fs.renameSync(path.join(scoped, name), path.join(docs, 'api', name));
fs.rmSync(scoped, { recursive: true });
const index = path.join(docs, 'api', 'index.md');
fs.writeFileSync(index, fs.readFileSync(index, 'utf8').replace(/\]\(@diffmac\//g, '](').replace(/^# .*$/m, '# API reference'));

// One sidebar group per package, with its kinds (Functions, Classes, ...) as they were written.
const packages = ['scheduler', 'mib', 'core', 'face-align', 'eval', 'cli'];
const sidebar = [];
for (const name of packages) {
  const dir = path.join(docs, 'api', name);
  if (!fs.existsSync(dir)) continue;
  const items = [{ text: 'Overview', link: `/api/${name}/` }];
  for (const kind of fs.readdirSync(dir).filter((d) => fs.statSync(path.join(dir, d)).isDirectory()).sort()) {
    const pages = fs.readdirSync(path.join(dir, kind)).filter((f) => f.endsWith('.md')).sort();
    items.push({ text: kind.replace(/-/g, ' '), collapsed: true, items: pages.map((p) => ({ text: p.replace(/\.md$/, ''), link: `/api/${name}/${kind}/${p.replace(/\.md$/, '')}` })) });
  }
  sidebar.push({ text: `@diffmac/${name}`, collapsed: true, items });
}
fs.writeFileSync(path.join(docs, 'api', 'sidebar.json'), `${JSON.stringify(sidebar, null, 2)}\n`);
process.stdout.write(`API reference: ${sidebar.length} packages\n`);
