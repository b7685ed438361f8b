import path from 'node:path';
import { scanImageFolder, type SkippedEntry } from '../image/scan-image-folder';

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
  /** Entries of each folder that are not image files: subfolders, dangling links (not scored). */
  skipped: { pred: SkippedEntry[]; gt: SkippedEntry[] };
  /** How many image files each folder holds. */
  found: { pred: number; gt: number };
}

/**
 * Match restored outputs to ground truth by file name stem, as the CelebA-Test layout does
 * (`pred/00000123.png` ↔ `gt/00000123.jpg`), following symbolic links. With no `gtDir`, every
 * image is an unpaired entry for no-reference metrics. A stem present twice in a folder
 * (`adele.png` and `adele.jpg`) is `ambiguous`, never silently paired or called missing.
 *
 * @example
 * const { pairs, missing, extra, ambiguous, skipped } = await pairFolders('out/restored', 'celeba_test/hq');
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
  const predScan = await scanImageFolder(predDir);
  const gtScan = gtDir === undefined ? { images: [], skipped: [] } : await scanImageFolder(gtDir);
  const pred = byStem(predDir, predScan.images);
  const found = { pred: predScan.images.length, gt: gtScan.images.length };
  const skipped = { pred: predScan.skipped, gt: gtScan.skipped };
  if (gtDir === undefined) {
    return { pairs: [...pred.map].sort(([a], [b]) => compare(a, b)).map(([name, p]) => ({ name, pred: p })), missing: [], extra: [], ambiguous: [...pred.dup].sort(compare), skipped, found };
  }
  const gt = byStem(gtDir, gtScan.images);
  const ambiguous = new Set([...pred.dup, ...gt.dup]);
  const pairs: ImagePair[] = [];
  const missing: string[] = [];
  for (const [name, g] of gt.map) {
    const p = pred.map.get(name);
    if (p) pairs.push({ name, pred: p, gt: g });
    else if (!ambiguous.has(name)) missing.push(name);
  }
  const extra = [...pred.map.keys()].filter((n) => !gt.map.has(n) && !ambiguous.has(n));
  pairs.sort((a, b) => compare(a.name, b.name));
  return { pairs, missing: missing.sort(compare), extra: extra.sort(compare), ambiguous: [...ambiguous].sort(compare), skipped, found };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
