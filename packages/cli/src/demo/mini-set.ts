import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DiffmacError } from '@diffmac/base';

/**
 * The bundled HQ mini-set: three aligned 512² faces made from the public-domain NASA astronaut
 * portrait (assets/mini-set/SOURCE.json says how). Found next to the bundle (dist/) or the sources.
 */
export function miniSetDir(): string {
  for (const candidate of ['../assets/mini-set/', '../../assets/mini-set/']) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(dir)) return dir;
  }
  throw new DiffmacError('MINI_SET_MISSING', 'The bundled mini-set (assets/mini-set) is missing from this installation of @diffmac/cli: reinstall the package', {
    expected: 'assets/mini-set next to the installed package',
    received: fileURLToPath(new URL('../assets/mini-set/', import.meta.url)),
  });
}
