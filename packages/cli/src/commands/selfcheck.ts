import { parseArgs } from 'node:util';
import { ExitCode, type Command } from '../command';
import { selfChecks, type SelfCheckResult } from '../selfcheck/checks';

const usage = `Usage: diffmac selfcheck [--json]

Exercise every @diffmac package on embedded data, offline, and report what works.

Options:
  --json   print one JSON object instead of lines`;

/** `diffmac selfcheck`: one quick, offline check per package. */
export const selfcheckCommand: Command = {
  name: 'selfcheck',
  summary: 'check that every package works on this machine (offline)',
  usage,
  async run(argv, io, signal) {
    const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false } }, strict: true });
    const results: SelfCheckResult[] = [];
    for (const check of selfChecks) {
      signal.throwIfAborted();
      const started = performance.now();
      try {
        const detail = await check.run(signal);
        results.push({ package: check.package, name: check.name, ok: true, detail, ms: performance.now() - started });
      } catch (error) {
        const detail = error instanceof Error ? `${(error as { code?: string }).code ?? error.name}: ${error.message}` : String(error);
        results.push({ package: check.package, name: check.name, ok: false, detail, ms: performance.now() - started });
      }
      if (!values.json) {
        const r = results[results.length - 1]!;
        io.stdout.write(`${r.ok ? 'ok  ' : 'FAIL'} ${r.package.padEnd(20)} ${r.name}: ${r.detail} (${r.ms.toFixed(0)} ms)\n`);
      }
    }
    const failed = results.filter((r) => !r.ok).length;
    if (values.json) io.stdout.write(`${JSON.stringify({ ok: failed === 0, results }, null, 2)}\n`);
    else io.stdout.write(`${results.length - failed} passed, ${failed} failed\n`);
    return failed === 0 ? ExitCode.ok : ExitCode.failure;
  },
};
