#!/usr/bin/env node
// Add up the test counts in a log of `npm test` (vitest's "Tests" lines and the scripts' "<name> check: N passed, N failed"
// totals) and print them as one line: "N passed, N failed". Usage: sum-test-results.mjs LOG [EXIT_STATUS]
import fs from 'node:fs';

// eslint-disable-next-line no-control-regex -- strips terminal colour codes
const text = fs.readFileSync(process.argv[2], 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
let passed = 0;
let failed = 0;
for (const line of text.split('\n')) {
  const vitest = line.match(/^\s*(?:\S+:\s+)?Tests\s+(.*)$/);
  const pack = line.match(/^[a-z-]+ check: (\d+) passed, (\d+) failed/);
  if (vitest) {
    passed += Number(vitest[1].match(/(\d+) passed/)?.[1] ?? 0);
    failed += Number(vitest[1].match(/(\d+) failed/)?.[1] ?? 0);
  } else if (pack) {
    passed += Number(pack[1]);
    failed += Number(pack[2]);
  }
}
// A non-zero exit with no failed test still failed (a build, type or lint error): count it.
const status = Number(process.argv[3] ?? 0);
if (status !== 0 && failed === 0) failed = 1;
process.stdout.write(`${passed} passed, ${failed} failed\n`);
