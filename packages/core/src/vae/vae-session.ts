import { DiffmacError, describeValue } from '@diffmac/base';
import { checkTensorsFinite } from '../inference/finite';
import type { InferenceSession, Tensor, TensorSignature } from '../inference/types';
import { cropNchw, padNchwEdge } from '../tensor/crop-pad';
import { runTiled } from '../tensor/run-tiled';
import { assertShape, formatShape } from '../tensor/shape';
import type { BlendRamp } from '../tensor/tiling';

/** Progress of {@link encodeLatents} and {@link decodeLatents}: one event after each finished tile. */
export interface VaeProgressEvent {
  readonly type: 'vae-tile';
  readonly phase: 'encode' | 'decode';
  /** Batch item being processed (0-based) and the batch size. */
  readonly item: number;
  readonly items: number;
  /** Tiles finished for this item (1-based) and the item's tile count. */
  readonly tile: number;
  readonly tiles: number;
}

/** Options shared by {@link encodeLatents} and {@link decodeLatents}. */
export interface VaeOptions {
  /** Latent scaling factor: 0.18215 for SD 1.x/2.x (default), 0.13025 for SDXL, 1.5305 for SD3. */
  scalingFactor?: number;
  /** Latent shift (SD3, Flux); default 0. Encode gives `(z - shift) · scale`, decode takes `z / scale + shift`. */
  shiftFactor?: number;
  /**
   * Largest tile, in image pixels (a multiple of the latent factor). Default: the model's input
   * size when its signature fixes one, else 512. Images no larger than a tile run in one pass.
   */
  tileSize?: number;
  /** Least overlap between tiles in image pixels (a multiple of the latent factor); default a quarter tile. */
  overlap?: number;
  /** Image pixels per latent cell. Default: read from the signature where shapes are fixed, else 8. */
  latentFactor?: number;
  /** Blending ramp across tile overlaps (default `cosine`). */
  ramp?: BlendRamp;
  /** Model input and output names (default: the usual diffusers names if present, else the first). */
  inputName?: string;
  outputName?: string;
  signal?: AbortSignal;
  onProgress?: (event: VaeProgressEvent) => void;
}

/** What a VAE session's signature fixes, resolved with the options. @internal */
export interface VaePlan {
  readonly model: string;
  readonly inputName: string;
  readonly outputName: string;
  readonly output: TensorSignature;
  /** Image pixels per latent cell. */
  readonly factor: number;
  /** Input channels the model fixes, if any. */
  readonly inputChannels: number | undefined;
  /** Model input height/width when fixed, in the model's input units. */
  readonly fixed: { width: number; height: number } | undefined;
  /** Tile and overlap on the latent grid. */
  readonly tile: { width: number; height: number };
  readonly overlap: number;
}

function fixedDim(d: number | string | undefined): number | undefined {
  return typeof d === 'number' && Number.isInteger(d) && d > 0 ? d : undefined;
}

function pick(list: readonly TensorSignature[], wanted: string | undefined, preferred: readonly string[], what: string, model: string): TensorSignature {
  if (wanted !== undefined) {
    const found = list.find((s) => s.name === wanted);
    if (found === undefined) {
      const names = list.map((s) => s.name).join(', ');
      throw new DiffmacError('VAE_SIGNATURE_MISMATCH', `${model}: no ${what} named ${JSON.stringify(wanted)} (the model has: ${names})`, {
        argument: `${what}Name`,
        expected: names,
        received: wanted,
      });
    }
    return found;
  }
  const first = list.find((s) => preferred.includes(s.name)) ?? list[0];
  if (first === undefined) {
    throw new DiffmacError('VAE_SIGNATURE_MISMATCH', `${model}: the model declares no ${what}s`, { argument: 'session', expected: `one ${what}`, received: 'none' });
  }
  return first;
}

