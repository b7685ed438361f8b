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
export type { ColorImage, ImagePixels, RasterImage } from './image';
export { createRng, type NoiseSource, type Rng, type RngOptions } from './random/rng';
export { randn } from './random/randn';
