/**
 * Every error code a diffmac package throws, as one union: branch on `error.code` with the
 * compiler checking the spelling.
 */
export type DiffmacErrorCode =
  | 'ABORTED'
  | 'ABORT_ERR'
  | 'ALIGN_FAILED'
  | 'BUNDLE_AMBIGUOUS_MODEL'
  | 'BUNDLE_DIGEST_MISMATCH'
  | 'BUNDLE_DOWNLOAD_FAILED'
  | 'BUNDLE_INCOMPLETE'
  | 'BUNDLE_INCONSISTENT'
  | 'BUNDLE_MANIFEST_INVALID'
  | 'BUNDLE_MISSING_FILE'
  | 'BUNDLE_NETWORK_DISABLED'
  | 'BUNDLE_NETWORK_FAILED'
  | 'BUNDLE_NOT_A_FOLDER'
  | 'BUNDLE_NOT_A_RESTORER'
  | 'BUNDLE_NOT_ONNX'
  | 'BUNDLE_NO_COMPONENT'
  | 'BUNDLE_PATH_ESCAPE'
  | 'BUNDLE_WRONG_DTYPE'
  | 'BUNDLE_WRONG_NAME'
  | 'BUNDLE_WRONG_SHAPE'
  | 'CACHE_WRITE_FAILED'
  | 'CHECKPOINT_CLOSED'
  | 'CHECKPOINT_FORBIDDEN_GLOBAL'
  | 'CHECKPOINT_FORBIDDEN_OPCODE'
  | 'CHECKPOINT_INVALID'
  | 'CHECKPOINT_NOT_FOUND'
  | 'CHECKPOINT_NO_STATE_DICT'
  | 'CHECKPOINT_SHAPE_MISMATCH'
  | 'CHECKPOINT_TENSOR_NOT_FOUND'
  | 'CHECKPOINT_UNEXPECTED_KEY'
  | 'CHECKPOINT_UNSUPPORTED'
  | 'CONFLICTING_OPTIONS'
  | 'DEGENERATE_LANDMARKS'
  | 'DEGRADE_FAILED'
  | 'DENOISER_RETURNED_VALUE'
  | 'DETECTOR_DISPOSED'
  | 'DETECTOR_INPUT'
  | 'DETECTOR_OUTPUTS'
  | 'DEVICE_UNAVAILABLE'
  | 'DUPLICATE_NAME'
  | 'EMBEDDER_DISPOSED'
  | 'EMBEDDING_MISMATCH'
  | 'EMBEDDING_MISSING'
  | 'FACE_API_MANIFEST'
  | 'FACE_API_WEIGHTS_MISSING'
  | 'FID_FEATURE_SIZE'
  | 'FID_MODEL_SIGNATURE'
  | 'FID_STATS_INVALID'
  | 'FID_STATS_MISMATCH'
  | 'FID_TOO_FEW'
  | 'FILE_NOT_FOUND'
  | 'FILE_WRITE_FAILED'
  | 'FOLDER_NOT_FOUND'
  | 'FOLDER_UNREADABLE'
  | 'IDENTITY_MODEL_SIGNATURE'
  | 'IDENTITY_REQUIRED'
  | 'IDENTITY_UNSUPPORTED'
  | 'IMAGE_CHANNELS'
  | 'IMAGE_DECODE_FAILED'
  | 'IMAGE_EMPTY'
  | 'IMAGE_NOT_FINITE'
  | 'IMAGE_NOT_FOUND'
  | 'IMAGE_SIZE_MISMATCH'
  | 'IMAGE_TOO_LARGE'
  | 'IMAGE_TOO_SMALL'
  | 'IMAGE_WRITE_FAILED'
  | 'INTERNAL_ERROR'
  | 'INVALID_ARGUMENT'
  | 'INVALID_BORDER'
  | 'INVALID_BORDER_VALUE'
  | 'INVALID_CONFIG'
  | 'INVALID_CROP_RATIO'
  | 'INVALID_EMBEDDING'
  | 'INVALID_FACES'
  | 'INVALID_IMAGE'
  | 'INVALID_KERNEL'
  | 'INVALID_LANDMARKS'
  | 'INVALID_MASK'
  | 'INVALID_MATRIX'
  | 'INVALID_METHOD'
  | 'INVALID_OPTIONS'
  | 'INVALID_RESTORER'
  | 'INVALID_SCHEDULE'
  | 'INVALID_SHAPE'
  | 'INVALID_SIZE'
  | 'INVALID_STATE'
  | 'INVALID_TEMPERATURE'
  | 'INVALID_TIMESTEP'
  | 'INVALID_UPSCALE'
  | 'JOB_FAILED'
  | 'LANDMARK_COUNT_MISMATCH'
  | 'LANDMARK_MISMATCH'
  | 'LANDMARK_MODEL_SIGNATURE'
  | 'LENGTH_MISMATCH'
  | 'LPIPS_TRUNK_SIGNATURE'
  | 'LPIPS_WEIGHTS_INVALID'
  | 'METRIC_MISMATCH'
  | 'MINI_SET_MISSING'
  | 'MISSING_DETECTOR'
  | 'MISSING_GROUND_TRUTH'
  | 'MISSING_OPTION'
  | 'MISSING_REFERENCE'
  | 'MISSING_RNG'
  | 'MODEL_CHECKSUM_MISMATCH'
  | 'MODEL_FILE_MISSING'
  | 'MODEL_FILE_NOT_FOUND'
  | 'MODEL_OUTPUT_DTYPE'
  | 'MODEL_OUTPUT_MISSING'
  | 'MODEL_OUTPUT_NOT_FINITE'
  | 'MODEL_OUTPUT_SHAPE'
  | 'MODEL_SIGNATURE'
  | 'NON_FINITE'
  | 'NOTHING_ALIGNED'
  | 'NOTHING_RESTORED'
  | 'NOTHING_TO_DEGRADE'
  | 'NOTHING_TO_SCORE'
  | 'NOTHING_UPSCALED'
  | 'NOT_AN_ALIGNED_FACE'
  | 'NOT_A_FILE'
  | 'NOT_A_FOLDER'
  | 'NOT_PER_IMAGE'
  | 'NOT_READY'
  | 'NO_FACE_LANDMARKS'
  | 'NO_METRICS'
  | 'NPY_INVALID'
  | 'NPZ_INVALID'
  | 'ONNX_BUILDER_ATTRIBUTE'
  | 'ONNX_BUILDER_DIMS'
  | 'ONNX_BUILDER_DTYPE'
  | 'ONNX_BUILDER_DUPLICATE_NAME'
  | 'ONNX_BUILDER_NAME'
  | 'ONNX_BUILDER_NODE'
  | 'ONNX_BUILDER_NO_OUTPUT'
  | 'ONNX_BUILDER_UNKNOWN_VALUE'
  | 'ONNX_BUILDER_VALUE'
  | 'ONNX_CORRUPT'
  | 'OPERATING_POINT_REQUIRED'
  | 'OPTIONAL_DEPENDENCY_MISSING'
  | 'OPTION_FILE_NOT_JSON'
  | 'OPTION_FILE_UNREADABLE'
  | 'OUTPUT_EXISTS'
  | 'OUTPUT_INSIDE_INPUT'
  | 'OUTPUT_IS_INPUT'
  | 'OUTPUT_LOCKED'
  | 'OUTPUT_NAME_COLLISION'
  | 'OUTPUT_TOO_LARGE'
  | 'PIPELINE_CONDITION_MISMATCH'
  | 'PIPELINE_DISPOSED'
  | 'PIPELINE_MODEL_OUTPUT'
  | 'PIPELINE_NEEDS_CONTEXT'
  | 'PIPELINE_NEEDS_IDENTITY'
  | 'PIPELINE_NEEDS_REFINER'
  | 'PIPELINE_NEEDS_RESTORER'
  | 'QUEUE_CONFIG_MISMATCH'
  | 'QUEUE_JOBS_FAILED'
  | 'QUEUE_NOT_DONE'
  | 'QUEUE_URL_INVALID'
  | 'RATE_OUT_OF_RANGE'
  | 'REDIS_NOT_INSTALLED'
  | 'REDIS_START_FAILED'
  | 'RESTORED_COUNT_MISMATCH'
  | 'RESTORED_SIZE_MISMATCH'
  | 'RESTORER_SIGNATURE_MISMATCH'
  | 'RESTORE_FAILED'
  | 'RESUME_MISMATCH'
  | 'RNG_REQUIRED'
  | 'SCORE_FAILED'
  | 'SCORE_NAN'
  | 'SELFCHECK'
  | 'SESSION_CREATE_FAILED'
  | 'SESSION_DISPOSED'
  | 'SESSION_FEEDS'
  | 'SESSION_INPUT_DTYPE'
  | 'SESSION_INPUT_SHAPE'
  | 'SESSION_MISSING_INPUT'
  | 'SESSION_RUN_FAILED'
  | 'SESSION_UNKNOWN_INPUT'
  | 'SESSION_UNKNOWN_OUTPUT'
  | 'SHAPE_MISMATCH'
  | 'SINGULAR_MATRIX'
  | 'SIZE_MISMATCH'
  | 'TENSOR_DTYPE_MISMATCH'
  | 'TENSOR_SHAPE_MISMATCH'
  | 'TFJS_GRAPH_FORMAT'
  | 'TFJS_GRAPH_UNSUPPORTED'
  | 'TFJS_LAYER_UNSUPPORTED'
  | 'TFJS_MANIFEST'
  | 'TFJS_MODEL_FILES'
  | 'TFJS_WEIGHTS_MISMATCH'
  | 'TIMESTEP_OUT_OF_RANGE'
  | 'TOKENIZER_INVALID'
  | 'TOKENIZER_MISSING_FILE'
  | 'TOO_FEW_LANDMARKS'
  | 'UNKNOWN_CONVERT_KIND'
  | 'UNKNOWN_DEVICE'
  | 'UNKNOWN_FACE_API_MODEL'
  | 'UNKNOWN_METRIC'
  | 'UNKNOWN_OPTION'
  | 'UNKNOWN_PRESET'
  | 'UNKNOWN_PROTOCOL'
  | 'UNKNOWN_ROLE'
  | 'UNKNOWN_SAMPLER'
  | 'UNKNOWN_SCHEDULE'
  | 'UNKNOWN_SCHEDULER'
  | 'UNSUPPORTED_IMAGE_FORMAT'
  | 'UNSUPPORTED_OPTION'
  | 'UNSUPPORTED_SAMPLER'
  | 'UPSCALE_FAILED'
  | 'VAE_CANNOT_SAMPLE'
  | 'VAE_SIGNATURE_MISMATCH'
  | 'ZIP_INVALID';

