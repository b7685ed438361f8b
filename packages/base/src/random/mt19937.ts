/**
 * The 32-bit Mersenne Twister (MT19937) exactly as PyTorch's CPU generator runs it
 * (`at::mt19937`: Matsumoto–Nishimura 2002 initialisation from a 32-bit seed).
 *
 * @example
 * const mt = new Mt19937(5489);
 * mt.next(); // 3499211612, the reference generator's first output for its default seed
 */
export class Mt19937 {
  private readonly state = new Uint32Array(624);
  private index = 624;

  constructor(seed: number) {
    const s = this.state;
    s[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = s[i - 1]! ^ (s[i - 1]! >>> 30);
      // 1812433253 * prev + i, modulo 2^32, without losing bits to float64.
      s[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  /** The next 32-bit output, as an unsigned integer. */
  next(): number {
    if (this.index >= 624) this.twist();
    let y = this.state[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Fill `out` with the next `out.length` outputs (the same stream as repeated `next()`). */
  fill(out: Uint32Array): void {
    for (let i = 0; i < out.length; i++) out[i] = this.next();
  }

  private twist(): void {
    const s = this.state;
    for (let i = 0; i < 624; i++) {
      const y = (s[i]! & 0x80000000) | (s[(i + 1) % 624]! & 0x7fffffff);
      let v = s[(i + 397) % 624]! ^ (y >>> 1);
      if (y & 1) v ^= 0x9908b0df;
      s[i] = v >>> 0;
    }
    this.index = 0;
  }
}
