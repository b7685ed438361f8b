/**
 * The one table mapping diffmac device names to onnxruntime execution providers.
 */
import { DiffmacError } from '@diffmac/base';

/** A device name a session can be created for. */
export type InferenceDevice = 'cpu' | 'cuda' | 'tensorrt' | 'dml' | 'coreml' | 'webgpu' | 'qnn';

/** Execution providers, in order of preference, for each device (CPU is always the fallback). */
export const executionProvidersByDevice: Readonly<Record<InferenceDevice, readonly string[]>> = {
  cpu: ['cpu'],
  cuda: ['cuda', 'cpu'],
  tensorrt: ['tensorrt', 'cuda', 'cpu'],
  dml: ['dml', 'cpu'],
  coreml: ['coreml', 'cpu'],
  webgpu: ['webgpu', 'cpu'],
  qnn: ['qnn', 'cpu'],
};

/** Every valid device name. */
export const inferenceDevices = Object.keys(executionProvidersByDevice) as readonly InferenceDevice[];

/**
 * Execution providers for `device`; an unknown device throws `UNKNOWN_DEVICE` listing the valid ones.
 *
 * @example
 * executionProvidersFor('cuda'); // ['cuda', 'cpu']
 */
export function executionProvidersFor(device: string): readonly string[] {
  const providers = (executionProvidersByDevice as Record<string, readonly string[] | undefined>)[device];
  if (!Object.hasOwn(executionProvidersByDevice, device) || !providers) {
    const valid = inferenceDevices.join(', ');
    throw new DiffmacError('UNKNOWN_DEVICE', `Unknown device ${JSON.stringify(device)}; valid devices: ${valid}`, {
      argument: 'device',
      expected: `one of ${valid}`,
      received: JSON.stringify(device),
    });
  }
  return providers;
}
