import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ReportGridEntry } from '../report/html-report';
import type { ImagePair } from './pair-folders';
import { thumbnailDataUri } from './thumbnail';

/**
 * The picture grid of a report: `size` pairs spread evenly over the set, each as LQ (found by
 * name stem in `lqDir`, when given) | restored | GT thumbnails.
 *
 * @example
 * const grid = await reportGrid(pairs, { size: 12, lqDir: 'celeba/lq' });
 */
export async function reportGrid(pairs: readonly ImagePair[], options: { size: number; lqDir?: string | undefined }): Promise<ReportGridEntry[]> {
  const size = Math.min(options.size, pairs.length);
  const grid: ReportGridEntry[] = [];
  for (let i = 0; i < size; i++) {
    const p = pairs[Math.floor((i * pairs.length) / size)]!;
    const lqFile = options.lqDir ? findByStem(options.lqDir, p.name) : undefined;
    const restored = await thumbnailDataUri(p.pred);
    if (!restored) continue;
    const lq = lqFile ? await thumbnailDataUri(lqFile) : undefined;
    const gt = p.gt ? await thumbnailDataUri(p.gt) : undefined;
    grid.push({ name: p.name, restored, ...(lq ? { lq } : {}), ...(gt ? { gt } : {}) });
  }
  return grid;
}

/**
 * The image file of `dir` named `stem` with a common image extension, if there is one.
 *
 * @example
 * findByStem('celeba/lq', '00000001'); // 'celeba/lq/00000001.png'
 */
export function findByStem(dir: string, stem: string): string | undefined {
  for (const ext of ['.png', '.jpg', '.jpeg', '.webp']) {
    const f = path.join(dir, stem + ext);
    if (existsSync(f)) return f;
  }
  return undefined;
}
