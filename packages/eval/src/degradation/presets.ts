import { DiffmacError } from '@diffmac/base';

/** Names of the degradation presets (PROTOCOLS.md §1). */
export type DegradationPresetName = 'gfpgan' | 'codeformer' | 'difface-grid';

/** Every drawn or chosen parameter of one degraded image, as written to the manifest. */
export interface DegradationParams {
  preset: DegradationPresetName;
  /** Blur kernel: isotropic or anisotropic bivariate Gaussian (BasicSR's `bivariate_Gaussian`). */
  kernel: { type: 'iso' | 'aniso'; size: number; sigmaX: number; sigmaY: number; theta: number };
  /** Downsampling factor: the image is resized to `floor(w / scale) × floor(h / scale)`. */
  scale: number;
  /** Gaussian noise sigma on the 0–255 scale. */
  noiseSigma: number;
  /** Integer JPEG quality. */
  jpegQuality: number;
}

/** A source of uniform doubles in [0, 1) (a seeded {@link @diffmac/base!Rng | Rng} from @diffmac/base or @diffmac/core fits). */
export interface UniformSource {
  uniform(): number;
}

/** How a preset chooses the parameters of image number `index` (0-based, in name order). */
export interface DegradationPreset {
  name: DegradationPresetName;
  /** One-line description with the ranges, for reports. */
  description: string;
  draw(rng: UniformSource, index: number): DegradationParams;
}

const uniform = (rng: UniformSource, lo: number, hi: number) => lo + (hi - lo) * rng.uniform();

/** The GFPGAN family's random mixed kernel / downsample / noise / JPEG draws with the given ranges. */
function randomPreset(
  name: DegradationPresetName,
  ranges: { sigma: [number, number]; scale: [number, number]; noise: [number, number]; jpeg: [number, number] },
): DegradationPreset {
  const { sigma, scale, noise, jpeg } = ranges;
  return {
    name,
    description: `blur iso/aniso 41×41 σ∈[${sigma}], downsample ×[${scale}] bilinear, noise σ∈[${noise}], JPEG q∈[${jpeg}]`,
    draw(rng) {
      const iso = rng.uniform() < 0.5;
      const sigmaX = uniform(rng, sigma[0], sigma[1]);
      const sigmaY = iso ? sigmaX : uniform(rng, sigma[0], sigma[1]);
      const theta = iso ? 0 : uniform(rng, -Math.PI, Math.PI);
      return {
        preset: name,
        kernel: { type: iso ? 'iso' : 'aniso', size: 41, sigmaX, sigmaY, theta },
        scale: uniform(rng, scale[0], scale[1]),
        noiseSigma: uniform(rng, noise[0], noise[1]),
        // BasicSR: int(np.random.uniform(lo, hi)).
        jpegQuality: Math.trunc(uniform(rng, jpeg[0], jpeg[1])),
      };
    },
  };
}

/** DifFace's fixed test grid (journal version): quality × scale × noise × σx × θ, σy drawn from the σ list. */
const DIFFACE = {
  quality: [30, 40, 50, 60, 70],
  scale: [4, 8, 12, 16, 20, 24, 28, 32, 36, 40],
  noise: [1, 5, 10, 15, 20],
  sigma: [4, 8, 12, 16],
  theta: [0, 0.25, 0.5, 0.75].map((x) => x * Math.PI),
};

const difface: DegradationPreset = {
  name: 'difface-grid',
  description: `DifFace grid: JPEG q∈{${DIFFACE.quality}} × scale∈{${DIFFACE.scale}} × noise∈{${DIFFACE.noise}} × σx∈{${DIFFACE.sigma}} × θ∈{0, π/4, π/2, 3π/4} (4,000 cells, cycled), σy drawn from {${DIFFACE.sigma}}`,
  draw(rng, index) {
    const { quality, scale, noise, sigma, theta } = DIFFACE;
    // Nested loops in DifFace's order, quality outermost and θ innermost.
    let i = index % (quality.length * scale.length * noise.length * sigma.length * theta.length);
    const t = theta[i % theta.length]!;
    i = Math.floor(i / theta.length);
    const sx = sigma[i % sigma.length]!;
    i = Math.floor(i / sigma.length);
    const nf = noise[i % noise.length]!;
    i = Math.floor(i / noise.length);
    const sf = scale[i % scale.length]!;
    i = Math.floor(i / scale.length);
    const qf = quality[i]!;
    const sy = sigma[Math.min(sigma.length - 1, Math.floor(rng.uniform() * sigma.length))]!;
    return { preset: 'difface-grid', kernel: { type: 'aniso', size: 41, sigmaX: sx, sigmaY: sy, theta: t }, scale: sf, noiseSigma: nf, jpegQuality: qf };
  },
};

/** The presets, by name. */
export const degradationPresets: Readonly<Record<DegradationPresetName, DegradationPreset>> = {
  gfpgan: randomPreset('gfpgan', { sigma: [0.1, 10], scale: [0.8, 8], noise: [0, 20], jpeg: [60, 100] }),
  codeformer: randomPreset('codeformer', { sigma: [1, 15], scale: [4, 30], noise: [0, 20], jpeg: [30, 80] }),
  'difface-grid': difface,
};

/**
 * Look a preset up by name; an unknown name is a typed error listing the valid ones.
 *
 * @example
 * const params = degradationPreset('gfpgan').draw(createRng(0).fork('0001.png'), 0);
 */
export function degradationPreset(name: string): DegradationPreset {
  const preset = (degradationPresets as Record<string, DegradationPreset | undefined>)[name];
  if (!preset) {
    const valid = Object.keys(degradationPresets).join(', ');
    throw new DiffmacError('UNKNOWN_PRESET', `Unknown degradation preset ${JSON.stringify(name)}; valid presets: ${valid}`, {
      argument: 'preset',
      expected: valid,
      received: JSON.stringify(name),
    });
  }
  return preset;
}
