/**
 * The learned upsampler core ships: UpscalerJS's ESRGAN-medium (an RDN, MIT licence, trained on
 * DIV2K) for ×2, ×3 and ×4, kept in `models/esrgan-medium/` exactly as the `@upscalerjs/esrgan-medium`
 * 1.0.0 npm package ships them (TFJS layers models, sha256-pinned below) and converted to ONNX by
 * {@link convertTfjsLayers} when first loaded.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DiffmacError } from '@diffmac/base';
import { convertTfjsLayers } from '../convert/tfjs-layers/convert-tfjs-layers';

/** The scales the shipped ESRGAN-medium models upsample by. */
export type EsrganScale = 2 | 3 | 4;

/** sha256 of each shipped file, as in `@upscalerjs/esrgan-medium@1.0.0` (tarball sha512-Z8JnR87s…). */
export const ESRGAN_MEDIUM_SHA256: Readonly<Record<string, string>> = {
  'x2/model.json': '197b99be1f385b9f7914ecd8fd6e9ebf65833859807aae90666188dbc39cbf93',
  'x2/group1-shard1of1.bin': '6a210f30f209192bad4650ea4f619adadbd36228e998aa49a4195c6e7ec70761',
  'x3/model.json': 'fcf99e8e6b98b19e496d4ceb9d381b0d1236a6e62fbc3952eedf70b9596d8a8a',
  'x3/group1-shard1of1.bin': 'e164821f4251957f5037fb93d1e9a719c17d4346e102bf24d8e8fb60757df48b',
  'x4/model.json': '6abcf2a497bb361a9b75afbab390a2bc0df88236c7b7c96edc1c2cdbdbec8e3c',
  'x4/group1-shard1of1.bin': 'ed791214e78e498dd42ce5da0e16b78a1047732e5d99467aaead2a90cb566a69',
};

/**
 * The folder holding the shipped ESRGAN-medium files (`x2/`, `x3/`, `x4/`, `LICENSE`): the
 * package's `models/esrgan-medium`, found from the built `dist/` or the TypeScript sources.
 *
 * @example
 * esrganModelDir(); // '/…/node_modules/@diffmac/core/models/esrgan-medium'
 */
export function esrganModelDir(): string {
  for (const candidate of ['../models/esrgan-medium', '../../models/esrgan-medium']) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(join(dir, 'LICENSE'))) return dir;
  }
  throw new DiffmacError('MODEL_FILE_NOT_FOUND', 'The shipped ESRGAN-medium models are missing from @diffmac/core (models/esrgan-medium)', {
    argument: 'models/esrgan-medium',
    expected: 'the folder the package ships',
    received: 'missing',
  });
}

function checkScale(scale: unknown): asserts scale is EsrganScale {
  if (scale !== 2 && scale !== 3 && scale !== 4) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected 2, 3 or 4 for the ESRGAN scale, received ${JSON.stringify(scale)}`, {
      argument: 'scale',
      expected: '2, 3 or 4',
      received: JSON.stringify(scale),
    });
  }
}

/**
 * The ×`scale` ESRGAN-medium model as ONNX bytes: input `input` `[N, 3, H, W]` RGB in 0–255,
 * output `output` `[N, 3, scale·H, scale·W]` in 0–255 (not clamped). The shipped files are checked
 * against their pinned sha256 before conversion (`MODEL_CHECKSUM_MISMATCH` if they were changed).
 *
 * @example
 * const onnx = await esrganOnnx(4);
 * const session = await createSession(onnx);
 */
export async function esrganOnnx(scale: EsrganScale, options: { modelDir?: string; signal?: AbortSignal } = {}): Promise<Uint8Array> {
  checkScale(scale);
  const dir = options.modelDir ?? esrganModelDir();
  const files = [`x${scale}/model.json`, `x${scale}/group1-shard1of1.bin`];
  const bytes: Uint8Array[] = [];
  for (const file of files) {
    const data = new Uint8Array(await readFile(join(dir, file), options.signal ? { signal: options.signal } : {}));
    const digest = createHash('sha256').update(data).digest('hex');
    if (options.modelDir === undefined && digest !== ESRGAN_MEDIUM_SHA256[file]) {
      throw new DiffmacError('MODEL_CHECKSUM_MISMATCH', `${join(dir, file)} is not the file @upscalerjs/esrgan-medium@1.0.0 ships (sha256 ${digest})`, {
        argument: file,
        expected: `sha256 ${ESRGAN_MEDIUM_SHA256[file]}`,
        received: `sha256 ${digest}`,
      });
    }
    bytes.push(data);
  }
  const json: unknown = JSON.parse(new TextDecoder().decode(bytes[0]));
  return convertTfjsLayers(json, [bytes[1]!], { graphName: `esrgan-medium-x${scale}`, metadata: { source: '@upscalerjs/esrgan-medium@1.0.0', licence: 'MIT' } }).bytes;
}
