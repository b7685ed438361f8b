#!/usr/bin/env node
// Rate of the Gaussian-channel bottleneck against timestep on the Stable Diffusion 2.1 schedule:
// writes docs/rate-vs-timestep.svg and prints the Markdown table the README shows.
// Run from the repo root after a build:  npx nx build @diffmac/mib && node packages/mib/scripts/plot-rate.mjs
import { writeFileSync } from 'node:fs';
import { createGaussianChannel, stableDiffusionAlphasCumprod } from '../dist/index.js';

const alphas = stableDiffusionAlphasCumprod();
const channel = createGaussianChannel({ alphasCumprod: alphas });
const variances = [0.25, 1, 4];
const channels = variances.map((v) => createGaussianChannel({ alphasCumprod: alphas, signalVariance: v }));

// Table.
const rows = [0, 10, 50, 100, 200, 300, 400, 500, 600, 700, 800, 900, 999];
const lines = ['| t | ᾱ_t | SNR ᾱ/(1−ᾱ) | bits/element (σx² = 1) | bits per 4×64×64 latent | σx² = 0.25 | σx² = 4 |', '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |'];
for (const t of rows) {
  const a = alphas[t];
  const r = channel.rateAt(t);
  lines.push(
    `| ${t} | ${a.toPrecision(5)} | ${(a / (1 - a)).toPrecision(4)} | ${r.toFixed(4)} | ${Math.round(r * 4 * 64 * 64).toLocaleString('en-US')} | ${channels[0].rateAt(t).toFixed(4)} | ${channels[2].rateAt(t).toFixed(4)} |`,
  );
}
const targets = [4, 2, 1, 0.5, 0.25, 0.1, 0.05, 0.01];
const solved = ['| target bits/element | t (nearest) | achieved | t (at-most) | achieved |', '| ---: | ---: | ---: | ---: | ---: |'];
for (const b of targets) {
  const n = channel.timestepForRate(b, 'nearest');
  const m = channel.timestepForRate(b, 'at-most');
  solved.push(`| ${b} | ${n.timestep} | ${n.bitsPerElement.toFixed(4)} | ${m.timestep} | ${m.bitsPerElement.toFixed(4)} |`);
}

// SVG: log-scale rate against timestep, one curve per input variance.
const W = 640;
const H = 360;
const L = 64;
const R = 20;
const T = 24;
const B = 48;
const yMin = -4; // 10^-4 bits
const yMax = 1; // 10 bits
const x = (t) => L + ((W - L - R) * t) / 999;
const y = (bits) => T + ((H - T - B) * (yMax - Math.log10(bits))) / (yMax - yMin);
const colors = ['#2a9d8f', '#264653', '#e76f51'];
const parts = [
  `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
  `<rect width="${W}" height="${H}" fill="white"/>`,
];
for (let e = yMin; e <= yMax; e++) {
  parts.push(`<line x1="${L}" x2="${W - R}" y1="${y(10 ** e)}" y2="${y(10 ** e)}" stroke="#ddd"/>`);
  parts.push(`<text x="${L - 6}" y="${y(10 ** e) + 4}" text-anchor="end">${10 ** e >= 1 ? 10 ** e : (10 ** e).toFixed(-e)}</text>`);
}
for (let t = 0; t <= 1000; t += 200) {
  const tt = Math.min(t, 999);
  parts.push(`<line x1="${x(tt)}" x2="${x(tt)}" y1="${T}" y2="${H - B}" stroke="#eee"/>`);
  parts.push(`<text x="${x(tt)}" y="${H - B + 16}" text-anchor="middle">${tt}</text>`);
}
parts.push(`<text x="${(L + W - R) / 2}" y="${H - 10}" text-anchor="middle">timestep t (Stable Diffusion 2.1 schedule, scaled_linear 0.00085–0.012)</text>`);
parts.push(`<text x="16" y="${(T + H - B) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(T + H - B) / 2})">bits per element (log scale)</text>`);
channels.forEach((ch, k) => {
  const pts = [];
  for (let t = 0; t < 1000; t += 3) pts.push(`${x(t).toFixed(1)},${y(ch.rateAt(t)).toFixed(1)}`);
  pts.push(`${x(999).toFixed(1)},${y(ch.rateAt(999)).toFixed(1)}`);
  parts.push(`<polyline fill="none" stroke="${colors[k]}" stroke-width="2" points="${pts.join(' ')}"/>`);
  parts.push(`<line x1="${W - R - 200}" x2="${W - R - 180}" y1="${T + 14 + 16 * k}" y2="${T + 14 + 16 * k}" stroke="${colors[k]}" stroke-width="2"/>`);
  parts.push(`<text x="${W - R - 174}" y="${T + 18 + 16 * k}">input variance σx² = ${variances[k]}</text>`);
});
parts.push('</svg>');
const out = new URL('../docs/rate-vs-timestep.svg', import.meta.url);
writeFileSync(out, `${parts.join('\n')}\n`);
process.stdout.write(`${lines.join('\n')}\n\n${solved.join('\n')}\n\nwrote ${out.pathname}\n`);
