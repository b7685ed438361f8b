#!/usr/bin/env node
// Lint one package (run from its folder): the dependency graph, the house rules, and what would
// be published (publint, arethetypeswrong), and ESLint. Exits non-zero with one line per problem.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { allowedInternal, findCycle, onnxruntimeOwners, printers } from './package-graph.mjs';

const dir = process.cwd();
const name = path.basename(dir);
const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
const problems = [];

if (!(name in allowedInternal)) problems.push(`packages/${name} is not in scripts/package-graph.mjs`);
const cycle = findCycle(allowedInternal);
if (cycle) problems.push(`dependency cycle: ${cycle.join(' -> ')}`);

const allowed = new Set(allowedInternal[name] ?? []);
const declared = Object.keys(pkg.dependencies ?? {}).filter((d) => d.startsWith('@diffmac/')).map((d) => d.slice(9));
for (const d of declared) if (!allowed.has(d)) problems.push(`package.json depends on @diffmac/${d}, against the graph (allowed: ${[...allowed].join(', ') || 'none'})`);

function* sources(root) {
  if (!fs.existsSync(root)) return;
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    const p = path.join(root, entry.name);
    if (entry.isDirectory()) yield* sources(p);
    else if (/\.(ts|mts|cts|js|mjs)$/.test(entry.name)) yield p;
  }
}

const importRe = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;
const runtimeDeps = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
for (const file of sources(path.join(dir, 'src'))) {
  const rel = path.relative(dir, file);
  const text = fs.readFileSync(file, 'utf8');
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  for (const m of code.matchAll(importRe)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (!spec || spec.startsWith('.') || spec.startsWith('node:')) continue;
    const root = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
    if (root.startsWith('@diffmac/') && !allowed.has(root.slice(9))) problems.push(`${rel}: imports ${root}, against the graph`);
    if (root.startsWith('onnxruntime') && !onnxruntimeOwners.includes(name)) problems.push(`${rel}: imports ${root}; only core's inference seam may`);
    if (!runtimeDeps.has(root)) problems.push(`${rel}: imports ${root}, which is not in dependencies or peerDependencies`);
  }
  if (!printers.includes(name) && /\bconsole\.(log|warn|error|info|debug)\b/.test(code)) problems.push(`${rel}: uses console (libraries report through callbacks)`);
  if (/\bMath\.random\b/.test(code)) problems.push(`${rel}: uses Math.random (pass a seeded RNG)`);
}

// ESLint (eslint.config.mjs at the root: typescript-eslint's recommended rules) on the whole package.
if (!process.argv.includes('--graph-only')) {
  const { ESLint } = await import('eslint');
  const eslint = new ESLint({ cwd: path.resolve(path.dirname(new URL(import.meta.url).pathname), '..') });
  for (const result of await eslint.lintFiles([dir])) {
    for (const m of result.messages) problems.push(`eslint: ${path.relative(dir, result.filePath)}:${m.line}:${m.column} ${m.message} (${m.ruleId ?? 'parse'})`);
  }
}

if (problems.length === 0 && !process.argv.includes('--graph-only')) {
  const { publint } = await import('publint');
  const { formatMessage } = await import('publint/utils');
  const { messages } = await publint({ pkgDir: dir, level: 'warning', strict: true });
  for (const m of messages) problems.push(`publint: ${formatMessage(m, pkg) ?? m.code}`);
  try {
    const bin = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'node_modules', '.bin', 'attw');
    execFileSync(bin, ['--pack', '.', '--format', 'ascii', '--profile', 'node16'], { cwd: dir, stdio: 'pipe' });
  } catch (e) {
    problems.push(`arethetypeswrong:\n${e.stdout?.toString() ?? e.message}`);
  }
}

if (problems.length) {
  for (const p of problems) process.stderr.write(`@diffmac/${name}: ${p}\n`);
  process.exit(1);
}
process.stdout.write(`@diffmac/${name}: lint ok\n`);
