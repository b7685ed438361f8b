/**
 * IEEE 754 half precision ↔ float32, bit-exact: float16 tensors are stored as raw `Uint16Array`
 * bits (as ONNX Runtime and PyTorch store them); conversion to float32 is exact, conversion from
 * float32 rounds to nearest even as `numpy.float16(x)` / `torch.half()` do.
 */

/**
 * One half-precision bit pattern as a number (exact).
 *
 * @example
 * halfToNumber(0x3c00); // 1
 */
export function halfToNumber(h: number): number {
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  const sign = h & 0x8000 ? -1 : 1;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 31) return m ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

/**
 * The nearest half-precision bit pattern to `x` (round half to even; overflow gives ±Infinity).
 *
 * @example
 * numberToHalf(1); // 0x3c00
 */
export function numberToHalf(x: number): number {
  const scratch = new DataView(new ArrayBuffer(4));
  scratch.setFloat32(0, x);
  return halfFromFloat32Bits(scratch.getUint32(0));
}

function halfFromFloat32Bits(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  let mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = mant & ((1 << shift) - 1);
    let out = mant >>> shift;
    if (rest > half || (rest === half && out & 1)) out++;
    return sign | out;
  }
  const rest = mant & 0x1fff;
  let out = (e << 10) | (mant >>> 13);
  if (rest > 0x1000 || (rest === 0x1000 && out & 1)) out++;
  return sign | out;
}

/**
 * Widen raw float16 bits to float32 (exact).
 *
 * @example
 * float16ToFloat32(new Uint16Array([0x3c00, 0xc000])); // Float32Array [1, -2]
 */
export function float16ToFloat32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = halfToNumber(bits[i] as number);
  return out;
}

/**
 * Narrow float32 values to raw float16 bits, rounding to nearest even.
 *
 * @example
 * float32ToFloat16(new Float32Array([1, -2])); // Uint16Array [0x3c00, 0xc000]
 */
export function float32ToFloat16(values: ArrayLike<number>): Uint16Array {
  const bits = new Uint32Array(Float32Array.from(values).buffer);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < bits.length; i++) out[i] = halfFromFloat32Bits(bits[i] as number);
  return out;
}
