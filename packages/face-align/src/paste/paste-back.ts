import { assertColorImage, type ColorImage, erodePlane, gaussianBlurPlane, invalidArgument, type OutputWindow as Window, resizeLanczos4, warpBilinear, warpOnes } from '@diffmac/base';
import { invertAffine, toAffine, type AffineInput, type AffineMatrix } from '../geometry/affine';
import { toUint8 } from '../image/to-uint8';

/** One face to paste: the restored crop and the photo → crop affine used to align it. */
export interface PasteFace {
  /** The restored face crop (uint8, or float in 0–1), the size of the aligned crop. */
  restored: ColorImage;
  /** The photo → crop affine that produced the aligned crop (not its inverse); flat or nested 2×3. */
  matrix: AffineInput;
  /**
   * Optional soft mask in crop space (restored.width × restored.height values in 0–1), e.g. from
   * face parsing; it is warped back and combined with the square soft mask by minimum, as
   * CodeFormer does.
   */
  mask?: Float32Array;
}

/** Options of {@link pasteBack}. */
export interface PasteBackOptions {
  /** Output scale relative to the photo (facexlib's `upscale_factor`, default 1). */
  upscale?: number;
  /**
   * The background to paste into (e.g. a background upsampler's output). It is resized to the
   * output size with Lanczos as facexlib does (a copy when it already has that size). Default:
   * the photo resized with OpenCV's INTER_LANCZOS4. An RGB background under an RGBA photo gets the
   * photo's (Lanczos-resized) alpha.
   */
  background?: ColorImage;
}

/** What one face's paste used, for inspection and tests. */
export interface PasteInternals {
  /** crop → output affine, with facexlib's upscale correction. */
  inverseAffine: AffineMatrix;
  erodeKernel: number;
  wEdge: number;
  blurKernel: number;
  /** output window the face touched: [x, y, width, height] */
  window: [number, number, number, number];
}

/** {@link pasteBack}'s result with the per-face internals. */
export interface PasteResult {
  image: ColorImage<Uint8Array>;
  faces: PasteInternals[];
}

const f32 = Math.fround;

/**
 * Paste restored faces back into a photo exactly as facexlib's `paste_faces_to_input_image`: the
 * inverse affine scaled by `upscale` (plus `0.5·upscale` on the translation when upscaling), the
 * restored face and an all-ones mask warped back, the mask eroded by `2·upscale`, eroded again by
 * `2·w_edge` (`w_edge = ⌊√area⌋ / 20`) and Gaussian-blurred (`2·w_edge + 1`), blended in float32
 * over the Lanczos-upscaled photo (or a supplied background), faces in order, then truncated to
 * 8 bits. An alpha channel of the background is kept.
 *
 * @example
 * const out = pasteBack(photo, [{ restored, matrix }], { upscale: 2 });
 */
export function pasteBack(photo: ColorImage, faces: readonly PasteFace[], options: PasteBackOptions = {}): ColorImage<Uint8Array> {
  return pasteBackDetailed(photo, faces, options).image;
}

/**
 * {@link pasteBack} that also reports each face's kernels and window.
 *
 * @example
 * const { image, faces } = pasteBackDetailed(photo, [{ restored, matrix }]);
 */
