import { DiffmacError } from '@diffmac/base';
import { readOnnxSignature, readOnnxSignatureFile, type OnnxModelSignature } from '@diffmac/core';
import type { FaceDetector } from '../types';
import { createRetinaFaceDetector, createScrfdDetector, createYuNetDetector, type OnnxFaceDetectorOptions } from './onnx-face-detector';

/** The detector families an ONNX file is recognised as. */
export type OnnxDetectorFamily = 'retinaface' | 'scrfd' | 'yunet';

/**
 * Which detector family an ONNX signature is: RetinaFace (three outputs with last dimensions 4, 2
 * and 10: boxes, scores, landmarks, as `diffmac convert retinaface-*` and facexlib exports give),
 * YuNet (`cls_8`, `obj_8`, ... outputs), or SCRFD with keypoints (nine outputs, three per stride).
 * Anything else is `DETECTOR_OUTPUTS`, naming what the file has.
 *
 * @example
 * detectorFamily(readOnnxSignature(bytes)); // 'retinaface'
 */
export function detectorFamily(signature: OnnxModelSignature, source = 'model'): OnnxDetectorFamily {
  const outs = signature.outputs;
  const last = outs.map((o) => o.shape[o.shape.length - 1]);
  if (outs.length === 3 && [4, 2, 10].every((d) => last.includes(d))) return 'retinaface';
  if (outs.some((o) => /^(cls|obj)_\d+$/.test(o.name))) return 'yunet';
  if (outs.length === 9) return 'scrfd';
  throw new DiffmacError('DETECTOR_OUTPUTS', `${source} is not a face detector diffmac can decode (RetinaFace, SCRFD with keypoints, YuNet)`, {
    argument: 'model',
    expected: 'RetinaFace (loc [1,N,4], conf [1,N,2], landmarks [1,N,10]), SCRFD *_kps (9 outputs) or YuNet (cls_/obj_/bbox_/kps_ outputs)',
    received: outs.map((o) => `${o.name} [${o.shape.join(', ')}]`).join('; '),
  });
}

/**
 * A {@link FaceDetector} over any supported ONNX detector file, its family told from the outputs
 * ({@link detectorFamily}), with that family's input recipe and decoder.
 *
 * @example
 * const detector = await createDetectorFromOnnx('retinaface-resnet50.onnx', { minScore: 0.97 });
 */
export async function createDetectorFromOnnx(model: string | Uint8Array, options: OnnxFaceDetectorOptions = {}): Promise<FaceDetector> {
  const signature = typeof model === 'string' ? await readOnnxSignatureFile(model) : readOnnxSignature(model);
  const family = detectorFamily(signature, typeof model === 'string' ? model : 'model');
  if (family === 'retinaface') return createRetinaFaceDetector(model, options);
  if (family === 'yunet') return createYuNetDetector(model, options);
  return createScrfdDetector(model, options);
}
