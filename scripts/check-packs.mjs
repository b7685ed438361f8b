#!/usr/bin/env node
// Prove that what `npm pack` would publish installs into an empty folder and imports under both
// ESM and CommonJS, and that the `diffmac` binary runs from it. Needs `nx run-many -t build` first.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const names = fs.readdirSync(path.join(root, 'packages')).filter((n) => fs.existsSync(path.join(root, 'packages', n, 'package.json')));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'diffmac-packs-'));
let passed = 0;
let failed = 0;
const check = (label, fn) => {
  try {
    fn();
    passed += 1;
    process.stdout.write(`ok   ${label}\n`);
  } catch (e) {
    failed += 1;
    process.stdout.write(`FAIL ${label}\n${e.stderr?.toString() ?? ''}${e.message}\n`);
  }
};

try {
  const tarballs = names.map((n) => {
    const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: path.join(root, 'packages', n), encoding: 'utf8' });
    return path.join(work, out.trim().split('\n').pop());
  });
  const app = path.join(work, 'app');
  fs.mkdirSync(app);
  // The same install-script denials as the repository (onnxruntime-node's would try to download CUDA files).
  const { allowScripts } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'pack-check', private: true, version: '0.0.0', ...(allowScripts ? { allowScripts } : {}) }));
  fs.copyFileSync(path.join(root, '.npmrc'), path.join(app, '.npmrc'));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs], { cwd: app, stdio: 'pipe' });
  // Subpath entries a package exports besides '.', e.g. '@diffmac/queue/testing'.
  const subpaths = names.flatMap((n) => {
    const exp = JSON.parse(fs.readFileSync(path.join(root, 'packages', n, 'package.json'), 'utf8')).exports ?? {};
    return Object.keys(exp).filter((k) => k !== '.' && !k.endsWith('.json')).map((k) => `@diffmac/${n}${k.slice(1)}`);
  });
  for (const spec of subpaths) {
    check(`${spec} imports under ESM`, () =>
      execFileSync('node', ['--input-type=module', '-e', `const m = await import('${spec}'); if (Object.keys(m).length === 0) throw new Error('no exports');`], { cwd: app, stdio: 'pipe' }));
    check(`${spec} requires under CJS`, () =>
      execFileSync('node', ['-e', `const m = require('${spec}'); if (Object.keys(m).length === 0) throw new Error('no exports');`], { cwd: app, stdio: 'pipe' }));
  }
  for (const n of names) {
    const spec = `@diffmac/${n}`;
    check(`${spec} imports under ESM`, () =>
      execFileSync('node', ['--input-type=module', '-e', `const m = await import('${spec}'); if (Object.keys(m).length === 0) throw new Error('no exports');`], { cwd: app, stdio: 'pipe' }));
    check(`${spec} requires under CJS`, () =>
      execFileSync('node', ['-e', `const m = require('${spec}'); if (Object.keys(m).length === 0) throw new Error('no exports');`], { cwd: app, stdio: 'pipe' }));
  }
  check('diffmac --version from the installed tarball', () => {
    const out = execFileSync(path.join(app, 'node_modules', '.bin', 'diffmac'), ['--version'], { cwd: app, encoding: 'utf8' });
    const want = JSON.parse(fs.readFileSync(path.join(root, 'packages/cli/package.json'), 'utf8')).version;
    if (out.trim() !== want) throw new Error(`printed ${out.trim()}, expected ${want}`);
  });
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
process.stdout.write(`pack check: ${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