export function pasteBackDetailed(photo: ColorImage, faces: readonly PasteFace[], options: PasteBackOptions = {}): PasteResult {
  assertColorImage(photo, 'photo');
  if (!Array.isArray(faces)) invalidArgument('faces', 'an array of { restored, matrix }', faces, 'INVALID_FACES');
  const upscale = options.upscale ?? 1;
  if (typeof upscale !== 'number' || !Number.isFinite(upscale) || upscale <= 0) invalidArgument('options.upscale', 'a finite number > 0', upscale, 'INVALID_UPSCALE');
  faces.forEach((f, i) => {
    if (f === null || typeof f !== 'object') invalidArgument(`faces[${i}]`, 'an object { restored, matrix }', f, 'INVALID_FACES');
    assertColorImage(f.restored, `faces[${i}].restored`);
    toAffine(f.matrix, `faces[${i}].matrix`);
    if (f.mask !== undefined && (!(f.mask instanceof Float32Array) || f.mask.length !== f.restored.width * f.restored.height)) {
      invalidArgument(`faces[${i}].mask`, `a Float32Array of ${f.restored.width * f.restored.height} values (crop size)`, f.mask, 'INVALID_MASK');
    }
  });
  const W = Math.trunc(photo.width * upscale);
  const H = Math.trunc(photo.height * upscale);
  if (W < 1 || H < 1) invalidArgument('options.upscale', 'a factor giving at least a 1x1 output', upscale, 'INVALID_UPSCALE');
  let background: ColorImage<Uint8Array>;
  if (options.background !== undefined) {
    assertColorImage(options.background, 'options.background');
    background = toUint8(resizeLanczos4(options.background, W, H));
    if (photo.channels === 4 && background.channels === 3) background = withAlphaOf(background, toUint8(resizeLanczos4(photo, W, H)));
  } else {
    background = toUint8(resizeLanczos4(photo, W, H));
  }
  const bcn = background.channels;

  // Plan each face: crop -> output affine and a window that holds everything it changes.
  const plans = faces.map((f) => {
    const inv = invertAffine(f.matrix).map((v) => v * upscale) as unknown as [number, number, number, number, number, number];
    if (upscale > 1) {
      inv[2] += 0.5 * upscale;
      inv[5] += 0.5 * upscale;
    }
    const { width: cw, height: ch } = f.restored;
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const [x, y] of [[-1, -1], [cw, -1], [-1, ch], [cw, ch]] as const) {
      const X = inv[0] * x + inv[1] * y + inv[2];
      const Y = inv[3] * x + inv[4] * y + inv[5];
      minX = Math.min(minX, X); maxX = Math.max(maxX, X); minY = Math.min(minY, Y); maxY = Math.max(maxY, Y);
    }
    const margin = Math.ceil(Math.sqrt(Math.max(0, (maxX - minX) * (maxY - minY))) / 20) + 4;
    const x0 = clamp(Math.floor(minX) - margin, 0, W), x1 = clamp(Math.ceil(maxX) + margin + 1, 0, W);
    const y0 = clamp(Math.floor(minY) - margin, 0, H), y1 = clamp(Math.ceil(maxY) + margin + 1, 0, H);
    return { inv: inv as AffineMatrix, window: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } as Window };
  });

  // Float32 canvas over the union of the windows (numpy's img becomes float32 after the first face).
  const ux0 = Math.min(W, ...plans.map((p) => p.window.x)), uy0 = Math.min(H, ...plans.map((p) => p.window.y));
  const ux1 = Math.max(0, ...plans.map((p) => p.window.x + p.window.width)), uy1 = Math.max(0, ...plans.map((p) => p.window.y + p.window.height));
  const uw = Math.max(0, ux1 - ux0), uh = Math.max(0, uy1 - uy0);
  const canvas = new Float32Array(uw * uh * 3);
  for (let y = 0; y < uh; y++) {
    for (let x = 0; x < uw; x++) {
      const s = ((y + uy0) * W + x + ux0) * bcn, d = (y * uw + x) * 3;
      canvas[d] = background.data[s]!; canvas[d + 1] = background.data[s + 1]!; canvas[d + 2] = background.data[s + 2]!;
    }
  }

  const internals: PasteInternals[] = [];
  faces.forEach((face, i) => {
    const { inv, window: win } = plans[i]!;
    const restored = toUint8(face.restored);
    const { width: cw, height: ch } = restored;
    const erodeKernel = Math.trunc(2 * upscale);
    const record: PasteInternals = { inverseAffine: inv, erodeKernel, wEdge: 0, blurKernel: 1, window: [win.x, win.y, win.width, win.height] };
    internals.push(record);
    if (win.width === 0 || win.height === 0) return;
    const n = win.width * win.height;
    const toCrop = invertAffine(inv); // what cv2.warpAffine does with the inverse it is given
    const invRestored = new Uint8Array(n * restored.channels);
    warpBilinear(restored, toCrop, invRestored, win, 'constant', new Array<number>(restored.channels).fill(0));
    const invMask = new Float32Array(n);
    warpOnes(cw, ch, toCrop, invMask, win);
    const eroded = erodePlane(invMask, win.width, win.height, erodeKernel);
    let area = 0;
    for (let k = 0; k < n; k++) area += eroded[k]!;
    const wEdge = Math.floor(Math.trunc(f32(Math.sqrt(f32(area)))) / 20);
    const center = erodePlane(eroded, win.width, win.height, wEdge * 2);
    const blurKernel = wEdge * 2 + 1;
    const soft = gaussianBlurPlane(center, win.width, win.height, blurKernel, 0, { x: win.x, y: win.y, imageWidth: W, imageHeight: H });
    record.wEdge = wEdge;
    record.blurKernel = blurKernel;
    if (face.mask !== undefined) {
      const parse = new Float32Array(n);
      warpBilinear({ data: face.mask, width: cw, height: ch, channels: 1 }, toCrop, parse, win, 'constant', [0]);
      for (let k = 0; k < n; k++) if (parse[k]! < soft[k]!) soft[k] = parse[k]!;
    }
    const rcn = restored.channels;
    for (let y = 0; y < win.height; y++) {
      for (let x = 0; x < win.width; x++) {
        const k = y * win.width + x;
        const s = soft[k]!;
        if (s === 0) continue; // (1 - 0) * img + 0 * face == img exactly
        const e = eroded[k]!;
        const oneMinus = f32(1 - s);
        const d = ((y + win.y - uy0) * uw + x + win.x - ux0) * 3;
        for (let c = 0; c < 3; c++) {
          const pasted = f32(e * invRestored[k * rcn + c]!);
          canvas[d + c] = f32(f32(s * pasted) + f32(oneMinus * canvas[d + c]!));
        }
      }
    }
  });

  const out = background.data.slice();
  for (let y = 0; y < uh; y++) {
    for (let x = 0; x < uw; x++) {
      const s = (y * uw + x) * 3, d = ((y + uy0) * W + x + ux0) * bcn;
      for (let c = 0; c < 3; c++) {
        const v = Math.trunc(canvas[s + c]!);
        out[d + c] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    }
  }
  return { image: { width: W, height: H, channels: bcn, data: out }, faces: internals };
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** `rgb` with the alpha channel of `rgba` (same size): keeps a photo's alpha under an RGB background. */
function withAlphaOf(rgb: ColorImage<Uint8Array>, rgba: ColorImage<Uint8Array>): ColorImage<Uint8Array> {
  const n = rgb.width * rgb.height;
  const data = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    data[i * 4] = rgb.data[i * 3]!;
    data[i * 4 + 1] = rgb.data[i * 3 + 1]!;
    data[i * 4 + 2] = rgb.data[i * 3 + 2]!;
    data[i * 4 + 3] = rgba.data[i * 4 + 3]!;
  }
  return { width: rgb.width, height: rgb.height, channels: 4, data };
}