/** Details of an error: the argument at fault, what was expected and what was received. */
export interface DiffmacErrorDetails {
  argument?: string;
  expected?: string;
  received?: string;
  cause?: unknown;
}

/**
 * The typed error every diffmac package throws.
 *
 * Each error carries a stable `code`, and where an argument was at fault its `argument` name,
 * what was `expected` and what was `received`, so callers can branch on `code` and users read
 * one clear sentence. The leaves' own classes (`SchedulerError`, `MibError`) extend it.
 *
 * @example
 * try { await loadBundle(dir); }
 * catch (e) { if (e instanceof DiffmacError && e.code === 'BUNDLE_MISSING_FILE') report(e.message); }
 */
export class DiffmacError extends Error {
  readonly code: DiffmacErrorCode;
  readonly argument: string | undefined;
  readonly expected: string | undefined;
  readonly received: string | undefined;

  constructor(code: DiffmacErrorCode, message: string, details: DiffmacErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'DiffmacError';
    this.code = code;
    this.argument = details.argument;
    this.expected = details.expected;
    this.received = details.received;
  }
}

/**
 * Short, printable description of any value for "expected X, received Y" messages.
 *
 * @example
 * describeValue(new Float32Array(4)); // 'Float32Array(4)'
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  if (Array.isArray(value)) return `array(${value.length})`;
  return typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
}

/** A class of {@link DiffmacError} (the leaves' `SchedulerError` and `MibError` are two). */
export type DiffmacErrorClass = new (code: DiffmacErrorCode, message: string, details?: DiffmacErrorDetails) => DiffmacError;

/**
 * Throw an `ErrorClass` for argument `argument` that should have been `expected`.
 *
 * @example
 * throwInvalidArgument(SchedulerError, 'steps', 'a positive integer', steps);
 */
export function throwInvalidArgument(
  ErrorClass: DiffmacErrorClass,
  argument: string,
  expected: string,
  value: unknown,
  code: DiffmacErrorCode = 'INVALID_ARGUMENT',
): never {
  const received = describeValue(value);
  throw new ErrorClass(code, `Expected ${expected} for ${argument}, received ${received}`, { argument, expected, received });
}

/**
 * Throw a {@link DiffmacError} for argument `argument` that should have been `expected`.
 *
 * @example
 * if (!(steps > 0)) invalidArgument('steps', 'a positive integer', steps);
 */
export function invalidArgument(argument: string, expected: string, value: unknown, code: DiffmacErrorCode = 'INVALID_ARGUMENT'): never {
  throwInvalidArgument(DiffmacError, argument, expected, value, code);
}
