/**
 * Seeded random number generators.
 *
 * The default is portable: the same stream on every machine, OS and Node version, because it uses
 * only 32-bit integer arithmetic (`Math.imul`, shifts) and IEEE doubles. Generator: xoshiro128**
 * seeded through splitmix32; normals by the Box–Muller transform in float64, both values of each
 * pair used. Labelled forks give independent, reproducible streams (`rng.fork('stage2')`) without
 * advancing the parent.
 *
 * `{ kind: 'torch' }` gives PyTorch's CPU generator instead (mt19937 and torch's own normal
 * kernel), so a seed gives the same numbers as `torch.randn(..., generator=torch.manual_seed(seed))`.
 */
import { DiffmacError } from '../errors';
import { fillNormals } from './normal-fill';
import { TorchGenerator } from './torch-generator';

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
  /** The generator's four state words (read and advanced in place by `fillNormals`). */
  a: number;
  b: number;
  c: number;
  d: number;
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
    // Batched, and the same values as calling normalScalar() for each place.
    let from = 0;
    if (out.length > 0 && !Number.isNaN(this.spare)) {
      out[0] = this.spare;
      this.spare = Number.NaN;
      from = 1;
    }
    if (from < out.length) this.spare = fillNormals(this, out, from);
  }

  fork(label: string): Rng {
    return new Xoshiro128(hashString(label, this.seed ^ 0x811c9dc5));
  }
}

/** PyTorch's CPU generator behind the `Rng` interface. */
class TorchRng implements Rng {
  readonly seed: number;
  private readonly generator: TorchGenerator;

  constructor(seed: number) {
    this.seed = seed;
    this.generator = new TorchGenerator(seed);
  }

  nextUint32(): number {
    return this.generator.random();
  }

  uniform(): number {
    return this.generator.uniformDouble();
  }

  normalScalar(): number {
    return this.generator.normalDouble();
  }

  normal(out: Float32Array | Float64Array): void {
    this.generator.randn(out);
  }

  fork(label: string): Rng {
    // torch has no forks: a labelled child is a new torch generator seeded from the label.
    return new TorchRng(hashString(label, (this.seed % 4294967296) ^ 0x811c9dc5));
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Which generator `createRng` builds. */
export interface RngOptions {
  /**
   * `'portable'` (default): xoshiro128**, the same stream everywhere. `'torch'`: PyTorch's CPU
   * generator, for noise equal to a diffusers run's (`torch.manual_seed(seed)`); its float32
   * normals match torch's AVX2 kernel bit for bit (what torch uses on x86-64 CPUs with AVX2),
   * float64 ones to a few ulp (libm's log/sin/cos against V8's).
   */
  kind?: 'portable' | 'torch';
}

/**
 * Create a seeded generator.
 *
 * @example
 * const rng = createRng(42);
 * const noise = new Float32Array(4 * 64 * 64);
 * rng.normal(noise);                      // same values on every machine
 * const stage2 = rng.fork('stage2');      // independent, reproducible stream
 *
 * const torchLike = createRng(42, { kind: 'torch' });
 * torchLike.normal(noise);                // = torch.randn(1, 4, 64, 64, generator=torch.manual_seed(42))
 */
export function createRng(seed: number | string = 0, options: RngOptions = {}): Rng {
  const kind = options.kind ?? 'portable';
  if (kind === 'portable') return new Xoshiro128(normalizeSeed(seed));
  if (kind !== 'torch') {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected 'portable' or 'torch' for options.kind, received ${JSON.stringify(kind)}`, { argument: 'options.kind', expected: "'portable' or 'torch'", received: JSON.stringify(kind) });
  }
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected a non-negative integer seed for a torch generator (as torch.manual_seed takes), received ${JSON.stringify(seed)}`, {
      argument: 'seed',
      expected: 'an integer from 0 to 2^53 - 1',
      received: JSON.stringify(seed),
    });
  }
  return new TorchRng(seed);
}
