/**
 * facexlib-exact face alignment and paste-back for Node, with an embedded face detector that needs no download.
 *
 * @packageDocumentation
 * @module @diffmac/face-align
 */
export { DiffmacError } from '@diffmac/core';
export type { DetectedFace, DetectOptions, FaceDetector, FiveLandmarks, Point } from './detection/types';
// Face detection (embedded face-api detector, embedder, ONNX detector decoders)
export { createDefaultDetector, type DefaultDetectorOptions } from './detection/face-api/default-detector';
export { createFaceEmbedder, type EmbedOptions, type FaceEmbedder, type FaceEmbedderOptions } from './detection/face-api/face-embedder';
export { convertFaceApiModel, faceApiModelDir, type FaceApiModelOptions } from './detection/face-api/face-api-models';
export { defaultCacheDir, FACE_API_CONVERTER_VERSION, type ConvertedModel, type FaceApiModelName } from '@diffmac/core';
export { fiveFrom68 } from './detection/landmarks-to-five';
export { iou, nms, type Box4 } from './detection/nms';
export {
  createRetinaFaceDetector,
  createScrfdDetector,
  createYuNetDetector,
  finishCandidates,
  type DetectorModel,
  type OnnxFaceDetectorOptions,
} from './detection/decoders/onnx-face-detector';
export { createDetectorFromOnnx, detectorFamily, type OnnxDetectorFamily } from './detection/decoders/detector-from-onnx';
export { createTiledDetector, type TiledDetectorOptions } from './detection/tiled-detector';
export type { FaceCandidate } from './detection/decoders/candidate';
export { prepareInput, type InputRecipe, type PreparedInput } from './detection/decoders/prepare-input';
export { decodeRetinaFace, retinaFacePriors, RETINAFACE_CONFIG, type RetinaFacePriorConfig } from './detection/decoders/retinaface';
export { decodeScrfd, SCRFD_STRIDES } from './detection/decoders/scrfd';
export { decodeYuNet, YUNET_STRIDES } from './detection/decoders/yunet';
export { applyAffine, assertAffine, composeAffine, invertAffine, scaleAffine, toAffine, type AffineInput, type AffineMatrix } from './geometry/affine';
export { ffhqTemplate, ffhqTemplateWithSize, type FaceTemplate, type TemplateOptions } from './geometry/template';
export { estimateSimilarity, estimateSimilarityWithInliers, type SimilarityEstimate, type SimilarityOptions } from './geometry/estimate-similarity';
export { warpAffine, type WarpAffineOptions } from './warp/warp-affine';
// Moved to @diffmac/base (base/src/ops, base/src/checks); re-exported for one release.
export { borderIndex, type BorderMode } from '@diffmac/base';
export { assertColorImage } from '@diffmac/base';
export { erodePlane } from '@diffmac/base';
export { gaussianBlurPlane, getGaussianKernel as gaussianKernel, type PlaneWindow } from '@diffmac/base';
export { resizeLanczos4 } from '@diffmac/base';
export { pasteBack, pasteBackDetailed, type PasteBackOptions, type PasteFace, type PasteInternals, type PasteResult } from './paste/paste-back';
export { toUint8 } from './image/to-uint8';
export { fiveFrom98 } from './geometry/five-from-98';
export { alignFace, FACEXLIB_BORDER_RGB, type AlignFaceOptions, type AlignedFace } from './align/align-face';
export { selectFaces, type FaceFilter } from './helper/select-faces';
export {
  restoreFaces,
  type BackgroundUpsampler,
  type RestoreBatchContext,
  type RestoreBatchFunction,
  type RestoreContext,
  type RestoredFace,
  type RestoreFacesEvent,
  type RestoreFacesOptions,
  type RestoreFacesResult,
  type RestoreFacesTimings,
  type RestoreFunction,
} from './helper/restore-faces';
