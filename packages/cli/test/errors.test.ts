import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commands, type Command } from '../src/index';
import { cli } from './helpers';

const added: Command[] = [];
function withCommand(run: Command['run']): string {
  const name = `probe-${added.length}`;
  const c: Command = { name, summary: 'test probe', usage: `Usage: diffmac ${name}`, run };
  (commands as Command[]).push(c);
  added.push(c);
  return name;
}
afterEach(() => {
  for (const c of added.splice(0)) (commands as Command[]).splice((commands as Command[]).indexOf(c), 1);
});

describe('diffmac reports every error as one line with its code (item 5)', () => {
  it('an error with no code of its own is INTERNAL_ERROR on one line, no stack; --debug adds the stack', async () => {
    const name = withCommand(async () => {
      throw new TypeError('Cannot read properties of undefined (reading "x")');
    });
    const r = await cli([name]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`diffmac ${name}: [INTERNAL_ERROR] Cannot read properties of undefined (reading "x") (run with --debug for the stack)\n`);
    const d = await cli([name, '--debug']);
    expect(d.code).toBe(1);
    expect(d.stderr.split('\n')[0]).toBe(`diffmac ${name}: [INTERNAL_ERROR] Cannot read properties of undefined (reading "x")`);
    expect(d.stderr).toContain('    at ');
  });

  it('a typed error keeps its code; a multi-line message stays on one line', async () => {
    const name = withCommand(async () => {
      throw Object.assign(new Error('first\n  second'), { code: 'SOME_CODE' });
    });
    const r = await cli([name]);
    expect(r.stderr).toBe(`diffmac ${name}: [SOME_CODE] first second\n`);
  });

  it.each([
    [['selfcheck', '--bogus'], 'CLI_UNKNOWN_OPTION'],
    [['eval', '--pred'], 'CLI_INVALID_OPTION_VALUE'],
    [['eval', '--pred', 'x', '--workers', '1.5'], 'CLI_USAGE'],
    [['degrade'], 'CLI_USAGE'],
    [['restorify'], 'CLI_UNKNOWN_COMMAND'],
  ])('bad command line %j exits 2 with code %s', async (argv, code) => {
    const r = await cli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toContain(`[${code}]`);
  });

  it('a non-JSON --lpips-weights or a missing --niqe-params file is a typed one-line error', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'diffmac-err-'));
    await writeFile(path.join(dir, 'w.json'), 'not json');
    const a = await cli(['eval', '--pred', dir, '--lpips-trunk', 't.onnx', '--lpips-weights', 'w.json', '--metrics', 'lpips'], { cwd: dir });
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/^diffmac eval: \[LPIPS_WEIGHTS_INVALID\] .*w\.json is neither a PyTorch checkpoint \(\.pth\) nor JSON/);
    expect(a.stderr.split('\n')).toHaveLength(2);
    const b = await cli(['eval', '--pred', dir, '--niqe-params', 'nope.json', '--metrics', 'niqe'], { cwd: dir });
    expect(b.stderr).toMatch(/^diffmac eval: \[OPTION_FILE_UNREADABLE\] --niqe-params: cannot read/);
  });
});
