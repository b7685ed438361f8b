/**
 * Keep manifest paths inside the bundle folder.
 */
import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { DiffmacError } from '@diffmac/base';

function escapes(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
}

function escapeError(path: string, root: string, what: string): DiffmacError {
  return new DiffmacError('BUNDLE_PATH_ESCAPE', `The manifest path ${JSON.stringify(path)} ${what} the bundle folder ${root}`, {
    argument: path,
    expected: 'a relative path inside the bundle folder',
    received: JSON.stringify(path),
  });
}

/**
 * Resolve a manifest path against the bundle folder; absolute paths, `..` escapes and symlinks
 * pointing outside throw `BUNDLE_PATH_ESCAPE`. Missing files resolve (existence is checked later).
 *
 * @example
 * await resolveInsideBundle('/models/tiny', 'unet/model.onnx'); // '/models/tiny/unet/model.onnx'
 */
export async function resolveInsideBundle(root: string, path: string): Promise<string> {
  if (isAbsolute(path) || /^[a-zA-Z]:[\\/]/.test(path) || path.includes('\0')) throw escapeError(path, root, 'is absolute, outside');
  const target = resolve(root, path);
  if (escapes(root, target)) throw escapeError(path, root, 'leaves');
  const real = await realpath(target).catch(() => undefined);
  if (real !== undefined) {
    const realRoot = await realpath(root);
    if (escapes(realRoot, real)) throw escapeError(path, root, 'links outside');
  }
  return target;
}
