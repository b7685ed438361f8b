import { type ColorImage, DiffmacError, resizeLinearU8, type Tensor } from '@diffmac/base';
import { createSession, type InferenceSession, type SessionOptions } from '@diffmac/core';
import { estimateSimilarity, ffhqTemplate, warpAffine, type Point } from '@diffmac/face-align';
import { assertImage } from '../image/validate';

/**
 * Anything that turns face crops into identity embeddings. @diffmac/face-align's
 * `createFaceEmbedder()` (the embedded 128-D net) fits as it is; so does {@link createArcFaceEmbedder}.
 */
export interface IdentityEmbedder {
  embed(faces: ColorImage[], options?: { signal?: AbortSignal }): Promise<ArrayLike<number>[]>;
  dispose(): Promise<void>;
}

/** How the ArcFace protocol turns a colour image into grey. */
export type GrayConversion = 'imread-png' | 'cvtcolor';

/**
 * 8-bit grey of an RGB(A) image. `'imread-png'` is what `cv2.imread(path, 0)` returns for a PNG
 * (libpng's `rgb_to_gray`: `(9797 R + 19234 G + 3737 B) >> 15`, the VQFR/BFR scripts' path);
 * `'cvtcolor'` is `cv2.cvtColor(BGR2GRAY)` (`(4899 R + 9617 G + 1868 B + 8192) >> 14`). Float images
 * are quantised to 8 bits first.
 *
 * @example
 * const g = toGray8(face); // Uint8Array(width * height)
 */
export function toGray8(img: ColorImage, conversion: GrayConversion = 'imread-png'): Uint8Array {
  const n = img.width * img.height;
  const out = new Uint8Array(n);
  const c = img.channels;
  const u8 = img.data instanceof Uint8Array;
  const q = (v: number) => (u8 ? v : Math.min(255, Math.max(0, Math.round(v * 255))));
  for (let i = 0, s = 0; i < n; i++, s += c) {
    const r = q(img.data[s] as number);
    const g = q(img.data[s + 1] as number);
    const b = q(img.data[s + 2] as number);
    out[i] = conversion === 'imread-png' ? (9797 * r + 19234 * g + 3737 * b) >> 15 : (4899 * r + 9617 * g + 1868 * b + 8192) >> 14;
  }
  return out;
}

/** insightface's ArcFace input side. */
const INSIGHTFACE_SIZE = 112;

/** insightface's 5-point ArcFace template for 112×112 crops (`arcface_dst`: eyes, nose, mouth corners). */
export const INSIGHTFACE_TEMPLATE_112: readonly Point[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

/**
 * The input of an insightface ArcFace export for an FFHQ-aligned face (the crops BFR methods
 * restore): the face warped from the FFHQ template at its size to insightface's 112 template
 * (similarity, bilinear), RGB, `(x − 127.5) / 127.5`, shape [1, 3, 112, 112].
 *
 * @example
 * const t = insightfaceInput(face512); // { data: Float32Array(37632), shape: [1, 3, 112, 112] }
 */
export function insightfaceInput(face: ColorImage): Tensor {
  assertImage('face', face);
  const matrix = estimateSimilarity(ffhqTemplate(face.width), INSIGHTFACE_TEMPLATE_112, { method: 'lstsq' });
  const crop = warpAffine(face, matrix, { width: INSIGHTFACE_SIZE, height: INSIGHTFACE_SIZE, borderValue: [0, 0, 0] });
  const n = INSIGHTFACE_SIZE * INSIGHTFACE_SIZE;
  const data = new Float32Array(3 * n);
  const float = crop.data instanceof Float32Array;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      const v = crop.data[i * crop.channels + c] as number;
      data[c * n + i] = ((float ? v * 255 : v) - 127.5) / 127.5;
    }
  }
  return { data, shape: [1, 3, INSIGHTFACE_SIZE, INSIGHTFACE_SIZE] };
}

/** Options of {@link arcfaceInput}. */
export interface ArcFaceInputOptions {
  /** Network input side (default 128). */
  size?: number;
  gray?: GrayConversion;
}