function positiveIntOption(name: string, value: number | undefined): number | undefined {
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected a positive integer for ${name}, received ${describeValue(value)}`, {
      argument: name,
      expected: 'a positive integer',
      received: describeValue(value),
    });
  }
  return value;
}

/** Resolve names, the latent factor and the tiling of a VAE encoder or decoder session. @internal */
export function planVae(session: InferenceSession, phase: 'encode' | 'decode', options: VaeOptions): VaePlan {
  if (session === null || typeof session !== 'object' || typeof session.run !== 'function' || !Array.isArray(session.inputs)) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected an InferenceSession for session, received ${describeValue(session)}`, {
      argument: 'session',
      expected: 'an InferenceSession',
      received: describeValue(session),
    });
  }
  const label = (session as { name?: unknown }).name;
  const model = typeof label === 'string' ? label : phase === 'encode' ? 'vae_encoder' : 'vae_decoder';
  const input = pick(session.inputs, options.inputName, phase === 'encode' ? ['sample'] : ['latent_sample'], 'input', model);
  const output = pick(
    session.outputs,
    options.outputName,
    phase === 'encode' ? ['latent_parameters', 'latent_dist', 'latent_sample'] : ['sample'],
    'output',
    model,
  );
  // A signature without a shape (rank unknown to the runtime) is accepted; the run checks shapes.
  for (const sig of [input, output]) {
    if (sig.shape.length !== 4 && sig.shape.length !== 0) {
      throw new DiffmacError('VAE_SIGNATURE_MISMATCH', `${model}: ${JSON.stringify(sig.name)} has shape ${formatShape(sig.shape)}, expected rank 4 [N, C, H, W]`, {
        argument: sig.name,
        expected: '[N, C, H, W]',
        received: formatShape(sig.shape),
      });
    }
    if (sig.dtype !== 'float32' && sig.dtype !== 'unknown') {
      throw new DiffmacError('VAE_SIGNATURE_MISMATCH', `${model}: ${JSON.stringify(sig.name)} is ${sig.dtype}, expected float32`, {
        argument: sig.name,
        expected: 'float32',
        received: sig.dtype,
      });
    }
  }
  const inH = fixedDim(input.shape[2]);
  const inW = fixedDim(input.shape[3]);
  const outH = fixedDim(output.shape[2]);
  const outW = fixedDim(output.shape[3]);
  let signatureFactor: number | undefined;
  if (inH !== undefined && outH !== undefined) {
    const f = phase === 'encode' ? inH / outH : outH / inH;
    const g = inW !== undefined && outW !== undefined ? (phase === 'encode' ? inW / outW : outW / inW) : f;
    if (!Number.isInteger(f) || f < 1 || f !== g) {
      throw new DiffmacError('VAE_SIGNATURE_MISMATCH', `${model}: input ${formatShape(input.shape)} and output ${formatShape(output.shape)} imply no integer latent factor`, {
        argument: 'session',
        expected: 'spatial sizes related by an integer factor',
        received: `${formatShape(input.shape)} → ${formatShape(output.shape)}`,
      });
    }
    signatureFactor = f;
  }
  const optionFactor = positiveIntOption('latentFactor', options.latentFactor);
  if (optionFactor !== undefined && signatureFactor !== undefined && optionFactor !== signatureFactor) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected ${signatureFactor} (from ${model}'s signature) for latentFactor, received ${optionFactor}`, {
      argument: 'latentFactor',
      expected: String(signatureFactor),
      received: String(optionFactor),
    });
  }
  const factor = signatureFactor ?? optionFactor ?? 8;
  const fixed = inH !== undefined && inW !== undefined ? { width: inW, height: inH } : undefined;
  // The fixed tile on the latent grid.
  const fixedLatent = fixed === undefined ? undefined : phase === 'encode' ? { width: fixed.width / factor, height: fixed.height / factor } : fixed;
  if (fixedLatent !== undefined && (!Number.isInteger(fixedLatent.width) || !Number.isInteger(fixedLatent.height))) {
    throw new DiffmacError('VAE_SIGNATURE_MISMATCH', `${model}: fixed input ${formatShape(input.shape)} is not a multiple of the latent factor ${factor}`, {
      argument: input.name,
      expected: `a multiple of ${factor}`,
      received: formatShape(input.shape),
    });
  }
  const tileSize = positiveIntOption('tileSize', options.tileSize);
  if (tileSize !== undefined && tileSize % factor !== 0) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected a multiple of the latent factor ${factor} for tileSize, received ${tileSize}`, {
      argument: 'tileSize',
      expected: `a multiple of ${factor}`,
      received: String(tileSize),
    });
  }
  if (tileSize !== undefined && fixedLatent !== undefined && (tileSize / factor !== fixedLatent.width || tileSize / factor !== fixedLatent.height)) {
    const size = `${fixedLatent.width * factor}×${fixedLatent.height * factor}`;
    throw new DiffmacError('INVALID_ARGUMENT', `Expected the model's fixed size ${size} (or nothing) for tileSize, received ${tileSize}`, {
      argument: 'tileSize',
      expected: size,
      received: String(tileSize),
    });
  }
  const tile = fixedLatent ?? { width: (tileSize ?? 512) / factor, height: (tileSize ?? 512) / factor };
  const smallest = Math.min(tile.width, tile.height);
  let overlap: number;
  if (options.overlap === undefined) overlap = Math.floor(smallest / 4);
  else {
    if (!Number.isInteger(options.overlap) || options.overlap < 0 || options.overlap % factor !== 0 || options.overlap / factor >= smallest) {
      throw new DiffmacError('INVALID_ARGUMENT', `Expected a multiple of ${factor} below ${smallest * factor} for overlap, received ${describeValue(options.overlap)}`, {
        argument: 'overlap',
        expected: `a multiple of ${factor} in [0, ${smallest * factor})`,
        received: describeValue(options.overlap),
      });
    }
    overlap = options.overlap / factor;
  }
  const c = fixedDim(input.shape[1]);
  return { model, inputName: input.name, outputName: output.name, output, factor, inputChannels: c, fixed, tile, overlap };
}

