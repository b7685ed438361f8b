import { OnnxGraphBuilder } from '../../onnx/graph-builder';
import type { StateDictWeights } from './state-dict-weights';
import { conv2d, maxPool, relu, type TorchValue } from './torch-layers';

/** The LPIPS v0.1 trunks: torchvision's AlexNet and VGG16 `features`. */
export type LpipsNet = 'alex' | 'vgg';

/** LPIPS's ScalingLayer constants (`(x - shift) / scale` on RGB in [-1, 1]). */
const LPIPS_SHIFT = [-0.03, -0.088, -0.188] as const;
const LPIPS_SCALE = [0.458, 0.448, 0.45] as const;

type Layer = { conv: [out: number, kernel: number, stride: number, padding: number] } | { pool: [kernel: number, stride: number] } | { relu: string | null };

/** torchvision `features` up to the last LPIPS tap, by index; a tap is the ReLU LPIPS reads. */
function layers(net: LpipsNet): Layer[] {
  if (net === 'alex') {
    return [
      { conv: [64, 11, 4, 2] }, { relu: 'relu1' }, { pool: [3, 2] },
      { conv: [192, 5, 1, 2] }, { relu: 'relu2' }, { pool: [3, 2] },
      { conv: [384, 3, 1, 1] }, { relu: 'relu3' },
      { conv: [256, 3, 1, 1] }, { relu: 'relu4' },
      { conv: [256, 3, 1, 1] }, { relu: 'relu5' },
    ];
  }
  const out: Layer[] = [];
  const blocks: [channels: number, convs: number, tap: string][] = [[64, 2, 'relu1_2'], [128, 2, 'relu2_2'], [256, 3, 'relu3_3'], [512, 3, 'relu4_3'], [512, 3, 'relu5_3']];
  blocks.forEach(([c, n, tap], i) => {
    if (i > 0) out.push({ pool: [2, 2] });
    for (let k = 0; k < n; k++) out.push({ conv: [c, 3, 1, 1] }, { relu: k === n - 1 ? tap : null });
  });
  return out;
}

/**
 * Write an LPIPS trunk as one ONNX graph in the contract `createLpips` reads: input `input` float32
 * [N, 3, H, W] RGB in [-1, 1], the ScalingLayer inside, and the five taps as outputs in order
 * (`relu1`..`relu5` for AlexNet, `relu1_2`..`relu5_3` for VGG16). Weights come from torchvision's
 * checkpoint (`features.<i>.weight`); the classifier keys it also carries are skipped.
 *
 * @example
 * const bytes = lpipsTrunkGraph(new StateDictWeights(await openCheckpoint('alexnet-owt-7be5be79.pth'), 'lpips-alex'), 'alex');
 */
export function lpipsTrunkGraph(w: StateDictWeights, net: LpipsNet): Uint8Array {
  const b = new OnnxGraphBuilder({ name: `lpips-${net}`, opset: 13, metadata: { diffmac_kind: `lpips-${net}`, contract: 'input RGB [-1,1] NCHW; outputs the five LPIPS v0.1 taps' } });
  const input = b.input('input', 'float32', ['N', 3, 'H', 'W']);
  const shift = b.constant('lpips_shift', Float32Array.from(LPIPS_SHIFT), [1, 3, 1, 1]);
  const scale = b.constant('lpips_scale', Float32Array.from(LPIPS_SCALE), [1, 3, 1, 1]);
  let x: TorchValue = { name: b.op('Div', [b.op('Sub', [input, shift]), scale], {}, { output: 'scaled' }), channels: 3 };
  let tap = 0;
  layers(net).forEach((layer, i) => {
    if ('conv' in layer) {
      const [out, kernel, stride, padding] = layer.conv;
      x = conv2d(b, w, x, `features.${i}`, { out, kernel, stride, padding });
    } else if ('pool' in layer) {
      x = maxPool(b, x, layer.pool[0], layer.pool[1]);
    } else if (layer.relu) {
      x = relu(b, x, layer.relu);
      tap++;
      b.output(x.name, 'float32', ['N', x.channels, `h${tap}`, `w${tap}`]);
    } else {
      x = relu(b, x);
    }
  });
  w.finish([/^classifier\./]);
  return b.toBytes();
}
