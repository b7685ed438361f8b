import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commands } from '../src/index';
import { cli } from './helpers';

const version = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

describe('diffmac', () => {
  it('prints its version', async () => {
    const r = await cli(['--version']);
    expect(r).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('lists every command in --help', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of commands) expect(r.stdout).toContain(c.name);
  });

  it('shows help and exits 2 with no command', async () => {
    const r = await cli([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('Usage: diffmac');
  });

  it('rejects an unknown command with the valid ones and exit code 2', async () => {
    const r = await cli(['restorify']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "restorify"');
    expect(r.stderr).toContain('selfcheck');
  });

  it('rejects an unknown option with exit code 2', async () => {
    const r = await cli(['selfcheck', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--bogus');
  });

  it('prints per-command help', async () => {
    const r = await cli(['selfcheck', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: diffmac selfcheck');
  });

  it('selfcheck passes every check and reports JSON', async () => {
    const r = await cli(['selfcheck', '--json']);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(true);
    expect(r.code).toBe(0);
    const packages = new Set(report.results.map((x: { package: string }) => x.package));
    for (const p of ['@diffmac/scheduler', '@diffmac/mib', '@diffmac/core']) expect(packages).toContain(p);
  });
});
