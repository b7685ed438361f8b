/**
 * OpenCV's `cv::RNG` (multiply-with-carry, 64-bit state): the generator LMEDS draws its subsets
 * from. Reproduced so the robust estimate picks the same subsets as `estimateAffinePartial2D`.
 *
 * @example
 * const rng = new OpenCvRng(0xffffffffffffffffn); rng.uniform(0, 5);
 */
export class OpenCvRng {
  /** low and high 32 bits of the 64-bit state */
  private lo: number;
  private hi: number;

  constructor(seed: bigint) {
    const s = seed === 0n ? 0xffffffffn : BigInt.asUintN(64, seed);
    this.lo = Number(s & 0xffffffffn);
    this.hi = Number(s >> 32n);
  }

  /** The next 32-bit unsigned value (`RNG::next`): state = lo · 4164903690 + hi, in exact doubles. */
  next(): number {
    const cl = 4164903690 % 65536, ch = Math.floor(4164903690 / 65536);
    const a = this.lo * cl + this.hi; // < 2^49, exact
    const b = this.lo * ch; // < 2^48, exact
    const bLo = b % 65536, bHi = Math.floor(b / 65536);
    const t = bLo * 65536 + a; // < 2^50, exact
    this.lo = t % 4294967296;
    this.hi = (bHi + Math.floor(t / 4294967296)) % 4294967296;
    return this.lo;
  }

  /** An integer in `[a, b)` as `RNG::uniform(int, int)`. */
  uniform(a: number, b: number): number {
    return a === b ? a : (this.next() % (b - a)) + a;
  }
}
