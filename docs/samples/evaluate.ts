// Make a CelebA-Test-style set and score a restorer's outputs on it.
import { degradeFolder, evaluateFolders } from '@diffmac/eval';

export async function benchmark(hqDir: string, restoredDir: string): Promise<number> {
  await degradeFolder(hqDir, 'work/lq', { preset: 'gfpgan', seed: 0 }); // restore work/lq into restoredDir, then:
  const result = await evaluateFolders({ pred: restoredDir, gt: hqDir, lq: 'work/lq', outDir: 'work/eval', metrics: ['psnr', 'ssim', 'idcos'], protocol: 'basicsr' });
  return result.summary.psnr!.mean; // result.files.html is the report
}