/**
 * Run one batch item `[1, C, H, W]` through the session tile by tile. `inputScale`/`outputScale`
 * are the pixels per latent cell on each side. @internal
 */
export async function runVaeItem(
  session: InferenceSession,
  plan: VaePlan,
  item: Tensor,
  scales: { input: number; output: number },
  progress: { phase: 'encode' | 'decode'; item: number; items: number },
  options: VaeOptions,
): Promise<Tensor> {
  const { signal, onProgress } = options;
  return runTiled(
    item,
    async (tile) => {
      const [, , h, w] = tile.shape as [number, number, number, number];
      const fixed = plan.fixed;
      const feed = fixed !== undefined && (fixed.width !== w || fixed.height !== h) ? padNchwEdge(tile, fixed) : tile;
      const outputs = await session.run({ [plan.inputName]: feed }, signal === undefined ? { outputs: [plan.outputName] } : { outputs: [plan.outputName], signal });
      const out = outputs[plan.outputName];
      if (out === undefined) {
        throw new DiffmacError('VAE_SIGNATURE_MISMATCH', `${plan.model}: the run returned no output ${JSON.stringify(plan.outputName)}`, {
          argument: plan.outputName,
          expected: 'the output tensor',
          received: Object.keys(outputs).join(', ') || 'no outputs',
        });
      }
      checkTensorsFinite({ [plan.outputName]: out }, plan.model);
      const fh = (feed.shape[2]! / scales.input) * scales.output;
      const fw = (feed.shape[3]! / scales.input) * scales.output;
      assertShape(out, [1, null, fh, fw], `${plan.model} output ${plan.outputName}`);
      if (feed === tile) return out;
      return cropNchw(out, { x: 0, y: 0, width: (w / scales.input) * scales.output, height: (h / scales.input) * scales.output });
    },
    {
      tile: plan.tile,
      overlap: plan.overlap,
      inputScale: scales.input,
      outputScale: scales.output,
      ...(options.ramp === undefined ? {} : { ramp: options.ramp }),
      ...(signal === undefined ? {} : { signal }),
      onProgress: (e) => onProgress?.({ type: 'vae-tile', phase: progress.phase, item: progress.item, items: progress.items, tile: e.tile, tiles: e.tiles }),
    },
  );
}

/** Check and default the scaling and shift factors. @internal */
export function latentScaling(options: VaeOptions): { scale: number; shift: number } {
  const scale = options.scalingFactor ?? 0.18215;
  const shift = options.shiftFactor ?? 0;
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale <= 0) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected a positive number for scalingFactor, received ${describeValue(scale)}`, {
      argument: 'scalingFactor',
      expected: 'a positive number',
      received: describeValue(scale),
    });
  }
  if (typeof shift !== 'number' || !Number.isFinite(shift)) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected a finite number for shiftFactor, received ${describeValue(shift)}`, {
      argument: 'shiftFactor',
      expected: 'a finite number',
      received: describeValue(shift),
    });
  }
  return { scale, shift };
}

/** Copy batch item `n` of `[N, ...]` out as `[1, ...]`. @internal */
export function batchItem(tensor: Tensor, n: number): Tensor {
  const per = tensor.data.length / tensor.shape[0]!;
  return { data: (tensor.data as Float32Array).slice(n * per, (n + 1) * per), shape: [1, ...tensor.shape.slice(1)] };
}
