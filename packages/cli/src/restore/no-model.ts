import path from 'node:path';
import { bundleLayoutHint, defaultBundleCacheDir } from '@diffmac/core';

/**
 * What `diffmac restore` prints when no model bundle is available: exactly what to download or
 * make, and where to put it.
 *
 * @example
 * io.stderr.write(noModelMessage(undefined, env));
 */
export function noModelMessage(model: string | undefined, reason: string | undefined, cacheDir = defaultBundleCacheDir()): string {
  const where = model === undefined ? 'No model bundle was given (--model <bundle-dir | owner/name>, or DIFFMAC_MODEL).' : `No usable model bundle at ${JSON.stringify(model)}${reason ? `: ${reason}` : '.'}`;
  const hubDir = model !== undefined && /^[\w.-]+\/[\w.-]+$/.test(model) ? path.join(cacheDir, model) : path.join(cacheDir, '<owner>', '<name>');
  return [
    `diffmac restore: ${where}`,
    '',
    'What to get, and where to put it:',
    '  1. To try the pipeline offline right now (random weights, correct signatures, < 1 MB):',
    '       diffmac bundle make-tiny ./models/tiny && diffmac restore <inputs...> -o out --model ./models/tiny',
    '  2. A DiffMAC or diffusers bundle from the Hugging Face Hub: pass its id and allow the download once',
    `       diffmac restore <inputs...> -o out --model <owner>/<name> --allow-network   (cached in ${hubDir}/)`,
    `     or download the files yourself into ${hubDir}/ (or any folder you pass as --model): ${bundleLayoutHint}.`,
    '     Backbones that work: Stable Diffusion 2.1-base or SD-Turbo as Optimum ONNX exports (optimum-cli export onnx --model <id> <dir>), plus diffmac.json.',
    '  3. A one-pass restorer (--preset one-pass): download an ONNX conversion of GFPGAN 1.4, CodeFormer, GPEN-BFR-512 or RestoreFormer',
    '     (RGB in [-1, 1], NCHW, 512x512; CodeFormer with its fidelity input w/weight), e.g. facefusion\'s gfpgan_1.4.onnx,',
    '     and pass the file itself: --model path/to/gfpgan_1.4.onnx (or run `diffmac bundle init <its folder>` to pin it with a diffmac.json).',
    '  4. No face model at all: upsample whole photos with the embedded learned super-resolution model (ESRGAN, offline)',
    '       diffmac restore <photos...> -o out --upscale 2 --bg-upsampler esrgan --no-faces   (or: diffmac upscale <images...> -o out --scale 2)',
    '',
    'Check a bundle with: diffmac bundle check <dir | owner/name>',
    '',
  ].join('\n');
}
