import { OnnxGraphBuilder } from '../../onnx/graph-builder';
import type { StateDictWeights } from './state-dict-weights';
import { batchNorm, conv2d, leakyRelu, maxPool, relu, type TorchValue } from './torch-layers';

/** facexlib's two RetinaFace backbones. */
export type RetinaFaceBackbone = 'mobilenet0.25' | 'resnet50';

type Ctx = { b: OnnxGraphBuilder; w: StateDictWeights };

/** Conv (no bias) → BatchNorm → LeakyReLU (`slope` null: no activation), keys `<key>.0` and `<key>.1`. */
function convBn({ b, w }: Ctx, x: TorchValue, key: string, out: number, o: { kernel?: number; stride?: number; slope: number | null; groups?: number; convKey?: string; bnKey?: string }): TorchValue {
  const kernel = o.kernel ?? 3;
  const conv = conv2d(b, w, x, o.convKey ?? `${key}.0`, { out, kernel, stride: o.stride ?? 1, padding: kernel >> 1, bias: false, ...(o.groups ? { groups: o.groups } : {}) });
  const bn = batchNorm(b, w, conv, o.bnKey ?? `${key}.1`);
  return o.slope === null ? bn : leakyRelu(b, bn, o.slope);
}

/** MobileNetV1-0.25's depthwise-separable block: `<key>.0..5` (dw conv, BN, leaky, pw conv, BN, leaky). */
function convDw(ctx: Ctx, x: TorchValue, key: string, out: number, stride: number): TorchValue {
  const dw = convBn(ctx, x, key, x.channels, { stride, slope: 0.1, groups: x.channels, convKey: `${key}.0`, bnKey: `${key}.1` });
  return convBn(ctx, dw, key, out, { kernel: 1, slope: 0.1, convKey: `${key}.3`, bnKey: `${key}.4` });
}

function mobileNetBody(ctx: Ctx, x: TorchValue): TorchValue[] {
  let h = convBn(ctx, x, 'body.stage1.0', 8, { stride: 2, slope: 0.1 });
  const s1: [number, number][] = [[16, 1], [32, 2], [32, 1], [64, 2], [64, 1]];
  s1.forEach(([c, s], i) => (h = convDw(ctx, h, `body.stage1.${i + 1}`, c, s)));
  const a = h;
  for (let i = 0; i < 6; i++) h = convDw(ctx, h, `body.stage2.${i}`, 128, i === 0 ? 2 : 1);
  const b2 = h;
  for (let i = 0; i < 2; i++) h = convDw(ctx, h, `body.stage3.${i}`, 256, i === 0 ? 2 : 1);
  return [a, b2, h];
}

/** torchvision's ResNet-50 Bottleneck (stride on the 3×3 conv), keys `<key>.conv1..3`, `bn1..3`, `downsample.0/1`. */
function bottleneck({ b, w }: Ctx, x: TorchValue, key: string, planes: number, stride: number): TorchValue {
  let h = relu(b, batchNorm(b, w, conv2d(b, w, x, `${key}.conv1`, { out: planes, kernel: 1, bias: false }), `${key}.bn1`));
  h = relu(b, batchNorm(b, w, conv2d(b, w, h, `${key}.conv2`, { out: planes, kernel: 3, stride, padding: 1, bias: false }), `${key}.bn2`));
  h = batchNorm(b, w, conv2d(b, w, h, `${key}.conv3`, { out: planes * 4, kernel: 1, bias: false }), `${key}.bn3`);
  let skip = x;
  if (w.has(`${key}.downsample.0.weight`)) skip = batchNorm(b, w, conv2d(b, w, x, `${key}.downsample.0`, { out: planes * 4, kernel: 1, stride, bias: false }), `${key}.downsample.1`);
  return relu(b, { name: b.op('Add', [h.name, skip.name]), channels: planes * 4 });
}

function resnetBody(ctx: Ctx, x: TorchValue): TorchValue[] {
  const { b, w } = ctx;
  let h = relu(b, batchNorm(b, w, conv2d(b, w, x, 'body.conv1', { out: 64, kernel: 7, stride: 2, padding: 3, bias: false }), 'body.bn1'));
  h = maxPool(b, h, 3, 2, 1);
  const taps: TorchValue[] = [];
  ([[64, 3], [128, 4], [256, 6], [512, 3]] as const).forEach(([planes, blocks], i) => {
    for (let k = 0; k < blocks; k++) h = bottleneck(ctx, h, `body.layer${i + 1}.${k}`, planes, i > 0 && k === 0 ? 2 : 1);
    if (i > 0) taps.push(h);
  });
  return taps;
}

