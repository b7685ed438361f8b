
/**
 * 8-bit to float: `v / 255`, so 0 → 0 and 255 → 1.
 *
 * @example
 * uint8ToFloat32(new Uint8Array([0, 51, 255])); // Float32Array [0, 0.2, 1]
 */
export function uint8ToFloat32(data: Uint8Array): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i]! / 255;
  return out;
}

/**
 * 16-bit to float: `v / 65535`.
 *
 * @example
 * uint16ToFloat32(new Uint16Array([0, 65535])); // Float32Array [0, 1]
 */
export function uint16ToFloat32(data: Uint16Array): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i]! / 65535;
  return out;
}

/**
 * Float to 8-bit the way PyTorch code does it: clamp to [0, 1], multiply by 255 in float32,
 * round half to even (`(x.clamp(0, 1) * 255).round()`). NaN becomes 0.
 *
 * @example
 * float32ToUint8(new Float32Array([-0.1, 0.5, 1.7])); // Uint8Array [0, 128, 255]
 */
export function float32ToUint8(data: Float32Array): Uint8Array {
  return quantize(data, 255, new Uint8Array(data.length));
}

/**
 * Float to 16-bit: clamp to [0, 1], multiply by 65535 in float32, round half to even. NaN becomes 0.
 *
 * @example
 * float32ToUint16(new Float32Array([0, 1])); // Uint16Array [0, 65535]
 */
export function float32ToUint16(data: Float32Array): Uint16Array {
  return quantize(data, 65535, new Uint16Array(data.length));
}

function quantize<T extends Uint8Array | Uint16Array>(data: Float32Array, max: number, out: T): T {
  for (let i = 0; i < data.length; i++) {
    const x = data[i]!;
    const q = Math.fround((x > 0 ? (x < 1 ? x : 1) : 0) * max); // NaN → 0
    // Math.round takes ties up; a tie that lands on an odd integer goes back down to the even one.
    let r = Math.round(q);
    if (r - q === 0.5 && (r & 1) === 1) r -= 1;
    out[i] = r;
  }
  return out;
}
