import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressBar, formatDuration, type CliIo } from '../src/index';

function io(tty: boolean) {
  let err = '';
  const stderr = Object.assign(new Writable({ write: (c, _e, done) => ((err += String(c)), done()) }), { isTTY: tty, columns: 100 });
  const value: CliIo = { stdout: new Writable({ write: (_c, _e, d) => d() }), stderr, cwd: '/', env: {} };
  return { value, text: () => err };
}

describe('progress bars', () => {
  it('formats durations', () => {
    expect(formatDuration(5)).toBe('0:05');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(Number.NaN)).toBe('--:--');
  });

  it('prints plain lines with counts and ETA when stderr is not a terminal', () => {
    let t = 0;
    const out = io(false);
    const bar = createProgressBar(out.value, 'eval', 4, { now: () => t });
    t = 2000;
    bar.update(1, 'a.png');
    t = 4000;
    bar.update(2, 'b.png');
    bar.finish('2 scored');
    expect(out.text()).toContain('eval 1/4 25% elapsed 0:02 eta 0:06 a.png\n');
    expect(out.text()).toContain('eval 2/4 50% elapsed 0:04 eta 0:04 b.png\n');
    expect(out.text()).toContain('eval: 2 scored in 0:04\n');
  });

  it('redraws one line with a bar on a terminal', () => {
    let t = 0;
    const out = io(true);
    const bar = createProgressBar(out.value, 'restore', 2, { now: () => t });
    t = 1000;
    bar.update(1);
    t = 2000;
    bar.update(2);
    // eslint-disable-next-line no-control-regex -- the terminal's escape sequence is what is checked
    expect(out.text()).toMatch(/\r\x1b\[2Krestore \[#+\.+\] 1\/2/);
    expect(out.text()).toMatch(/restore \[#+\] 2\/2 100%/);
  });

  it('draws nothing when quiet', () => {
    const out = io(false);
    const bar = createProgressBar(out.value, 'x', 1, { quiet: true });
    bar.update(1);
    bar.finish();
    expect(out.text()).toBe('');
  });
});
