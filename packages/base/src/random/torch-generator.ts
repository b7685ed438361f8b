import { logF32, sincosF32 } from './avx-mathfun';
import { Mt19937 } from './mt19937';

const TWO_PI_F32 = Math.fround(2 * Math.PI);
const INV_2_24 = 1 / 16777216;
const INV_2_53 = 1 / 9007199254740992;

/**
 * PyTorch's CPU generator (`torch.Generator().manual_seed(seed)`) and what `torch.rand` /
 * `torch.randn` draw from it: mt19937 words, 24-bit float and 53-bit double uniforms, and the
 * normal kernel's two paths. A tensor of 16 or more values is filled with uniforms and turned
 * into normals 16 at a time (float32 through the AVX2 kernel's Cephes log/sincos, float64 through
 * libm); a shorter one takes one float64 Box–Muller value at a time, keeping the pair's second
 * value for the next call.
 *
 * @example
 * const g = new TorchGenerator(42);
 * const x = new Float32Array(4);
 * g.randn(x); // torch.randn(4, generator=torch.Generator().manual_seed(42))
 */
export class TorchGenerator {
  private readonly mt: Mt19937;
  private cachedNormal = Number.NaN;
  private readonly sincos = new Float64Array(2);

  /** `seed` as `manual_seed` takes it: an integer from 0 to 2^64 − 1 (only its low 32 bits seed mt19937). */
  constructor(seed: number | bigint) {
    const low = typeof seed === 'bigint' ? Number(BigInt.asUintN(32, seed)) : seed % 4294967296;
    this.mt = new Mt19937(low >>> 0);
  }

  /** `generator.random()`: the next 32-bit word. */
  random(): number {
    return this.mt.next();
  }

  /** A double in [0, 1) from `random64()`'s low 53 bits (`torch.rand(..., dtype=torch.float64)`). */
  uniformDouble(): number {
    const hi = this.mt.next();
    const lo = this.mt.next();
    return ((hi & 0x1fffff) * 4294967296 + lo) * INV_2_53;
  }

  /** One value of `normal_distribution<double>`, with the pair's cached second value. */
  normalDouble(): number {
    if (!Number.isNaN(this.cachedNormal)) {
      const v = this.cachedNormal;
      this.cachedNormal = Number.NaN;
      return v;
    }
    const u1 = this.uniformDouble();
    const u2 = this.uniformDouble();
    const r = Math.sqrt(-2 * Math.log(1 - u2));
    const theta = 2 * Math.PI * u1;
    this.cachedNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** Fill `out` as `torch.randn(out.length, dtype=float32 | float64, generator=g)` does. */
  randn(out: Float32Array | Float64Array): void {
    const n = out.length;
    if (n < 16) {
      for (let i = 0; i < n; i++) out[i] = this.normalDouble();
      return;
    }
    const single = out instanceof Float32Array;
    for (let i = 0; i < n; i++) out[i] = single ? this.uniformFloat() : this.uniformDouble();
    for (let i = 0; i + 16 <= n; i += 16) this.normal16(out, i, single);
    if (n % 16 !== 0) {
      // torch redraws the uniforms of the last 16 places and transforms them again.
      const start = n - 16;
      for (let i = start; i < n; i++) out[i] = single ? this.uniformFloat() : this.uniformDouble();
      this.normal16(out, start, single);
    }
  }

  private uniformFloat(): number {
    return (this.mt.next() & 0xffffff) * INV_2_24;
  }

  /** Box–Muller on 16 uniforms in place: u[j] and u[j + 8] give normals j (cos) and j + 8 (sin). */
  private normal16(data: Float32Array | Float64Array, at: number, single: boolean): void {
    const sc = this.sincos;
    for (let j = 0; j < 8; j++) {
      const u1 = 1 - data[at + j]!;
      const u2 = data[at + j + 8]!;
      if (single) {
        const radius = Math.fround(Math.sqrt(Math.fround(-2 * logF32(Math.fround(u1)))));
        sincosF32(Math.fround(TWO_PI_F32 * u2), sc);
        data[at + j] = radius * sc[1]!;
        data[at + j + 8] = radius * sc[0]!;
      } else {
        const radius = Math.sqrt(-2 * Math.log(u1));
        const theta = 2 * Math.PI * u2;
        data[at + j] = radius * Math.cos(theta);
        data[at + j + 8] = radius * Math.sin(theta);
      }
    }
  }
}
