/**
 * Face restoration metrics exactly as the references compute them (BasicSR PSNR/SSIM/NIQE, LPIPS, identity, LMD, FID) and CelebA-Test-style evaluation.
 *
 * @packageDocumentation
 * @module @diffmac/eval
 */
export { DiffmacError } from '@diffmac/core';
export { psnr, meanSquaredError } from './metrics/psnr';
export type { PixelMetricOptions } from './metrics/psnr';
export { ssim, ssimPlane, ssimGaussian1d } from './metrics/ssim';
export { toPlanes, yOfPixel } from './image/planes';
export type { Planes } from './image/planes';
export { assertImage, assertSamePair, assertCropBorder, shapeOf } from './image/validate';
export { niqe, niqeLuma, niqeFeatures, niqeOfLuma } from './niqe/niqe';
export type { NiqeOptions, NiqeParams } from './niqe/niqe';
export { imresizeMatlab } from '@diffmac/base';
export type { Plane32 } from '@diffmac/base';
export { estimateAggd, aggdGrid, blockFeatures } from './niqe/aggd';
export type { AggdGrid, AggdParams } from './niqe/aggd';
export { gamma } from './math/gamma';
// The eigen solvers moved to @diffmac/base (one solver; symmetricEigenLarge is its old name); re-exported for one release.
export { symmetricEigen, symmetricEigen as symmetricEigenLarge, symmetricPinv, symmetricEigenvalues, cholesky } from '@diffmac/base';
export { psnrOfPlanes } from './metrics/psnr';
export { ssimOfPlanes } from './metrics/ssim';
export { meanStdCorrectedPlanes } from './protocols/mean-std-correction';
export { createLpips, lpipsLayer, lpipsTapLayouts } from './lpips/lpips';
export { readLpipsWeights } from './lpips/read-lpips-weights';
export type { Lpips, LpipsOptions, LpipsResult } from './lpips/lpips';
export { imageToSignedTensor } from './lpips/image-tensor';
export type { ChannelOrder } from './lpips/image-tensor';
// Degradation synthesis (CelebA-Test-style sets)
export { bivariateGaussianKernel, bivariateGaussianKernel as gaussianKernel } from './degradation/blur-kernel';
export { filter2d } from '@diffmac/base';
export { resizeLinear } from '@diffmac/base';
export { toFloatImage, toUint8Image, type FloatImage } from './degradation/float-image';
export { degradationPreset, degradationPresets, type DegradationParams, type DegradationPreset, type DegradationPresetName, type UniformSource } from './degradation/presets';
export { degradeImage, sharpJpeg, type DegradeImageOptions, type JpegRoundTrip } from './degradation/degrade-image';
export {
  degradeFolder,
  degradeOne,
  type DegradationFailure,
  type DegradationRecord,
  type DegradeFolderOptions,
  type DegradeFolderResult,
  type DegradeProgressEvent,
} from './degradation/degrade-folder';
export { createArcFaceEmbedder, arcfaceInput, insightfaceInput, INSIGHTFACE_TEMPLATE_112, toGray8 } from './identity/arcface';
export type { IdentityEmbedder, GrayConversion, ArcFaceInputOptions, ArcFaceEmbedderOptions } from './identity/arcface';
export { cosineSimilarity, identityAngle, identityScore } from './identity/identity';
export type { AngleUnit, IdentityScore } from './identity/identity';
export { resizeLinearU8 } from '@diffmac/base';
export { scanImageFolder, listImages, IMAGE_EXTENSIONS, type ImageFolderScan, type SkippedEntry } from './image/scan-image-folder';
export {
  landmarkDistance,
  landmarkScore,
  heatmapPoints,
  createFanLandmarker,
  landmarkDetectorFromFaceDetector,
  createDefaultLandmarker,
} from './landmarks/lmd';
export type { LandmarkDetector, LandmarkPoint, FanLandmarkerOptions } from './landmarks/lmd';
export { parseNpy, parseNpz } from './fid/npz';
export type { NpyArray } from './fid/npz';
export { frechetDistance, sqrtmPsd, traceSqrtProduct } from './fid/frechet';
export type { FeatureStats } from './fid/frechet';
export { readFidStats, FeatureStatsAccumulator, createFidExtractor, fidAgainst } from './fid/fid';
export type { FeatureSumsState, FidExtractor, FidExtractorOptions } from './fid/fid';
export { dropBelowFor, getProtocol, listProtocols } from './protocols/protocols';
export type { Protocol, ProtocolName } from './protocols/protocols';
export { ScoreAccumulator } from './api/accumulator';
export type { MetricSummary, Reduction, ScoreAccumulatorOptions, ScoreState } from './api/accumulator';
export { createMetric, listMetrics } from './api/metrics';
export type { CreateMetricOptions, Metric, MetricAccumulator, MetricInfo, MetricName } from './api/metrics';
// Evaluation runner and reports
export { evaluateFolders, EVAL_LOCK_FILE, type EvaluationResult } from './runner/evaluate-folders';
export { validateEvaluateOptions, type EvaluateFoldersOptions, type EvaluateProgressEvent, type EvaluateScoringBackend, type FidModels } from './runner/evaluate-options';
export { pairFolders, type FolderPairing, type ImagePair } from './runner/pair-folders';
export { createPairScorer, isFullReference, validateScorerOptions, RUNNER_METRICS, type PairScorer, type PairScorerOptions } from './runner/pair-scorer';
export { openResultsLog, parseResultRow, resultRowJson, type ResultRow, type ResultsLog } from './runner/results-log';
export { summarize, type MetricStats } from './runner/aggregate';
export { summarizeRows, jsonWithNonFinite } from './runner/run-summary';
export { scoreRun, pairStamp, type ScoreRunOptions } from './runner/score-run';
export { writeRunReports, type RunReportFiles, type RunReportsInput } from './runner/write-reports';
export { reportGrid, findByStem } from './runner/report-grid';
export { runFid } from './runner/run-fid';
export { acquireRunLock, type RunLock } from './runner/run-lock';
export { checkOutputFolder, realpathNearest } from './runner/output-folder';
export { scorePairs, workerScriptUrl } from './runner/score-pairs';
export { thumbnailDataUri } from './runner/thumbnail';
export { packageVersions } from './runner/versions';
export { htmlReport, type HtmlReportInput, type ReportGridEntry } from './report/html-report';
export { histogramSvg, escapeXml } from './report/histogram-svg';
export { overlayHistogramSvg, SERIES_COLOURS } from './report/overlay-histogram-svg';
export { comparisonReport, type ComparedMethod, type ComparisonGridEntry, type ComparisonReportInput } from './report/comparison-report';
export { writeComparisonReport, type ComparisonRun } from './runner/write-comparison';
export { formatScore, markdownTable, perImageCsv, summaryCsv } from './report/tables';
export { metricColumns, type MetricColumn } from './report/metric-columns';
