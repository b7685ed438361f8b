/**
 * OpenCV's `cv::RNG` (multiply-with-carry, 64-bit state): the generator LMEDS draws its subsets
 * from. Reproduced so the robust estimate picks the same subsets as `estimateAffinePartial2D`.
 *
 * @example
 * const rng = new OpenCvRng(0xffffffffffffffffn); rng.uniform(0, 5);
 */
export class OpenCvRng {
  private state: bigint;

  constructor(seed: bigint) {
    this.state = seed === 0n ? 0xffffffffn : BigInt.asUintN(64, seed);
  }

  /** The next 32-bit unsigned value (`RNG::next`). */
  next(): number {
    const s = this.state;
    this.state = BigInt.asUintN(64, (s & 0xffffffffn) * 4164903690n + (s >> 32n));
    return Number(this.state & 0xffffffffn);
  }

  /** An integer in `[a, b)` as `RNG::uniform(int, int)`. */
  uniform(a: number, b: number): number {
    return a === b ? a : (this.next() % (b - a)) + a;
  }
}
