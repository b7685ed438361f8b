/**
 * Shared vitest settings: tests import sibling packages through the `@diffmac/source`
 * export condition, so they run on the TypeScript sources with no build first.
 */
import { defineConfig, type ViteUserConfig } from 'vitest/config';

const conditions = ['@diffmac/source', 'node', 'import', 'module', 'default'];

export function packageTests(extra: ViteUserConfig['test'] = {}) {
  return defineConfig({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['@diffmac/source'] } },
    test: {
      environment: 'node',
      include: ['test/**/*.test.ts'],
      testTimeout: 60_000,
      hookTimeout: 120_000,
      ...extra,
    },
  });
}
