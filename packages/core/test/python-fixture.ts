/**
 * Run a fixture generator with Debian's /usr/bin/python3 (torch, numpy, onnx) once and cache its
 * output under the package's gitignored `.cache/fixtures/<name>-<script hash>/`.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export function pythonFixture(script: string, name: string, extraArgs: readonly string[] = []): string {
  const path = resolve(here, 'fixtures', script);
  const hash = createHash('sha256').update(readFileSync(path)).update(extraArgs.join('\0')).digest('hex').slice(0, 12);
  const root = resolve(here, '..', '.cache', 'fixtures');
  const dir = join(root, `${name}-${hash}`);
  if (existsSync(dir)) return dir;
  mkdirSync(root, { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  execFileSync('/usr/bin/python3', [path, tmp, ...extraArgs], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 });
  try {
    renameSync(tmp, dir);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(dir)) throw error;
  }
  return dir;
}
