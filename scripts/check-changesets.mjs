#!/usr/bin/env node
// Prove the release flow: in a scratch copy of the workspace manifests, add a changeset for one
// package and run `changeset version`; every @diffmac package (one fixed group) must be bumped.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'diffmac-changesets-'));
let failed = 0;
try {
  fs.copyFileSync(path.join(root, 'package.json'), path.join(work, 'package.json'));
  fs.mkdirSync(path.join(work, '.changeset'));
  fs.copyFileSync(path.join(root, '.changeset/config.json'), path.join(work, '.changeset/config.json'));
  const names = fs.readdirSync(path.join(root, 'packages')).filter((n) => fs.existsSync(path.join(root, 'packages', n, 'package.json')));
  const before = {};
  for (const n of names) {
    fs.mkdirSync(path.join(work, 'packages', n), { recursive: true });
    fs.copyFileSync(path.join(root, 'packages', n, 'package.json'), path.join(work, 'packages', n, 'package.json'));
    before[n] = JSON.parse(fs.readFileSync(path.join(work, 'packages', n, 'package.json'), 'utf8')).version;
  }
  fs.writeFileSync(path.join(work, '.changeset/check-bump.md'), "---\n'@diffmac/mib': minor\n---\n\nCheck the fixed group bumps together.\n");
  execFileSync('git', ['init', '-q'], { cwd: work });
  execFileSync(process.execPath, [path.join(root, 'node_modules/@changesets/cli/bin.js'), 'version'], { cwd: work, stdio: 'pipe' });
  for (const n of names) {
    const after = JSON.parse(fs.readFileSync(path.join(work, 'packages', n, 'package.json'), 'utf8')).version;
    const ok = after !== before[n];
    if (!ok) failed += 1;
    process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} changeset version bumps @diffmac/${n}: ${before[n]} -> ${after}\n`);
  }
} catch (e) {
  failed += 1;
  process.stdout.write(`FAIL changeset version: ${e.stderr?.toString() ?? e.message}\n`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
process.stdout.write(`changeset check: ${failed === 0 ? 1 : 0} passed, ${failed === 0 ? 0 : 1} failed\n`);
process.exit(failed === 0 ? 0 : 1);
