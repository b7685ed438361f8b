/**
 * Float32 logarithm and sine/cosine computed step by step as the Cephes-derived AVX routines
 * (`log256_ps`, `sincos256_ps`) that PyTorch's CPU `normal_` kernel uses on AVX2 machines.
 * Every intermediate is rounded to float32 in the same order, and the multiply-adds that the
 * compiler fuses are evaluated with a single rounding, so the results match bit for bit.
 */

const f = Math.fround;

/** a * b + c rounded once to float32 (a, b, c float32), as one fused multiply-add instruction. */
function fmaF32(a: number, b: number, c: number): number {
  const p = a * b; // exact: a 24-bit by 24-bit product fits in float64's 53 bits
  const s = p + c;
  const r = f(s);
  if (r === s) return r;
  // The float64 sum may itself be rounded; only when it lands exactly halfway between two
  // float32 values (then 2s − r is the other one) can that change the float32 result, and
  // then the sign of the float64 rounding error decides.
  const other = 2 * s - r;
  if (f(other) !== other) return r;
  const bb = s - p;
  const err = p - (s - bb) + (c - bb);
  if (err === 0) return r;
  return err > 0 === other > r ? other : r;
}

// eslint-disable-next-line no-loss-of-precision -- the constant as the reference C source writes it (it rounds to the intended double)
const SQRTHF = f(0.707106781186547524);
const LOG_P = [
  7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1,
  -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
].map(f);
const LOG_Q1 = f(-2.12194440e-4);
const LOG_Q2 = f(0.693359375);
const MIN_NORM_POS = 1.1754943508222875e-38;
/** POW2[i] = 2^(i − 150), exact powers of two for the exponent split. */
const POW2 = Float64Array.from({ length: 300 }, (_, i) => 2 ** (i - 150));

/** log(x) for a float32 x > 0, as `log256_ps`. */
export function logF32(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (x < MIN_NORM_POS) x = MIN_NORM_POS;
  // x = m·2^k with m in [0.5, 1), as the routine's exponent and mantissa bit masks split it.
  let k: number;
  let m: number;
  const q = x * 16777216;
  if (q <= 16777216 && Number.isInteger(q)) {
    // x = q/2^24 with an integer q (1 − a 24-bit uniform, the normal kernel's case): its bit length.
    k = 8 - Math.clz32(q);
    m = x * POW2[150 - k]!; // x · 2^−k
  } else {
    k = Math.floor(Math.log2(x)) + 1;
    m = x * 2 ** -k;
    if (m >= 1) {
      m *= 0.5;
      k++;
    } else if (m < 0.5) {
      m *= 2;
      k--;
    }
  }
  let e = f(k);
  if (m < SQRTHF) {
    e = f(e - 1);
    m = f(f(m - 1) + m);
  } else {
    m = f(m - 1);
  }
  const z = f(m * m);
  let y = LOG_P[0]!;
  for (let k = 1; k < 9; k++) y = fmaF32(y, m, LOG_P[k]!);
  y = f(y * m);
  // GCC fuses the first multiply whose only use is an add: here y·z, not e·q1.
  y = fmaF32(y, z, f(e * LOG_Q1));
  y = f(y - z * 0.5); // z·0.5 is exact, fused or not
  const r = f(m + y);
  return fmaF32(e, LOG_Q2, r);
}

const FOPI = f(1.27323954473516);
const DP1 = f(-0.78515625);
const DP2 = f(-2.4187564849853515625e-4);
// eslint-disable-next-line no-loss-of-precision -- the constant as the reference C source writes it (it rounds to the intended double)
const DP3 = f(-3.77489497744594108e-8);
const SIN_P = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1].map(f);
const COS_P = [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2].map(f);

/** sin(x) and cos(x) for a float32 x, as `sincos256_ps`; writes [sin, cos] into `out`. */
export function sincosF32(x: number, out: Float64Array): void {
  const negative = x < 0 || Object.is(x, -0);
  let a = Math.abs(x);
  const scaled = f(a * FOPI);
  let j = Math.trunc(scaled) | 0;
  j = (j + 1) & ~1;
  const y = f(j);
  const swapSin = (j & 4) !== 0;
  const polyCos = (j & 2) === 0; // first polynomial (cosine) gives the cosine
  a = fmaF32(y, DP1, a);
  a = fmaF32(y, DP2, a);
  a = fmaF32(y, DP3, a);
  const cosSignNegative = ((~(j - 2)) & 4) !== 0;
  const sinSignNegative = negative !== swapSin;
  const z = f(a * a);
  let c = fmaF32(COS_P[0]!, z, COS_P[1]!);
  c = fmaF32(c, z, COS_P[2]!);
  c = f(c * z);
  c = fmaF32(c, z, -f(z * 0.5));
  c = f(c + 1);
  let s = fmaF32(SIN_P[0]!, z, SIN_P[1]!);
  s = fmaF32(s, z, SIN_P[2]!);
  s = f(s * z);
  s = fmaF32(s, a, a);
  const sinV = polyCos ? s : c;
  const cosV = polyCos ? c : s;
  out[0] = sinSignNegative ? -sinV : sinV;
  out[1] = cosSignNegative ? -cosV : cosV;
}
