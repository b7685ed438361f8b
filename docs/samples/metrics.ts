// Per-pair metrics exactly as BasicSR and lpips compute them.
import { createLpips, psnr, ssim } from '@diffmac/eval';
import type { ColorImage } from '@diffmac/core';

export async function scorePair(restored: ColorImage, gt: ColorImage, trunk: string, linearWeights: Float32Array[]) {
  const lpips = await createLpips({ trunk, linearWeights });
  const scores = {
    psnr: psnr(restored, gt, { cropBorder: 0, yChannel: false }),
    ssimY: ssim(restored, gt, { cropBorder: 0, yChannel: true }),
    lpips: await lpips.distance(restored, gt),
  };
  await lpips.dispose();
  return scores;
}
