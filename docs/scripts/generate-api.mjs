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

// TypeDoc writes one page per package (outputFileStrategy "modules"): api/@diffmac/<name>.md.
// Lift them to api/<name>.md: '@' path segments are special to Vite's dev server.
const scoped = path.join(docs, 'api', '@diffmac');
const expected = ['base', 'scheduler', 'mib', 'core', 'face-align', 'eval', 'cli'];
const named = fs.existsSync(scoped) ? fs.readdirSync(scoped).map((f) => f.replace(/\.md$/, '')) : [];
const unnamed = expected.filter((n) => !named.includes(n));
if (unnamed.length) {
  process.stderr.write(`generate-api: no @module @diffmac/<name> doc block in the index.ts of ${unnamed.join(', ')}; add one so TypeDoc names the package\n`);
  process.exit(1);
}
for (const name of fs.readdirSync(scoped)) fs.renameSync(path.join(scoped, name), path.join(docs, 'api', name));
fs.rmSync(scoped, { recursive: true });
const index = path.join(docs, 'api', 'index.md');
fs.writeFileSync(index, fs.readFileSync(index, 'utf8').replace(/\]\(@diffmac\//g, '](').replace(/^# .*$/m, '# API reference'));

// One sidebar group per package: its page and the kinds on it (Functions, Classes, ...) as anchors.
const sidebar = [];
for (const name of expected) {
  const page = path.join(docs, 'api', `${name}.md`);
  if (!fs.existsSync(page)) continue;
  const kinds = [...fs.readFileSync(page, 'utf8').matchAll(/^## (.+)$/gm)].map((m) => m[1]);
  const items = kinds.map((k) => ({ text: k, link: `/api/${name}#${k.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}` }));
  sidebar.push({ text: `@diffmac/${name}`, link: `/api/${name}`, collapsed: true, items });
}
fs.writeFileSync(path.join(docs, 'api', 'sidebar.json'), `${JSON.stringify(sidebar, null, 2)}\n`);
process.stdout.write(`API reference: ${sidebar.length} packages\n`);
