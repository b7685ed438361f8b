#!/usr/bin/env node
// Figures for the site, made by the project's own tools from public-domain or self-made images:
// - public/figures/dependency-graph.svg: the package graph, from scripts/package-graph.mjs;
// - public/figures/degradation-presets.jpg: a bundled HQ face and its gfpgan / codeformer /
//   difface-grid degradations (@diffmac/eval);
// - public/figures/rate-vs-timestep.svg: the Gaussian channel's rate on the SD 2.1 schedule (@diffmac/mib).
// Needs the packages built (the docs build target depends on their build).
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { createRng, readImage } from '@diffmac/core';
import { degradationPresets, degradeImage } from '@diffmac/eval';
import { allowedInternal } from '../../scripts/package-graph.mjs';

const docs = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const out = path.join(docs, 'public', 'figures');
fs.mkdirSync(out, { recursive: true });

// 1. Dependency graph: packages in layers by depth, edges from each package to what it uses.
const depth = {};
const level = (n) => (depth[n] ??= allowedInternal[n].length === 0 ? 0 : 1 + Math.max(...allowedInternal[n].map(level)));
const names = Object.keys(allowedInternal);
names.forEach(level);
const layers = [];
for (const n of names) (layers[depth[n]] ??= []).push(n);
const W = 640;
const boxW = 130;
const boxH = 34;
const pos = {};
layers.forEach((layer, i) => layer.forEach((n, j) => (pos[n] = { x: ((j + 1) * W) / (layer.length + 1), y: 40 + (layers.length - 1 - i) * 80 })));
const H = 40 + layers.length * 80;
const edges = names.flatMap((n) => allowedInternal[n].filter((m) => !(n === 'cli' && allowedInternal[n].some((k) => k !== m && allowedInternal[k]?.includes(m)))).map((m) => [n, m]));
const svg = [
  `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="13">`,
  '<defs><marker id="a" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="#555"/></marker></defs>',
  ...edges.map(([a, b]) => `<line x1="${pos[a].x}" y1="${pos[a].y + boxH / 2}" x2="${pos[b].x}" y2="${pos[b].y - boxH / 2}" stroke="#555" marker-end="url(#a)"/>`),
  ...names.map((n) => `<g><rect x="${pos[n].x - boxW / 2}" y="${pos[n].y - boxH / 2}" width="${boxW}" height="${boxH}" rx="6" fill="#eef3fb" stroke="#4a78c2"/><text x="${pos[n].x}" y="${pos[n].y + 4}" text-anchor="middle">@diffmac/${n}</text></g>`),
  '</svg>',
].join('\n');
fs.writeFileSync(path.join(out, 'dependency-graph.svg'), `${svg}\n`);

// 2. Degradation presets on a bundled public-domain face.
const hqFile = path.join(docs, '../packages/cli/assets/mini-set/astronaut.jpg');
const hq = await readImage(hqFile, { channels: 'rgb' });
const tiles = [await sharp(hqFile).resize(256, 256).png().toBuffer()];
for (const [i, name] of ['gfpgan', 'codeformer', 'difface-grid'].entries()) {
  const rng = createRng(7).fork(name);
  const params = degradationPresets[name].draw(rng, 40 * i + 3);
  const lq = await degradeImage(hq, params, { noise: rng });
  tiles.push(await sharp(Buffer.from(lq.data), { raw: { width: lq.width, height: lq.height, channels: 3 } }).resize(256, 256).png().toBuffer());
}
await sharp({ create: { width: 256 * tiles.length + 8 * (tiles.length - 1), height: 256, channels: 3, background: '#ffffff' } })
  .composite(tiles.map((input, i) => ({ input, left: i * 264, top: 0 })))
  .png()
  .jpeg({ quality: 85 })
  .toFile(path.join(out, 'degradation-presets.jpg'));

// 3. The rate-vs-timestep plot the mib package draws with its own script.
fs.copyFileSync(path.join(docs, '../packages/mib/docs/rate-vs-timestep.svg'), path.join(out, 'rate-vs-timestep.svg'));
process.stdout.write(`figures written to ${out}\n`);
