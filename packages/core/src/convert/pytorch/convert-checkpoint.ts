import { DiffmacError } from '@diffmac/base';
import { openCheckpoint } from '../../checkpoint/open-checkpoint';
import { arcfaceResnet18Graph } from './arcface-resnet18';
import { inceptionFidGraph } from './inception-fid';
import { lpipsTrunkGraph } from './lpips-trunk';
import { retinaFaceGraph } from './retinaface';
import { StateDictWeights } from './state-dict-weights';

/** What `convertCheckpoint` turns into ONNX, and which official file each kind reads. */
export const CHECKPOINT_KINDS = {
  'lpips-alex': {
    checkpoint: "torchvision's AlexNet (alexnet-owt-7be5be79.pth)",
    contract: 'LPIPS trunk: input RGB [-1,1] N×3×H×W, ScalingLayer inside, outputs relu1..relu5; use with the lpips package’s weights/v0.1/alex.pth',
  },
  'lpips-vgg': {
    checkpoint: "torchvision's VGG16 (vgg16-397923af.pth)",
    contract: 'LPIPS trunk: input RGB [-1,1] N×3×H×W, ScalingLayer inside, outputs relu1_2..relu5_3; use with the lpips package’s weights/v0.1/vgg.pth',
  },
  'inception-fid': {
    checkpoint: "pytorch-fid's FID Inception (pt_inception-2015-12-05-6726825d.pth)",
    contract: 'FID features: input RGB [0,1] N×3×299×299 (eval resizes with torch\'s bilinear rule), output pool3 N×2048; use with eval --fid-model',
  },
  'retinaface-mobilenet0.25': {
    checkpoint: "facexlib's RetinaFace MobileNet-0.25 (detection_mobilenet0.25_Final.pth)",
    contract: 'detector: input BGR minus (104,117,123) 1×3×H×W; outputs loc, conf (softmax), landmarks; use with face-align createRetinaFaceDetector / restore --detector',
  },
  'retinaface-resnet50': {
    checkpoint: "facexlib's RetinaFace ResNet-50 (detection_Resnet50_Final.pth)",
    contract: 'detector: input BGR minus (104,117,123) 1×3×H×W; outputs loc, conf (softmax), landmarks; use with face-align createRetinaFaceDetector / restore --detector',
  },
  'arcface-resnet18': {
    checkpoint: "the BFR papers' ArcFace (arcface_resnet18.pth, BasicSR's ResNetArcFace)",
    contract: 'identity: input grey [-1,1] N×1×128×128, output embedding N×512',
  },
} as const;

/** A kind `convertCheckpoint` knows. */
export type CheckpointKind = keyof typeof CHECKPOINT_KINDS;

/** The graph writer of each kind. */
const GRAPHS: Readonly<Record<CheckpointKind, (weights: StateDictWeights) => Uint8Array>> = {
  'lpips-alex': (w) => lpipsTrunkGraph(w, 'alex'),
  'lpips-vgg': (w) => lpipsTrunkGraph(w, 'vgg'),
  'arcface-resnet18': arcfaceResnet18Graph,
  'inception-fid': inceptionFidGraph,
  'retinaface-mobilenet0.25': (w) => retinaFaceGraph(w, 'mobilenet0.25'),
  'retinaface-resnet50': (w) => retinaFaceGraph(w, 'resnet50'),
};

/** Progress of a conversion. */
export type ConvertProgressEvent =
  | { readonly type: 'open'; readonly file: string }
  | { readonly type: 'tensor'; readonly key: string; readonly done: number; readonly total: number }
  | { readonly type: 'serialise' };

/** Options of {@link convertCheckpoint}. */
export interface ConvertCheckpointOptions {
  onProgress?: (event: ConvertProgressEvent) => void;
  /** Checked between tensors. */
  signal?: AbortSignal;
}

/** A converted model: the ONNX bytes and the contract they follow. */
export interface ConvertedCheckpoint {
  readonly kind: CheckpointKind;
  readonly bytes: Uint8Array;
  readonly contract: string;
}

/**
 * Convert an official PyTorch checkpoint to ONNX in the contract the rest of diffmac reads, in Node
 * with no Python. Parameters are read by key and shape from the state dict: a missing key, a wrong
 * shape or an unexpected key is a typed error naming the key (`CHECKPOINT_TENSOR_NOT_FOUND`,
 * `CHECKPOINT_SHAPE_MISMATCH`, `CHECKPOINT_UNEXPECTED_KEY`); keys the official files carry but the
 * network does not use (classifier heads, BatchNorm counters) are skipped. Tensors are read one at a
 * time from the file.
 *
 * @example
 * const { bytes } = await convertCheckpoint('arcface-resnet18', ['arcface_resnet18.pth']);
 * await writeFileAtomic('arcface.onnx', bytes);
 */
export async function convertCheckpoint(kind: CheckpointKind, files: readonly string[], options: ConvertCheckpointOptions = {}): Promise<ConvertedCheckpoint> {
  if (!Object.hasOwn(CHECKPOINT_KINDS, kind)) {
    throw new DiffmacError('UNKNOWN_CONVERT_KIND', `Unknown conversion kind ${JSON.stringify(kind)}`, { argument: 'kind', expected: Object.keys(CHECKPOINT_KINDS).join(', '), received: JSON.stringify(kind) });
  }
  if (files.length !== 1) {
    throw new DiffmacError('INVALID_ARGUMENT', `${kind} converts one checkpoint, ${CHECKPOINT_KINDS[kind].checkpoint}; received ${files.length}`, { argument: 'files', expected: 'one .pth file', received: `${files.length} file(s)` });
  }
  const file = files[0]!;
  options.signal?.throwIfAborted();
  options.onProgress?.({ type: 'open', file });
  const checkpoint = await openCheckpoint(file);
  try {
    const weights = new StateDictWeights(checkpoint, kind, (key, done, total) => {
      options.signal?.throwIfAborted();
      options.onProgress?.({ type: 'tensor', key, done, total });
    });
    const bytes = GRAPHS[kind](weights);
    options.onProgress?.({ type: 'serialise' });
    return { kind, bytes, contract: CHECKPOINT_KINDS[kind].contract };
  } finally {
    checkpoint.close();
  }
}
