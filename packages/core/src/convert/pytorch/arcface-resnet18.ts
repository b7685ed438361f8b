import { OnnxGraphBuilder } from '../../onnx/graph-builder';
import type { StateDictWeights } from './state-dict-weights';
import { batchNorm, conv2d, linear, maxPool, prelu, type TorchValue } from './torch-layers';

/**
 * BasicSR's `IRBlock` (use_se false): BN → conv3×3 → BN → PReLU → conv3×3 (stride) → BN, plus the
 * (downsampled) input, then the same PReLU again (one slope shared by both uses).
 */
function irBlock(b: OnnxGraphBuilder, w: StateDictWeights, x: TorchValue, key: string, planes: number, stride: number): TorchValue {
  let h = batchNorm(b, w, x, `${key}.bn0`);
  h = conv2d(b, w, h, `${key}.conv1`, { out: x.channels, kernel: 3, padding: 1, bias: false });
  h = batchNorm(b, w, h, `${key}.bn1`);
  const first = prelu(b, w, h, `${key}.prelu`, undefined);
  h = conv2d(b, w, first.value, `${key}.conv2`, { out: planes, kernel: 3, stride, padding: 1, bias: false });
  h = batchNorm(b, w, h, `${key}.bn2`);
  let residual = x;
  if (w.has(`${key}.downsample.0.weight`) || stride !== 1 || x.channels !== planes) {
    residual = conv2d(b, w, x, `${key}.downsample.0`, { out: planes, kernel: 1, stride, bias: false });
    residual = batchNorm(b, w, residual, `${key}.downsample.1`);
  }
  const sum = { name: b.op('Add', [h.name, residual.name]), channels: planes };
  return prelu(b, w, sum, `${key}.prelu`, first.slope).value;
}

/**
 * BasicSR's `ResNetArcFace` (block `IRBlock`, layers [2, 2, 2, 2], use_se false), the BFR papers'
 * identity network, as one ONNX graph: input `input` float32 [N, 1, 128, 128] grey in [-1, 1]
 * (`(x − 127.5) / 127.5`), output `embedding` [N, 512] (the `bn5` features eval compares by
 * cosine). Dropout is the identity at inference.
 *
 * @example
 * const bytes = arcfaceResnet18Graph(new StateDictWeights(await openCheckpoint('arcface_resnet18.pth'), 'arcface-resnet18'));
 */
export function arcfaceResnet18Graph(w: StateDictWeights): Uint8Array {
  const b = new OnnxGraphBuilder({ name: 'arcface-resnet18', opset: 13, metadata: { diffmac_kind: 'arcface-resnet18', contract: 'input grey [-1,1] N×1×128×128; output embedding N×512' } });
  let x: TorchValue = { name: b.input('input', 'float32', ['N', 1, 128, 128]), channels: 1 };
  x = conv2d(b, w, x, 'conv1', { out: 64, kernel: 3, padding: 1, bias: false });
  x = batchNorm(b, w, x, 'bn1');
  x = prelu(b, w, x, 'prelu', undefined).value;
  x = maxPool(b, x, 2, 2);
  for (const [i, planes] of [64, 128, 256, 512].entries()) {
    for (let k = 0; k < 2; k++) x = irBlock(b, w, x, `layer${i + 1}.${k}`, planes, i > 0 && k === 0 ? 2 : 1);
  }
  x = batchNorm(b, w, x, 'bn4');
  const flat: TorchValue = { name: b.op('Flatten', [x.name], { axis: 1 }), channels: 512 * 8 * 8 };
  const fc = linear(b, w, flat, 'fc5', 512);
  const embedding = batchNorm(b, w, fc, 'bn5');
  b.node('Identity', [embedding.name], ['embedding']);
  b.output('embedding', 'float32', ['N', 512]);
  w.finish([/num_batches_tracked$/]);
  return b.toBytes();
}
