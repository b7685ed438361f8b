/** Where diffmac caches files it derives on first use (converted models). */
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The default cache folder: `$DIFFMAC_CACHE_DIR`, else `$XDG_CACHE_HOME/diffmac`, else `~/.cache/diffmac`.
 *
 * @example
 * defaultCacheDir(); // '/home/me/.cache/diffmac'
 * defaultCacheDir({ DIFFMAC_CACHE_DIR: '/tmp/c' }); // '/tmp/c'
 */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (env.DIFFMAC_CACHE_DIR) return env.DIFFMAC_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'diffmac');
  return join(homedir(), '.cache', 'diffmac');
}
