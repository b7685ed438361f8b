/**
 * The one build configuration every package uses: ESM + CJS + declarations from `src/`.
 *
 * @example
 * // packages/<name>/tsup.config.ts
 * import { packageBuild } from '../../tsup.base';
 * export default packageBuild();
 */
import { defineConfig, type Options } from 'tsup';

export function packageBuild(entry: Record<string, string> = { index: 'src/index.ts' }, extra: Partial<Options> = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    splitting: false,
    treeshake: true,
    shims: true,
    ...extra,
  });
}
