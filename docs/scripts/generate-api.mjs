#!/usr/bin/env node
// Generate the API reference (docs/api/) from the packages' doc comments with TypeDoc, and a
// sidebar listing for VitePress (docs/api/sidebar.json). The output is rebuilt on every build
// and not committed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const docs = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
fs.rmSync(path.join(docs, 'api'), { recursive: true, force: true });
try {
  // typedoc.json treats validation warnings as errors: a {@link} that resolves to nothing fails here.
  execFileSync(process.execPath, [path.join(docs, '../node_modules/typedoc/bin/typedoc'), '--options', 'typedoc.json'], { cwd: docs, stdio: 'inherit' });
} catch (error) {
  process.stderr.write(`generate-api: TypeDoc failed (exit ${error.status ?? error.message}); see its messages above\n`);
  process.exit(1);
}

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

// Heading ids. TypeDoc (useCustomAnchors) writes `{#id}` on every symbol's heading, the id its own
// links point at; VitePress would slug the other headings (Parameters, Returns, parameter names)
// itself, in page order, and fail the build when a later symbol id repeats one of those slugs
// (a parameter `code` before a property `code`). So every other heading gets an explicit id here,
// unique against the symbol ids of its page. Code fences are skipped.
const slug = (text) =>
  text
    .replace(/\\(.)/g, '$1')
    .replace(/[`*]/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase() || 'section';
const headingLine = /^(#{1,6}) (.*?)(?: \{#([^}\s]+)\})?$/;
function lines(text) {
  let fence = null;
  return text.split('\n').map((line) => {
    const open = fence === null ? /^(`{3,}|~{3,})/.exec(line) : null;
    const closes = fence !== null && line.trimEnd().startsWith(fence) && /^(`+|~+)$/.test(line.trimEnd());
    const heading = fence === null && !open ? headingLine.exec(line) : null;
    if (open) fence = open[1];
    else if (closes) fence = null;
    return { line, heading };
  });
}
const pages = fs.readdirSync(path.join(docs, 'api')).filter((f) => f.endsWith('.md'));
const groups = new Map();
for (const file of pages) {
  const page = path.join(docs, 'api', file);
  const parsed = lines(fs.readFileSync(page, 'utf8'));
  const used = new Set(parsed.filter((l) => l.heading?.[3]).map((l) => l.heading[3]));
  const kinds = [];
  const out = parsed.map(({ line, heading }) => {
    if (!heading || heading[3]) return line;
    const base = slug(heading[2]);
    let id = base;
    for (let i = 1; used.has(id); i += 1) id = `${base}-${i}`;
    used.add(id);
    if (heading[1] === '##') kinds.push({ text: heading[2], id });
    return `${heading[1]} ${heading[2]} {#${id}}`;
  });
  fs.writeFileSync(page, out.join('\n'));
  groups.set(file.replace(/\.md$/, ''), kinds);
}

// One sidebar group per package: its page and the kinds on it (Functions, Classes, ...) as anchors.
const sidebar = [];
for (const name of expected) {
  if (!groups.has(name)) continue;
  const items = groups.get(name).map((k) => ({ text: k.text, link: `/api/${name}#${k.id}` }));
  sidebar.push({ text: `@diffmac/${name}`, link: `/api/${name}`, collapsed: true, items });
}
fs.writeFileSync(path.join(docs, 'api', 'sidebar.json'), `${JSON.stringify(sidebar, null, 2)}\n`);
process.stdout.write(`API reference: ${sidebar.length} packages\n`);
