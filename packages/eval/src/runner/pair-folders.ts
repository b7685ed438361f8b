import path from 'node:path';
import { listImages } from '../degradation/degrade-folder';

/** One restored image and, in paired mode, its ground truth. */
export interface ImagePair {
  /** The shared name stem (file name without extension). */
  name: string;
  pred: string;
  gt?: string;
}

/** How two folders matched up. */
export interface FolderPairing {
  pairs: ImagePair[];
  /** Ground-truth names with no restored image. */
  missing: string[];
  /** Restored names with no ground truth. */
  extra: string[];
  /** Names that appear twice in one folder under different extensions (not scored). */
  ambiguous: string[];
}

/**
 * Match restored outputs to ground truth by file name stem, as the CelebA-Test layout does
 * (`pred/00000123.png` ↔ `gt/00000123.jpg`). With no `gtDir`, every image is an unpaired entry
 * for no-reference metrics.
 *
 * @example
 * const { pairs, missing, extra } = await pairFolders('out/restored', 'celeba_test/hq');
 */
export async function pairFolders(predDir: string, gtDir?: string): Promise<FolderPairing> {
  const byStem = (dir: string, files: string[]) => {
    const map = new Map<string, string>();
    const dup = new Set<string>();
    for (const f of files) {
      const stem = path.parse(f).name;
      if (map.has(stem)) dup.add(stem);
      map.set(stem, path.join(dir, f));
    }
    for (const d of dup) map.delete(d);
    return { map, dup };
  };
  const pred = byStem(predDir, await listImages(predDir));
  if (gtDir === undefined) {
    return { pairs: [...pred.map].sort(([a], [b]) => compare(a, b)).map(([name, p]) => ({ name, pred: p })), missing: [], extra: [], ambiguous: [...pred.dup].sort() };
  }
  const gt = byStem(gtDir, await listImages(gtDir));
  const pairs: ImagePair[] = [];
  const missing: string[] = [];
  for (const [name, g] of gt.map) {
    const p = pred.map.get(name);
    if (p) pairs.push({ name, pred: p, gt: g });
    else missing.push(name);
  }
  const extra = [...pred.map.keys()].filter((n) => !gt.map.has(n));
  pairs.sort((a, b) => compare(a.name, b.name));
  return { pairs, missing: missing.sort(compare), extra: extra.sort(compare), ambiguous: [...new Set([...pred.dup, ...gt.dup])].sort() };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
