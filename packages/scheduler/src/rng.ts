/**
 * A portable seeded random number generator: the same stream on every machine, OS and Node
 * version, because it uses only 32-bit integer arithmetic (`Math.imul`, shifts) and IEEE doubles.
 *
 * Generator: xoshiro128** seeded through splitmix32; normals by the Box–Muller transform in
 * float64, both values of each pair used. Labelled forks give independent, reproducible streams
 * (`rng.fork('stage2')`) without advancing the parent.
 */

/** The only noise source a sampler sees: fill `out` with standard normal values. */
export interface NoiseSource {
  normal(out: Float32Array): void;
}

/** A seeded generator. */
export interface Rng extends NoiseSource {
  /** The seed this stream started from (after hashing a string seed). */
  readonly seed: number;
  /** Next uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** Next uniform double in [0, 1) with 53 random bits. */
  uniform(): number;
  /** Next standard normal double. */
  normalScalar(): number;
  /** Fill `out` with standard normals (float64 maths, rounded once to the array's type). */
  normal(out: Float32Array | Float64Array): void;
  /** An independent stream named `label`, the same for the same seed and label; does not advance this one. */
  fork(label: string): Rng;
}

function splitmix32(state: number): [number, number] {
  const s = (state + 0x9e3779b9) | 0;
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [s, (z ^ (z >>> 16)) >>> 0];
}

/** FNV-1a over the UTF-16 code units of `text`, as an unsigned 32-bit integer. */
function hashString(text: string, basis = 0x811c9dc5): number {
  let h = basis >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function normalizeSeed(seed: number | string): number {
  if (typeof seed === 'string') return hashString(seed);
  if (!Number.isFinite(seed) || !Number.isInteger(seed)) {
    throw new TypeError(`Expected an integer or string for seed, received ${String(seed)}`);
  }
  // Fold the integer (up to 2^53) into 32 bits so large seeds still differ.
  const hi = Math.floor(seed / 0x100000000);
  return ((seed >>> 0) ^ Math.imul(hi | 0, 0x9e3779b1)) >>> 0;
}

class Xoshiro128 implements Rng {
  readonly seed: number;
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = Number.NaN;

  constructor(seed: number) {
    this.seed = seed;
    let s = seed | 0;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [next, out] = splitmix32(s);
      s = next;
      words.push(out);
    }
    [this.a, this.b, this.c, this.d] = words as [number, number, number, number];
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  normalScalar(): number {
    if (!Number.isNaN(this.spare)) {
      const v = this.spare;
      this.spare = Number.NaN;
      return v;
    }
    let u1 = this.uniform();
    while (u1 === 0) u1 = this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  normal(out: Float32Array | Float64Array): void {
    for (let i = 0; i < out.length; i++) out[i] = this.normalScalar();
  }

  fork(label: string): Rng {
    return new Xoshiro128(hashString(label, this.seed ^ 0x811c9dc5));
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * Create a seeded generator.
 *
 * @example
 * const rng = createRng(42);
 * const noise = new Float32Array(4 * 64 * 64);
 * rng.normal(noise);                      // same values on every machine
 * const stage2 = rng.fork('stage2');      // independent, reproducible stream
 */
export function createRng(seed: number | string = 0): Rng {
  return new Xoshiro128(normalizeSeed(seed));
}
