/**
 * The low-level layer every diffmac package shares: one typed error, value checks, the Tensor and
 * image types, seeded RNGs, numeric helpers and pixel operations named for the reference each
 * reproduces. No dependencies.
 *
 * @packageDocumentation
 * @module @diffmac/base
 */
export {
  DiffmacError,
  describeValue,
  invalidArgument,
  throwInvalidArgument,
  type DiffmacErrorClass,
  type DiffmacErrorCode,
  type DiffmacErrorDetails,
} from './errors';
export type { Tensor, TensorData, TensorDataType } from './tensor';
export type { ColorImage, FloatImage, ImagePixels, RasterImage } from './image';
export type { AffineMatrix } from './geometry/affine-matrix';
export { assertColorImage, assertRasterImage } from './checks/image';
export { assertFinite, firstNonFinite } from './checks/finite';
export { roundHalfEven } from './numeric/round-half-even';
export { createRng, type NoiseSource, type Rng, type RngOptions } from './random/rng';
export { randn } from './random/randn';
// Pixel operations, one file each, named for the reference they reproduce bit for bit (or within float rounding)
export { resizeLinear, resizeLinearU8 } from './ops/resize-linear-cv';
export { resizeLanczos4 } from './ops/lanczos4-cv';
export { imresizeMatlab, type Plane32 } from './ops/imresize-matlab';
export { getGaussianKernel, gaussianBlurPlane, type PlaneWindow } from './ops/gaussian-blur-cv';
export { filter2d } from './ops/filter2d-cv';
export { erodePlane } from './ops/erode-cv';
export { assertBorderMode, borderIndex, type BorderMode } from './ops/border-cv';
export { resizeBilinearTorch, type ResizeBilinearTorchOptions } from './ops/resize-bilinear-torch';
export { squareResize, toRgb255, type PixelRect, type RgbFloat, type SquareGeometry } from './ops/resize-bilinear-tfjs';
export { warpBilinear, warpOnes, type InterleavedPixels, type OutputWindow } from './ops/warp-affine-cv';
// Numerics: the one symmetric eigen solver (Householder + implicit QL), its pseudo-inverse, Cholesky
export { symmetricEigen, symmetricPinv } from './numeric/symmetric-eigen';
export { cholesky, symmetricEigenvalues } from './numeric/symmetric-eigenvalues';
