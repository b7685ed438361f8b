import { describeValue, invalidArgument, MibError } from './errors';
import type { Rate } from './kl';
import { NeumaierSum } from './neumaier';

/** Serializable state of a {@link RateAccumulator} (merge it across workers). */
export interface RateAccumulatorState {
  readonly type: 'diffmac-rate-accumulator';
  readonly version: 1;
  readonly images: number;
  readonly elements: number;
  /** Compensated sum of bits per image: [sum, compensation]. */
  readonly bits: readonly [number, number];
  /** Sum of squared deviations of the per-image bits from their mean (Chan et al.'s M2). */
  readonly m2: number;
  readonly minBitsPerImage: number;
  readonly maxBitsPerImage: number;
}

/** What a {@link RateAccumulator} reports over everything it has seen. */
export interface RateSummary {
  readonly images: number;
  readonly elements: number;
  readonly totalBits: number;
  /** Mean of the per-image rates. */
  readonly meanBitsPerImage: number;
  /** Population standard deviation of the per-image rates. */
  readonly stdBitsPerImage: number;
  readonly minBitsPerImage: number;
  readonly maxBitsPerImage: number;
  /** `totalBits / elements` (element-weighted, so mixed image sizes are counted fairly). */
  readonly bitsPerElement: number;
}

/**
 * Rate bookkeeping across a batch or a dataset: add each call's per-image rates, merge
 * accumulators from workers, and read totals, mean/std per image and bits per element (float64,
 * compensated sums). Construct an empty one, or restore one from {@link RateAccumulator.toJSON}.
 *
 * @example
 * const acc = new RateAccumulator();
 * acc.add((await mib.compress(z, { rng })).rate);
 * acc.compute().meanBitsPerImage;
 */
export class RateAccumulator {
  private images = 0;
  private elements = 0;
  private bits = new NeumaierSum();
  private m2 = 0;
  private min = Infinity;
  private max = -Infinity;

  constructor(state?: RateAccumulatorState) {
    if (state !== undefined) this.merge(state);
  }

  /** Add one image's rate, `bits` over `elements` values. */
  addImage(bits: number, elements: number): this {
    if (!(typeof bits === 'number' && Number.isFinite(bits) && bits >= 0)) invalidArgument('bits', 'a finite number ≥ 0', bits);
    if (!(Number.isInteger(elements) && elements > 0)) invalidArgument('elements', 'a positive integer', elements);
    // Welford: update M2 around the running mean before adding the new value.
    const n = this.images + 1;
    const before = this.images ? this.bits.value / this.images : 0;
    this.bits.add(bits);
    const after = this.bits.value / n;
    this.m2 += (bits - before) * (bits - after);
    this.images = n;
    this.elements += elements;
    this.min = Math.min(this.min, bits);
    this.max = Math.max(this.max, bits);
    return this;
  }

  /** Add every image of a {@link Rate} (e.g. `result.rate` from `compress`). */
  add(rate: Rate): this {
    if (typeof rate !== 'object' || rate === null || !(rate.bitsPerImage instanceof Float64Array)) {
      invalidArgument('rate', 'a Rate ({ bitsPerImage, elementsPerImage, ... })', rate);
    }
    for (const b of rate.bitsPerImage) this.addImage(b, rate.elementsPerImage);
    return this;
  }

  /** Fold another accumulator (or its JSON state) into this one. */
  merge(other: RateAccumulator | RateAccumulatorState): this {
    const s = other instanceof RateAccumulator ? other.toJSON() : other;
    if (typeof s !== 'object' || s === null || s.type !== 'diffmac-rate-accumulator' || s.version !== 1) {
      throw new MibError('INVALID_STATE', `Expected a diffmac-rate-accumulator state of version 1, received ${describeValue(s)}`, {
        argument: 'other',
        expected: "{ type: 'diffmac-rate-accumulator', version: 1, ... }",
        received: describeValue(s),
      });
    }
    if (s.images === 0) return this;
    // Chan et al.: M2 = M2a + M2b + δ²·na·nb/n, δ the difference of the two means.
    const na = this.images;
    const nb = s.images;
    const meanA = na ? this.bits.value / na : 0;
    const meanB = (s.bits[0] + s.bits[1]) / nb;
    const delta = meanB - meanA;
    this.m2 += s.m2 + (na ? (delta * delta * na * nb) / (na + nb) : 0);
    this.bits.add(s.bits[0]);
    this.bits.add(s.bits[1]);
    this.images = na + nb;
    this.elements += s.elements;
    this.min = Math.min(this.min, s.minBitsPerImage);
    this.max = Math.max(this.max, s.maxBitsPerImage);
    return this;
  }

  /** The summary so far (all zeros and NaN means when nothing was added). */
  compute(): RateSummary {
    const n = this.images;
    const total = this.bits.value;
    const mean = n ? total / n : Number.NaN;
    const variance = n ? Math.max(0, this.m2 / n) : Number.NaN;
    return {
      images: n,
      elements: this.elements,
      totalBits: total,
      meanBitsPerImage: mean,
      stdBitsPerImage: Math.sqrt(variance),
      minBitsPerImage: n ? this.min : Number.NaN,
      maxBitsPerImage: n ? this.max : Number.NaN,
      bitsPerElement: this.elements ? total / this.elements : Number.NaN,
    };
  }

  /** Plain JSON state: send it between workers, then `merge` or `new RateAccumulator(state)`. */
  toJSON(): RateAccumulatorState {
    return {
      type: 'diffmac-rate-accumulator',
      version: 1,
      images: this.images,
      elements: this.elements,
      bits: this.bits.parts,
      m2: this.m2,
      minBitsPerImage: this.images ? this.min : 0,
      maxBitsPerImage: this.images ? this.max : 0,
    };
  }
}
