/**
 * Map pixel values from [0, 1] to [-1, 1] (`x * 2 - 1`), as diffusion models and VAEs expect.
 * Returns a new array; the input is not mutated.
 *
 * @example
 * unitToSigned(new Float32Array([0, 0.5, 1])); // Float32Array [-1, 0, 1]
 */
export function unitToSigned(data: Float32Array): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i]! * 2 - 1;
  return out;
}

/**
 * Map values from [-1, 1] to [0, 1] (`x / 2 + 0.5`), clamped to [0, 1] unless `clamp: false`
 * (diffusers' `(x / 2 + 0.5).clamp(0, 1)`). Returns a new array.
 *
 * @example
 * signedToUnit(new Float32Array([-1, 0, 1.2])); // Float32Array [0, 0.5, 1]
 */
export function signedToUnit(data: Float32Array, options: { clamp?: boolean } = {}): Float32Array {
  const clamp = options.clamp ?? true;
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]! / 2 + 0.5;
    out[i] = clamp ? (v < 0 ? 0 : v > 1 ? 1 : v) : v;
  }
  return out;
}
