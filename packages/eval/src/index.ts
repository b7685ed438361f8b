export { DiffmacError } from '@diffmac/core';
export { psnr, meanSquaredError } from './metrics/psnr';
export type { PixelMetricOptions } from './metrics/psnr';
export { ssim, ssimPlane, ssimGaussian1d } from './metrics/ssim';
export { toPlanes, yOfPixel } from './image/planes';
export type { Planes } from './image/planes';
export { assertImage, assertSamePair, assertCropBorder, shapeOf } from './image/validate';
