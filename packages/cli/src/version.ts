import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The installed @diffmac/cli version, read from its package.json. */
export const cliVersion: string = (require('../package.json') as { version: string }).version;
