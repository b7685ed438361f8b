// Where the golden data is: the one resolver every test and benchmark uses.
//   1. $DIFFMAC_GOLDEN, when set;
//   2. ../shared/golden next to the repository, when it exists (the authoritative copy, which may
//      hold more cases than the repository carries);
//   3. golden/ in the repository (the visible cases that may be redistributed; see golden/README.md).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The golden data folder in use (absolute path). */
export function goldenRoot() {
  if (process.env.DIFFMAC_GOLDEN) return path.resolve(process.env.DIFFMAC_GOLDEN);
  const shared = path.resolve(repo, '..', 'shared', 'golden');
  return existsSync(shared) ? shared : path.join(repo, 'golden');
}

/** A path inside the golden data, e.g. goldenPath('metrics', 'expected.json'). */
export function goldenPath(...parts) {
  return path.join(goldenRoot(), ...parts);
}

/** The same as a file URL with a trailing slash for folders, for `new URL(name, goldenUrl('schedulers'))`. */
export function goldenUrl(...parts) {
  const p = goldenPath(...parts);
  return new URL(`file://${p}${p.endsWith('/') ? '' : '/'}`);
}

/** Whether the folder in use is the repository's own copy (which leaves out non-redistributable cases). */
export function usingVendoredGolden() {
  return goldenRoot() === path.join(repo, 'golden');
}
