// The Gaussian-channel bottleneck: choose a rate in bits, get the timestep that carries it.
import { createGaussianChannel, stableDiffusionAlphasCumprod } from '@diffmac/mib';

export function channelForRate(bitsPerElement: number) {
  const channel = createGaussianChannel({ alphasCumprod: stableDiffusionAlphasCumprod(), targetBitsPerElement: bitsPerElement });
  return { rateAt300: channel.rateAt(300), range: channel.rateRange(), timestep: channel.timestepForRate(bitsPerElement) };
}
