/**
 * The batched Box–Muller fill behind the portable generator's `normal(out)`: the same stream and
 * the same float32 values as drawing `normalScalar()` one at a time (Math.log, Math.cos, Math.sin
 * in float64, rounded once), about twice as fast.
 *
 * For a float32 output each pair is computed with a fast log and sincos (a few ulp from Math's);
 * when every value within that error rounds to the same float32, that float32 is the answer,
 * otherwise (a few in a million) the exact Math expression decides. A float64 output always takes
 * the exact expression.
 */

/** xoshiro128** state, advanced in place. */
export interface XoshiroState {
  a: number;
  b: number;
  c: number;
  d: number;
}

const INV_2_53 = 1 / 9007199254740992;
const TWO_PI = 2 * Math.PI;

/**
 * Fill `out[from..]` with normals from `s`; returns the spare second value of the last pair
 * when `out` has an odd number of places left (else NaN).
 */
export function fillNormals(s: XoshiroState, out: Float32Array | Float64Array, from: number): number {
  const n = out.length;
  const single = out instanceof Float32Array;
  let { a, b, c, d } = s;
  let spare = Number.NaN;
  let i = from;
  while (i < n) {
    // Two uniforms of 53 bits, each from two 32-bit words (27 high bits, 26 low bits).
    let hi1: number;
    let lo1: number;
    do {
      let x = Math.imul(b, 5);
      hi1 = (Math.imul((x << 7) | (x >>> 25), 9) >>> 0) >>> 5;
      let t = b << 9;
      c ^= a; d ^= b; b ^= c; a ^= d; c ^= t; d = (d << 11) | (d >>> 21);
      x = Math.imul(b, 5);
      lo1 = (Math.imul((x << 7) | (x >>> 25), 9) >>> 0) >>> 6;
      t = b << 9;
      c ^= a; d ^= b; b ^= c; a ^= d; c ^= t; d = (d << 11) | (d >>> 21);
    } while ((hi1 | lo1) === 0); // u1 must be positive: draw again, as normalScalar does
    let x = Math.imul(b, 5);
    const hi2 = (Math.imul((x << 7) | (x >>> 25), 9) >>> 0) >>> 5;
    let t = b << 9;
    c ^= a; d ^= b; b ^= c; a ^= d; c ^= t; d = (d << 11) | (d >>> 21);
    x = Math.imul(b, 5);
    const lo2 = (Math.imul((x << 7) | (x >>> 25), 9) >>> 0) >>> 6;
    t = b << 9;
    c ^= a; d ^= b; b ^= c; a ^= d; c ^= t; d = (d << 11) | (d >>> 21);

    const u1 = (hi1 * 67108864 + lo1) * INV_2_53;
    const theta = TWO_PI * ((hi2 * 67108864 + lo2) * INV_2_53);
    if (single && i + 1 < n) {
      const r = Math.sqrt(-2 * log53(hi1, lo1));
      // sin/cos: reduce θ in [0, 2π) by k·π/2 into [−π/4, π/4], then minimax polynomials.
      const k = (theta * 0.6366197723675814 + 0.5) | 0;
      const y = theta - k * PIO2_HI - k * PIO2_LO;
      const z = y * y;
      const sy = y + y * z * (S1 + z * (S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)))));
      const cy = 1 - 0.5 * z + z * z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
      // Quadrant without branches (a random quadrant mispredicts): multiply by 1, −1 or 0.
      const q = k & 3;
      const even = QUADRANT_EVEN[q]!;
      const odd = QUADRANT_ODD[q]!;
      const cosT = even * cy - odd * sy;
      const sinT = even * sy + odd * cy;
      out[i] = roundOrExact(r * cosT, u1, theta, true);
      out[i + 1] = roundOrExact(r * sinT, u1, theta, false);
      i += 2;
      continue;
    }
    const r = Math.sqrt(-2 * Math.log(u1));
    out[i++] = r * Math.cos(theta);
    if (i < n) out[i++] = r * Math.sin(theta);
    else spare = r * Math.sin(theta);
  }
  s.a = a;
  s.b = b;
  s.c = c;
  s.d = d;
  return spare;
}

/** Relative error bound of the fast path (its error is below 1e-15; this leaves a wide margin). */
const MARGIN = 2 ** -40;

/** The float32 of the exact value, decided from the approximation `v` when its error cannot matter. */
function roundOrExact(v: number, u1: number, theta: number, cosine: boolean): number {
  const m = Math.abs(v) * MARGIN;
  const lo = Math.fround(v - m);
  if (lo === Math.fround(v + m)) return lo;
  const r = Math.sqrt(-2 * Math.log(u1));
  return Math.fround(r * (cosine ? Math.cos(theta) : Math.sin(theta)));
}

// fdlibm's minimax coefficients: log(1+f) = f − f²/2 + s·(f²/2 + R(s²)), s = f/(2+f),
// and the sin/cos kernels on [−π/4, π/4].
const LG1 = 6.66666666666673513e-1;
const LG2 = 3.999999999940941908e-1;
const LG3 = 2.857142874366239149e-1;
const LG4 = 2.222219843214978396e-1;
const LG5 = 1.818357216161805012e-1;
const LG6 = 1.531383769920937332e-1;
const LG7 = 1.479819860511658591e-1;
const LN2 = 0.6931471805599453;
const S1 = -1.66666666666666324348e-1;
const S2 = 8.33333333332248946124e-3;
const S3 = -1.98412698298579493134e-4;
const S4 = 2.75573137070700676789e-6;
const S5 = -2.50507602534068634195e-8;
const S6 = 1.58969099521155010221e-10;
const C1 = 4.16666666666666019037e-2;
const C2 = -1.38888888888741095749e-3;
const C3 = 2.48015872894767294178e-5;
const C4 = -2.75573143513906633035e-7;
const C5 = 2.0875723212981748279e-9;
const C6 = -1.13596475577881948265e-11;
const PIO2_HI = 1.57079632673412561417; // π/2's first 33 bits: k·PIO2_HI is exact for k ≤ 4
const PIO2_LO = 6.07710050650619224932e-11; // π/2 − PIO2_HI
/** cos(y + qπ/2) = e·cos y − o·sin y, sin(y + qπ/2) = e·sin y + o·cos y. */
const QUADRANT_EVEN = Float64Array.of(1, 0, -1, 0);
const QUADRANT_ODD = Float64Array.of(0, 1, 0, -1);
const POW2_NEG = Float64Array.from({ length: 64 }, (_, i) => 2 ** -i);

/** log(m / 2^53) for the integer m = hi·2^26 + lo in [1, 2^53), from its bit length. */
function log53(hi: number, lo: number): number {
  let top = hi !== 0 ? 57 - Math.clz32(hi) : 31 - Math.clz32(lo); // floor(log2 m)
  let x = (hi * 67108864 + lo) * POW2_NEG[top]!; // in [1, 2)
  if (x > Math.SQRT2) {
    x *= 0.5;
    top++;
  }
  const f = x - 1;
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const R = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7))) + w * (LG2 + w * (LG4 + w * LG6));
  const hfsq = 0.5 * f * f;
  return (top - 53) * LN2 - (hfsq - s * (hfsq + R) - f);
}
