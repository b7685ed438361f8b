/**
 * The manifold information bottleneck of DiffMAC: a learned variational bottleneck and a training-free Gaussian channel, with rates in bits. No dependencies.
 *
 * @packageDocumentation
 * @module @diffmac/mib
 */
export { MibError, describeValue, invalidArgument } from './errors';
export { assertFinite, batchLayout, type BatchLayout, type LatentTensor } from './tensor';
export type { Bottleneck, BottleneckEvent, CompressContext, CompressResult, NoiseSource } from './bottleneck';
export type { BottleneckSession, SessionFeed, SessionOutput, SessionSignature } from './session';
export { NATS_PER_BIT, bitsToNats, natsToBits } from './rate-units';
export {
  klDiagonalGaussians,
  klGaussianElement,
  klStandardNormalElement,
  klToStandardNormal,
  rateFromImageNats,
  sameShape,
  type DiagonalGaussian,
  type Rate,
} from './kl';
export { NeumaierSum } from './neumaier';
export { RateAccumulator, type RateAccumulatorState, type RateSummary } from './rate-accumulator';
export { alphaCumprodForRate, gaussianChannelCapacity, gaussianChannelRate } from './channel-capacity';
export { alphasCumprodFromBetas, betaSchedule, stableDiffusionAlphasCumprod, type BetaScheduleName, type BetaScheduleOptions } from './noise-schedule';
export {
  createGaussianChannel,
  timestepForRate,
  type GaussianChannel,
  type GaussianChannelConfig,
  type GaussianChannelContext,
  type GaussianChannelOptions,
  type GaussianChannelResult,
  type RateRounding,
  type RateTableRow,
  type TimestepForRate,
} from './gaussian-channel';
export {
  createLearnedBottleneck,
  type LearnedBottleneck,
  type LearnedBottleneckOptions,
  type LearnedBottleneckResult,
} from './learned-bottleneck';
export { blendIdentity, embedReferences, normalizeEmbedding, type IdentityEmbedder } from './identity';
export { withReferenceIdentity, type ReferenceGuidedBottleneck, type ReferenceGuidedOptions, type ReferenceSource } from './reference-guided';
export { createPassThroughBottleneck, type PassThroughBottleneck, type PassThroughResult } from './pass-through';