/**
 * The ArcFace-ResNet-18 input of the BFR papers' identity scripts: grey, `cv2.resize` to 128²
 * (INTER_LINEAR), `(x − 127.5) / 127.5` in float32, shape [1, 1, 128, 128].
 *
 * @example
 * const t = arcfaceInput(face); // { data: Float32Array(16384), shape: [1, 1, 128, 128] }
 */
export function arcfaceInput(img: ColorImage, options: ArcFaceInputOptions = {}): Tensor {
  const size = options.size ?? 128;
  const gray = toGray8(img, options.gray);
  const small = img.width === size && img.height === size ? gray : resizeLinearU8(gray, img.width, img.height, 1, size, size);
  const data = new Float32Array(size * size);
  for (let i = 0; i < data.length; i++) data[i] = Math.fround(Math.fround((small[i] as number) - 127.5) / 127.5);
  return { data, shape: [1, 1, size, size] };
}

/** Options of {@link createArcFaceEmbedder}. */
export interface ArcFaceEmbedderOptions extends ArcFaceInputOptions {
  /** ONNX file, bytes or open session. Contract: one float32 input [N,1,S,S], first output [N,D]. */
  model: string | Uint8Array | InferenceSession;
  session?: SessionOptions;
}

/**
 * An {@link IdentityEmbedder} over an ArcFace-ResNet-18-style ONNX model run through core's seam,
 * with the BFR papers' preprocessing ({@link arcfaceInput}).
 *
 * @example
 * const embedder = await createArcFaceEmbedder({ model: 'arcface_resnet18.onnx' });
 * const [a, b] = await embedder.embed([restored, groundTruth]);
 */
export async function createArcFaceEmbedder(options: ArcFaceEmbedderOptions): Promise<IdentityEmbedder> {
  const owned = typeof options.model === 'string' || options.model instanceof Uint8Array;
  const session = owned ? await createSession(options.model as string | Uint8Array, options.session ?? {}) : (options.model as InferenceSession);
  const input = session.inputs[0];
  const output = session.outputs[0];
  const size = options.size ?? 128;
  // insightface's exports (`input.1`, [N, 3, 112, 112], RGB) next to the BFR papers' grey [N, 1, 128, 128].
  const insightface =
    input !== undefined &&
    input.shape.length === 4 &&
    input.shape[1] === 3 &&
    input.shape[2] === INSIGHTFACE_SIZE &&
    input.shape[3] === INSIGHTFACE_SIZE &&
    output !== undefined &&
    output.shape.length === 2;
  const fits =
    session.inputs.length === 1 &&
    input !== undefined &&
    output !== undefined &&
    input.shape.length === 4 &&
    (insightface || ((typeof input.shape[1] !== 'number' || input.shape[1] === 1) && (typeof input.shape[2] !== 'number' || input.shape[2] === size)));
  if (!fits) {
    const found = `inputs ${session.inputs.map((s) => `${s.name}[${s.shape.join(',')}]`).join(', ')}; outputs ${session.outputs.map((s) => `${s.name}[${s.shape.join(',')}]`).join(', ')}`;
    if (owned) await session.dispose();
    throw new DiffmacError('IDENTITY_MODEL_SIGNATURE', `ArcFace model must take one [N,1,${size},${size}] (grey, BFR papers) or [N,3,112,112] (insightface) input and give an embedding; found ${found}`, {
      argument: 'model',
      expected: `one input [N,1,${size},${size}] or [N,3,112,112], output [N,D]`,
      received: found,
    });
  }
  return {
    async embed(faces, o = {}) {
      const out: Float32Array[] = [];
      for (const [i, face] of faces.entries()) {
        assertImage(`faces[${i}]`, face);
        const feed = insightface ? insightfaceInput(face) : arcfaceInput(face, options);
        const res = await session.run({ [input!.name]: feed }, { outputs: [output!.name], ...(o.signal ? { signal: o.signal } : {}) });
        out.push(Float32Array.from(res[output!.name]!.data as Float32Array));
      }
      return out;
    },
    async dispose() {
      if (owned) await session.dispose();
    },
  };
}
