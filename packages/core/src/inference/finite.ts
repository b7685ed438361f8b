/**
 * NaN/Inf checks on model outputs.
 */
import { DiffmacError, firstNonFinite } from '@diffmac/base';
import type { Tensor } from './types';

/**
 * Throw `MODEL_OUTPUT_NOT_FINITE` (naming the model and the tensor) if any float tensor in
 * `tensors` holds NaN or ±Infinity. Integer tensors are skipped.
 *
 * @example
 * checkTensorsFinite(await session.run(feeds), 'unet/model.onnx');
 */
export function checkTensorsFinite(tensors: Readonly<Record<string, Tensor>>, model: string): void {
  for (const [name, tensor] of Object.entries(tensors)) {
    const data = tensor.data;
    if (!(data instanceof Float32Array || data instanceof Float64Array)) continue;
    const first = firstNonFinite(data);
    if (first >= 0) {
      let count = 0;
      for (let i = first; i < data.length; i++) if (data[i]! - data[i]! !== 0) count++;
      const value = String(data[first]);
      throw new DiffmacError(
        'MODEL_OUTPUT_NOT_FINITE',
        `${model}: output ${JSON.stringify(name)} holds ${count} non-finite value${count === 1 ? '' : 's'} (first: ${value} at index ${first})`,
        { argument: name, expected: 'finite values', received: `${count} NaN/Inf (first ${value} at index ${first})` },
      );
    }
  }
}
