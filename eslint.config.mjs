// ESLint for the whole repository: typescript-eslint's recommended rules on every package's
// sources, tests and benchmarks. The package graph, console and Math.random rules stay in
// scripts/lint-package.mjs (they need the graph); formatting is left to the editor.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.cache/**', 'docs/.vitepress/**', 'docs/api/**', 'artifacts/**', 'golden/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
);
