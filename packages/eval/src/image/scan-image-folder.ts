import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { DiffmacError } from '@diffmac/base';

/** Image file extensions a dataset folder may hold. */
export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg', '.webp', '.bmp', '.tif', '.tiff'];

/** An entry of a dataset folder that is not read, with the reason (reported, never silent). */
export interface SkippedEntry {
  name: string;
  reason: 'subfolder' | 'dangling-symlink' | 'not-a-file';
}

/** What {@link scanImageFolder} found. */
export interface ImageFolderScan {
  /** Image file names (symlinks to files included), sorted by name. */
  images: string[];
  /** Subfolders, dangling symlinks and other entries that are not image files. */
  skipped: SkippedEntry[];
}

/**
 * The image files of a dataset folder, following symbolic links (researchers link CelebA-Test
 * rather than copy it): a link to a file counts as that file; subfolders, links to folders,
 * dangling links and an entry named like an image that is a folder are listed in `skipped`.
 * Typed errors: `FOLDER_NOT_FOUND` (missing or unreadable), `NOT_A_FOLDER` (a file was given).
 *
 * @example
 * const { images, skipped } = await scanImageFolder('celeba/hq'); // images: ['00000.png', ...]
 */
export async function scanImageFolder(dir: string): Promise<ImageFolderScan> {
  const info = await stat(dir).catch((cause: unknown) => {
    throw new DiffmacError('FOLDER_NOT_FOUND', `The folder ${dir} does not exist or cannot be read (${(cause as { code?: string }).code ?? (cause as Error).message})`, {
      argument: 'dir',
      expected: 'a readable folder of images',
      received: dir,
      cause,
    });
  });
  if (!info.isDirectory()) {
    throw new DiffmacError('NOT_A_FOLDER', `${dir} is a file, not a folder of images`, { argument: 'dir', expected: 'a folder of images', received: `a file (${info.size} bytes)` });
  }
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (cause) {
    throw new DiffmacError('FOLDER_UNREADABLE', `Cannot list the folder ${dir}: ${(cause as Error).message}`, { argument: 'dir', expected: 'a readable folder', received: dir, cause });
  }
  const images: string[] = [];
  const skipped: SkippedEntry[] = [];
  for (const e of entries) {
    let kind: 'file' | 'dir' | 'other' | 'dangling' = e.isFile() ? 'file' : e.isDirectory() ? 'dir' : 'other';
    if (e.isSymbolicLink()) {
      const target = await stat(path.join(dir, e.name)).catch(() => undefined);
      kind = !target ? 'dangling' : target.isFile() ? 'file' : target.isDirectory() ? 'dir' : 'other';
    }
    const isImageName = IMAGE_EXTENSIONS.includes(path.extname(e.name).toLowerCase());
    if (kind === 'file') {
      if (isImageName) images.push(e.name);
    } else if (kind === 'dir') skipped.push({ name: e.name, reason: 'subfolder' });
    else if (kind === 'dangling') skipped.push({ name: e.name, reason: 'dangling-symlink' });
    else if (isImageName) skipped.push({ name: e.name, reason: 'not-a-file' });
  }
  const byName = (a: { name: string } | string, b: { name: string } | string) => {
    const x = typeof a === 'string' ? a : a.name, y = typeof b === 'string' ? b : b.name;
    return x < y ? -1 : x > y ? 1 : 0;
  };
  return { images: images.sort(byName), skipped: skipped.sort(byName) };
}

/**
 * Image files of a folder (by extension, symlinks followed), sorted by name; typed error when
 * the folder is missing. {@link scanImageFolder} also says what was skipped.
 *
 * @example
 * await listImages('celeba/hq'); // ['00000.png', '00001.png', ...]
 */
export async function listImages(dir: string): Promise<string[]> {
  return (await scanImageFolder(dir)).images;
}
