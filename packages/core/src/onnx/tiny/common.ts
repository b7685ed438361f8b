/**
 * What every tiny model builder shares: options, the result type and the finishing step.
 */
import { createRng, invalidArgument, type NoiseSource } from '@diffmac/base';
import type { TensorSignature } from '../../inference/types';
import { OnnxGraphBuilder } from '../graph-builder';
import { readOnnxSignature } from '../model-signature';
import type { LayerContext } from '../tiny-layers';

/** Every component role a tiny model can be built for. */
export type TinyModelRole = 'unet' | 'vae_encoder' | 'vae_decoder' | 'text_encoder' | 'cond_encoder' | 'mib' | 'restorer' | 'detector' | 'identity';

/** Options every tiny builder takes. */
export interface TinyModelBaseOptions {
  /** Where the random weights come from (wins over `seed`); e.g. `createRng(7).fork('unet')`. */
  rng?: NoiseSource;
  /** Seed for a fresh `createRng` when no `rng` is given (default 0). */
  seed?: number | string;
  /** Store weight matrices as uint8 + `DequantizeLinear` (default false). */
  quantize?: boolean;
}

/** A built tiny model: the `.onnx` bytes and the signature they declare. */
export interface TinyModel {
  readonly role: TinyModelRole;
  readonly bytes: Uint8Array;
  readonly inputs: readonly TensorSignature[];
  readonly outputs: readonly TensorSignature[];
}

/** A builder and layer context for one tiny model. */
export function startTiny(role: TinyModelRole, options: TinyModelBaseOptions): LayerContext {
  const builder = new OnnxGraphBuilder({ name: `diffmac_tiny_${role}`, metadata: { 'diffmac.role': role, 'diffmac.tiny': 'true' } });
  const rng = options.rng ?? createRng(options.seed ?? 0).fork(role);
  return { builder, rng, quantize: options.quantize ?? false };
}

/** Serialise and read back the declared signature. */
export function finishTiny(role: TinyModelRole, ctx: LayerContext): TinyModel {
  const bytes = ctx.builder.toBytes();
  const { inputs, outputs } = readOnnxSignature(bytes, `tiny ${role}`);
  return { role, bytes, inputs, outputs };
}

/** Check a size option is a positive integer (and a multiple of `multiple`). */
export function positiveSize(value: number, argument: string, multiple = 1): number {
  if (!Number.isInteger(value) || value < 1 || value % multiple !== 0) {
    invalidArgument(argument, `a positive integer${multiple > 1 ? ` multiple of ${multiple}` : ''}`, value);
  }
  return value;
}
