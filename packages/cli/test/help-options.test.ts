import { describe, expect, it } from 'vitest';
import { commands } from '../src/index';
import { cli } from './helpers';

/** Every `--flag` (and `-x, --flag`) a help text lists in its Options section, whether it takes a value, and the lines that describe it. */
function listedOptions(usage: string): { flag: string; short?: string; value: boolean; text: string }[] {
  const out: { flag: string; short?: string; value: boolean; text: string }[] = [];
  const lines = usage.split('\n');
  const start = lines.findIndex((l) => /^Options:/.test(l));
  for (let i = start + 1; i > 0 && i < lines.length; i++) {
    const m = /^\s{2}(?:(-\w), )?(--[\w-]+)(\s+<[^>]+>)?/.exec(lines[i]!);
    if (!m) continue;
    let text = lines[i]!;
    for (let j = i + 1; j < lines.length && /^\s{10,}\S/.test(lines[j]!); j++) text += ` ${lines[j]!.trim()}`;
    out.push({ flag: m[2]!, ...(m[1] ? { short: m[1] } : {}), value: Boolean(m[3]) || /--parameterization/.test(m[2]!), text });
  }
  return out;
}

/**
 * A command line that parses `option` and then stops before any real work: a required argument is
 * left out (or, for commands without one, an unexpected argument is added).
 */
function probe(command: string, option: string[]): string[][] {
  if (command === 'bundle') return [];
  if (command === 'demo' || command === 'selfcheck') return [[command, ...option, 'unexpected-argument']];
  return [[command, ...option]];
}

const bundleSubs = ['make-tiny', 'check', 'init'] as const;

describe('every option a help text lists is accepted (item 6)', () => {
  for (const c of commands) {
    const options = listedOptions(c.usage);
    it(`${c.name}: ${options.map((o) => o.flag).join(' ')}`, async () => {
      expect(options.length).toBeGreaterThan(0);
      for (const o of options) {
        const values = o.value ? [o.flag, '1'] : [o.flag];
        const forms = o.short ? [values, [o.short, ...values.slice(1)]] : [values];
        for (const form of forms) {
          let lines = probe(c.name, form);
          if (c.name === 'bundle') {
            const subs = bundleSubs.filter((s) => o.text.includes(`${s}:`));
            lines = (subs.length ? subs : bundleSubs).map((s) => ['bundle', s, ...form]);
          }
          for (const argv of lines) {
            const r = await cli(argv);
            expect(r.stderr, `diffmac ${argv.join(' ')}`).not.toMatch(/CLI_UNKNOWN_OPTION|CLI_INVALID_OPTION_VALUE|Unknown option/);
            expect([0, 1, 2], `diffmac ${argv.join(' ')}: ${r.stderr}`).toContain(r.code);
          }
        }
      }
    }, 120_000);
  }
});
