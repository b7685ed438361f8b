import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const pkgDir = new URL('..', import.meta.url).pathname;
const repo = path.resolve(pkgDir, '../..');
const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
const hasGit = spawnSync('git', ['rev-parse', '--git-dir'], { cwd: repo }).status === 0;

describe('the diffmac command in a fresh clone (npx diffmac right after npm ci)', () => {
  it('points its bin at a committed, executable shim (npm links a bin only when its target exists at install time)', () => {
    expect(pkg.bin.diffmac).toBe('./bin/diffmac.js');
    expect(pkg.files).toContain('bin');
    if (!hasGit) return;
    const entry = execFileSync('git', ['ls-files', '-s', 'packages/cli/bin/diffmac.js'], { cwd: repo, encoding: 'utf8' });
    expect(entry).toMatch(/^100755 /);
  });

  // A fresh clone of the committed package: npm install links the bin before anything is built;
  // `npx diffmac` then says to build first, and once dist/ exists it runs the CLI.
  it.skipIf(!hasGit)('links `diffmac` at install, says to build first, then runs the built CLI', () => {
    const scratch = path.join(repo, '.cache', 'bin-fresh-clone');
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(scratch, { recursive: true });
    try {
      const tar = execFileSync('git', ['archive', '--format=tar', 'HEAD', 'packages/cli/package.json', 'packages/cli/bin'], { cwd: repo });
      execFileSync('tar', ['-x', '-C', scratch], { input: tar });
      // Dependencies come from the repository's node_modules above this folder; the install only links.
      const cliPkg = JSON.parse(readFileSync(path.join(scratch, 'packages/cli/package.json'), 'utf8'));
      delete cliPkg.dependencies;
      writeFileSync(path.join(scratch, 'packages/cli/package.json'), JSON.stringify(cliPkg));
      writeFileSync(path.join(scratch, 'package.json'), JSON.stringify({ name: 'fresh', private: true, workspaces: ['packages/cli'] }));
      execFileSync('npm', ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: scratch, stdio: 'pipe' });
      expect(existsSync(path.join(scratch, 'node_modules/.bin/diffmac'))).toBe(true);
      const before = spawnSync('npx', ['--no-install', 'diffmac', '--version'], { cwd: scratch, encoding: 'utf8' });
      expect(before.status).toBe(1);
      expect(before.stderr).toContain('[CLI_NOT_BUILT]');
      expect(before.stderr).toContain('npm start');
      cpSync(path.join(pkgDir, 'dist'), path.join(scratch, 'packages/cli/dist'), { recursive: true });
      const after = spawnSync('npx', ['--no-install', 'diffmac', '--version'], { cwd: scratch, encoding: 'utf8' });
      expect(after.stderr.replace(/^npm warn.*\n/gm, '')).toBe('');
      expect(after.stdout).toBe(`${pkg.version}\n`);
      expect(after.status).toBe(0);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
