import { invalidArgument } from './errors';

function checkVariance(signalVariance: number): void {
  if (!(typeof signalVariance === 'number' && Number.isFinite(signalVariance) && signalVariance > 0)) {
    invalidArgument('signalVariance', 'a finite number > 0', signalVariance);
  }
}

/**
 * Capacity of the additive Gaussian channel at signal-to-noise ratio `snr`, in bits per element:
 * ½·log2(1 + snr) (computed with `log1p`, so tiny SNRs keep their digits).
 *
 * @example
 * gaussianChannelCapacity(3); // 1
 */
export function gaussianChannelCapacity(snr: number): number {
  if (!(typeof snr === 'number' && snr >= 0)) invalidArgument('snr', 'a number ≥ 0', snr);
  return (0.5 * Math.log1p(snr)) / Math.LN2;
}

/**
 * Rate in bits per element of the forward-diffusion channel x_t = √ᾱ·x0 + √(1−ᾱ)·ε for an input of
 * variance `signalVariance` (default 1): ½·log2(1 + ᾱ·σx²/(1 − ᾱ)). For a Gaussian input this is the
 * mutual information I(x0; x_t); for any other input of that variance it is an upper bound.
 *
 * @example
 * gaussianChannelRate(0.75); // 1 (SNR 3)
 * gaussianChannelRate(0.5, 3); // 1
 */
export function gaussianChannelRate(alphaCumprod: number, signalVariance = 1): number {
  if (!(typeof alphaCumprod === 'number' && alphaCumprod >= 0 && alphaCumprod <= 1)) {
    invalidArgument('alphaCumprod', 'a number in [0, 1]', alphaCumprod);
  }
  checkVariance(signalVariance);
  if (alphaCumprod === 1) return Infinity;
  return gaussianChannelCapacity((alphaCumprod * signalVariance) / (1 - alphaCumprod));
}

/**
 * The ᾱ at which the forward-diffusion channel carries exactly `bitsPerElement` bits per element
 * (the inverse of {@link gaussianChannelRate}): snr = 2^(2R) − 1, ᾱ = snr / (snr + σx²).
 *
 * @example
 * alphaCumprodForRate(1); // 0.75
 */
export function alphaCumprodForRate(bitsPerElement: number, signalVariance = 1): number {
  if (!(typeof bitsPerElement === 'number' && bitsPerElement >= 0)) invalidArgument('bitsPerElement', 'a number ≥ 0', bitsPerElement);
  checkVariance(signalVariance);
  if (bitsPerElement === Infinity) return 1;
  const snr = Math.expm1(2 * bitsPerElement * Math.LN2);
  return snr / (snr + signalVariance);
}
