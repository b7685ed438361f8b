#!/usr/bin/env node
// The `diffmac` command's committed entry point. npm links a package's bin only when its target
// exists at install time; the CLI itself is built later (dist/), so this small file is what npm
// links, and it loads the built CLI, or says how to build it.
import { existsSync } from 'node:fs';

const built = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(built)) {
  process.stderr.write(
    'diffmac: [CLI_NOT_BUILT] the CLI is not built yet (packages/cli/dist/bin.js is missing). ' +
      'In a checkout of the repository run `npm start` (or `npm run build`) first, then `npx diffmac --help`.\n',
  );
  process.exitCode = 1;
} else {
  await import(built.href);
}