/** Nearest upsampling of `x` to the spatial size of `like` (`F.interpolate(size=..., mode='nearest')`). */
function upsampleLike(b: OnnxGraphBuilder, x: TorchValue, like: TorchValue): TorchValue {
  const sizes = b.op('Shape', [like.name]);
  return { name: b.op('Resize', [x.name, '', '', sizes], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }), channels: x.channels };
}

function ssh(ctx: Ctx, x: TorchValue, key: string, c: number, slope: number): TorchValue {
  const a = convBn(ctx, x, `${key}.conv3X3`, c / 2, { slope: null });
  const b1 = convBn(ctx, x, `${key}.conv5X5_1`, c / 4, { slope });
  const b2 = convBn(ctx, b1, `${key}.conv5X5_2`, c / 4, { slope: null });
  const c1 = convBn(ctx, b1, `${key}.conv7X7_2`, c / 4, { slope });
  const c2 = convBn(ctx, c1, `${key}.conv7x7_3`, c / 4, { slope: null });
  return relu(ctx.b, { name: ctx.b.op('Concat', [a.name, b2.name, c2.name], { axis: 1 }), channels: c });
}

/** One head per level: 1×1 conv, NCHW → NHWC, reshape to [N, cells·anchors, k]; the levels concatenated. */
function head(ctx: Ctx, features: TorchValue[], name: string, k: number): string {
  const { b, w } = ctx;
  const shape = b.constant(`${name}_shape`, new BigInt64Array([0n, -1n, BigInt(k)]), [3]);
  const parts = features.map((f, i) => {
    const y = conv2d(b, w, f, `${name}.${i}.conv1x1`, { out: 2 * k, kernel: 1 });
    return b.op('Reshape', [b.op('Transpose', [y.name], { perm: [0, 2, 3, 1] }), shape]);
  });
  return b.op('Concat', parts, { axis: 1 });
}

/**
 * facexlib's RetinaFace (biubug6's Pytorch_Retinaface: MobileNetV1-0.25 or ResNet-50 body, FPN,
 * three SSH modules, two anchors per cell) as one ONNX graph in the contract face-align's
 * `createRetinaFaceDetector` reads: input `input` float32 [1, 3, H, W] BGR minus (104, 117, 123),
 * any size; outputs `loc` [1, P, 4], `conf` [1, P, 2] (softmax, as facexlib's test phase) and
 * `landmarks` [1, P, 10], decoded against the priors by `decodeRetinaFace`.
 *
 * @example
 * const bytes = retinaFaceGraph(new StateDictWeights(await openCheckpoint('detection_mobilenet0.25_Final.pth'), 'retinaface-mobilenet0.25'), 'mobilenet0.25');
 */
export function retinaFaceGraph(w: StateDictWeights, backbone: RetinaFaceBackbone): Uint8Array {
  const b = new OnnxGraphBuilder({ name: `retinaface-${backbone}`, opset: 13, metadata: { diffmac_kind: `retinaface-${backbone}`, contract: 'input BGR minus (104,117,123) 1×3×H×W; outputs loc, conf (softmax), landmarks' } });
  const ctx: Ctx = { b, w };
  const x: TorchValue = { name: b.input('input', 'float32', [1, 3, 'H', 'W']), channels: 3 };
  const mobile = backbone === 'mobilenet0.25';
  const [c1, c2, c3] = mobile ? mobileNetBody(ctx, x) : resnetBody(ctx, x);
  const c = mobile ? 64 : 256;
  const slope = c <= 64 ? 0.1 : 0;
  const o1 = convBn(ctx, c1!, 'fpn.output1', c, { kernel: 1, slope });
  let o2 = convBn(ctx, c2!, 'fpn.output2', c, { kernel: 1, slope });
  const o3 = convBn(ctx, c3!, 'fpn.output3', c, { kernel: 1, slope });
  o2 = convBn(ctx, { name: b.op('Add', [o2.name, upsampleLike(b, o3, o2).name]), channels: c }, 'fpn.merge2', c, { slope });
  const m1 = convBn(ctx, { name: b.op('Add', [o1.name, upsampleLike(b, o2, o1).name]), channels: c }, 'fpn.merge1', c, { slope });
  const features = [ssh(ctx, m1, 'ssh1', c, slope), ssh(ctx, o2, 'ssh2', c, slope), ssh(ctx, o3, 'ssh3', c, slope)];
  b.node('Identity', [head(ctx, features, 'BboxHead', 4)], ['loc']);
  b.node('Softmax', [head(ctx, features, 'ClassHead', 2)], ['conf'], { axis: -1 });
  b.node('Identity', [head(ctx, features, 'LandmarkHead', 10)], ['landmarks']);
  b.output('loc', 'float32', [1, 'P', 4]);
  b.output('conf', 'float32', [1, 'P', 2]);
  b.output('landmarks', 'float32', [1, 'P', 10]);
  w.finish([/num_batches_tracked$/, /^body\.fc\./]);
  return b.toBytes();
}
