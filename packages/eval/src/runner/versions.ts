import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

/**
 * Versions of the `@diffmac` packages and runtimes that produced a result, for reports.
 *
 * @example
 * await packageVersions(); // { '@diffmac/eval': '0.1.0', '@diffmac/core': '0.1.0', node: 'v20.20.2' }
 */
export async function packageVersions(): Promise<Record<string, string>> {
  const require = createRequire(import.meta.url);
  const out: Record<string, string> = {};
  for (const name of ['@diffmac/eval', '@diffmac/core', '@diffmac/face-align']) {
    try {
      const file = require.resolve(`${name}/package.json`);
      out[name] = (JSON.parse(await readFile(file, 'utf8')) as { version: string }).version;
    } catch {
      out[name] = 'unknown';
    }
  }
  out.node = process.version;
  return out;
}
