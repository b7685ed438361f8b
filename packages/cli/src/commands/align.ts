import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DiffmacError } from '@diffmac/base';
import { readImage, writeFileAtomic, writeImage } from '@diffmac/core';
import {
  createDefaultDetector,
  createDetectorFromOnnx,
  createTiledDetector,
  invertAffine,
  restoreFaces,
  type BorderMode,
  type DetectedFace,
  type FaceDetector,
  type FiveLandmarks,
} from '@diffmac/face-align';
import { ExitCode, type Command } from '../command';
import { createProgressBar } from '../progress';
import { accepts, numberOption } from '../number-option';
import { assertOutputFolder, checkOutputs, planOutputs } from '../output-plan';
import { overlayPng } from '../align/overlay';
import { UsageError } from '../usage-error';

const borders: readonly BorderMode[] = ['constant', 'reflect', 'reflect101', 'replicate'];

const usage = `Usage: diffmac align <photo...> -o <dir> [--size 512] [--json]

Find every face in each photo, align it to the FFHQ 5-point template exactly as facexlib does
(LMEDS similarity, bilinear warp, grey border) and write <dir>/<photo>_face<i>.png, plus
<dir>/align.json with each face's box, score, 5 landmarks and photo->crop / crop->photo matrices.
Faces come from the embedded detector (face-api SSD MobileNet v1 + 68 landmarks, converted to ONNX
on first use and cached; nothing is downloaded; photos over 1536 px are also searched in overlapping
768 px tiles at native resolution, so small faces in large photos are found), or from --landmarks.

Options:
  -o, --out <dir>        output folder (created if missing)
  --size <n>             crop size in pixels (default 512)
  --border <mode>        ${borders.join(' | ')} (default constant: facexlib's grey)
  --detector <onnx>      a face detector ONNX instead of the embedded one: RetinaFace (diffmac convert
                         retinaface-*), SCRFD with keypoints or YuNet, told apart by its outputs
  --min-score <s>        detector score threshold (default 0.5)
  --eye-distance <px>    skip faces whose eyes are closer than this (default 5, as GFPGAN)
  --only-center-face     keep only the face nearest the photo centre
  --only-largest-face    keep only the largest face
  --landmarks <file>     JSON with the faces' 5 landmarks instead of detecting: an array of
                         5-point lists [[x, y] x 5], or an object mapping photo file names to one
  --overlay              also write <dir>/<photo>_overlay.png: the photo with each face's box, index,
                         score and five points drawn on it, to see what was found
  --force                replace crops and align.json that exist (an input is never overwritten)
  --json                 print align.json on stdout too
  --quiet                no progress output

align.json is rewritten (atomically) after each photo, so a run stopped part-way still describes
the crops it wrote. A photo that fails is listed under "failed" with its reason and the others go
on; exit code 1 when any photo failed. Two photos with one name (a/photo.png, b/photo.png) and
outputs that would overwrite an input are refused before anything is written.`;

interface AlignRecord {
  photo: string;
  width: number;
  height: number;
  /** The overlay picture, with --overlay. */
  overlay?: string;
  faces: {
    index: number;
    file: string;
    box: readonly number[];
    score: number;
    landmarks5: FiveLandmarks;
    matrix: readonly number[];
    inverse: readonly number[];
    inliers: number[];
  }[];
}

function asFaces(value: unknown, where: string): DetectedFace[] {
  if (!Array.isArray(value)) throw new UsageError(`--landmarks: ${where} must be an array of 5-point lists`);
  return value.map((pts: unknown, i) => {
    const ok = Array.isArray(pts) && pts.length === 5 && pts.every((p) => Array.isArray(p) && p.length === 2 && p.every((v) => typeof v === 'number' && Number.isFinite(v)));
    if (!ok) throw new UsageError(`--landmarks: ${where}[${i}] must be 5 [x, y] points`);
    const l = pts as [number, number][];
    const xs = l.map((p) => p[0]), ys = l.map((p) => p[1]);
    return { box: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], score: 1, landmarks5: l as unknown as FiveLandmarks };
  });
}

/** `diffmac align`: detect and align every face of each photo, facexlib-exact. */
export const alignCommand: Command = {
  name: 'align',
  summary: 'detect and align faces to the FFHQ template (facexlib-exact crops + JSON)',
  usage,
  async run(argv, io, signal) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' },
        size: { type: 'string' },
        border: { type: 'string', default: 'constant' },
        'min-score': { type: 'string' },
        detector: { type: 'string' },
        'eye-distance': { type: 'string' },
        'only-center-face': { type: 'boolean', default: false },
        'only-largest-face': { type: 'boolean', default: false },
        landmarks: { type: 'string' },
        overlay: { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
      },
    });
    if (positionals.length === 0) throw new UsageError('expected at least one <photo>');
    if (!values.out) throw new UsageError('missing -o <dir>');
    const size = numberOption('--size', values.size, accepts.integerIn(8, 4096)) ?? 512;
    const minScore = numberOption('--min-score', values['min-score'], { check: (v) => v >= 0 && v < 1, expected: 'a number in [0, 1)' }) ?? 0.5;
    const eyeDistance = numberOption('--eye-distance', values['eye-distance'], { check: (v) => v >= 0, expected: 'a number >= 0' }) ?? 5;
    if (!borders.includes(values.border as BorderMode)) throw new UsageError(`--border must be one of ${borders.join(', ')}, received ${JSON.stringify(values.border)}`);
    const outDir = path.resolve(io.cwd, values.out);
    const plan = await planOutputs(positionals, io.cwd);
    await assertOutputFolder(outDir);
    const jsonPath = path.join(outDir, 'align.json');
    await checkOutputs([jsonPath], plan.map((p) => p.input), { force: values.force });
    for (const p of plan) {
      const crop = plan.find((q) => path.dirname(q.input) === outDir && new RegExp(`^${escapeRegExp(p.stem)}_face\\d+$`).test(q.stem));
      if (crop) {
        throw new DiffmacError('OUTPUT_IS_INPUT', `The crops of ${p.input} would be written as ${p.stem}_face<i>.png in ${outDir}, over the input ${crop.input}. Choose another output folder (-o)`, {
          argument: '-o',
          expected: 'an output folder whose crop names are not inputs',
          received: crop.input,
        });
      }
    }

    let given: Map<string, DetectedFace[]> | DetectedFace[] | undefined;
    if (values.landmarks !== undefined) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readFile(path.resolve(io.cwd, values.landmarks), 'utf8'));
      } catch (e) {
        throw new UsageError(`--landmarks: cannot read ${values.landmarks}: ${(e as Error).message}`);
      }
      if (Array.isArray(parsed)) given = asFaces(parsed, 'the file');
      else if (parsed !== null && typeof parsed === 'object') given = new Map(Object.entries(parsed).map(([k, v]) => [k, asFaces(v, JSON.stringify(k))]));
      else throw new UsageError('--landmarks: expected an array or an object');
    }

    await mkdir(outDir, { recursive: true });
    // A detector file is opened (and checked) before any photo, so a wrong file fails once, up front.
    let detector: FaceDetector | undefined = values.detector ? await createDetectorFromOnnx(path.resolve(io.cwd, values.detector), { minScore }) : undefined;
    const bar = createProgressBar(io, 'align', positionals.length, { quiet: values.quiet || values.json });
    const records: AlignRecord[] = [];
    const failed: { photo: string; code: string; message: string }[] = [];
    const document = () => ({ version: 1, size, template: 'ffhq-5', matrix: 'photo->crop, row-major [a, b, tx, c, d, ty]', photos: records, failed });
    // Rewritten after each photo: a stopped run still describes every crop it wrote.
    const save = () => writeFileAtomic(jsonPath, `${JSON.stringify(document(), null, 2)}\n`);
    try {
      for (const [n, { input: file, stem: name }] of plan.entries()) {
        signal.throwIfAborted();
        const photoArg = positionals[n]!;
        try {
          const photo = await readImage(file, { channels: 'rgb', depth: 8 });
          let faces: DetectedFace[] | undefined;
          if (given instanceof Map) faces = given.get(path.basename(file)) ?? given.get(photoArg) ?? [];
          else if (given) faces = given;
          else detector ??= createTiledDetector(await createDefaultDetector({ minScore }));
          const result = await restoreFaces(photo, {
            ...(faces ? { faces } : { detector: detector!, minScore }),
            size,
            border: values.border as BorderMode,
            eyeDistanceThreshold: eyeDistance,
            onlyCenterFace: values['only-center-face'],
            onlyLargestFace: values['only-largest-face'],
            paste: false,
            signal,
          });
          const record: AlignRecord = { photo: file, width: photo.width, height: photo.height, faces: [] };
          for (const [i, f] of result.faces.entries()) {
            const out = path.join(outDir, `${name}_face${i}.png`);
            await writeImage(out, f.aligned, { overwrite: values.force });
            record.faces.push({
              index: i,
              file: out,
              box: f.detection.box,
              score: f.detection.score,
              landmarks5: f.detection.landmarks5,
              matrix: f.matrix,
              inverse: invertAffine(f.matrix),
              inliers: [...f.inliers],
            });
          }
          if (values.overlay) {
            const file = path.join(outDir, `${name}_overlay.png`);
            await writeFileAtomic(file, await overlayPng(photo, result.faces.map((f) => f.detection)), { overwrite: values.force });
            record.overlay = file;
          }
          records.push(record);
          await save();
          bar.update(n + 1, `${path.basename(file)}: ${record.faces.length} face(s)`);
        } catch (error) {
          if (signal.aborted) throw error;
          const e = error as { code?: string; message?: string };
          failed.push({ photo: file, code: e.code ?? 'ALIGN_FAILED', message: e.message ?? String(error) });
          await save();
          bar.update(n + 1, `${path.basename(file)}: failed`);
        }
      }
    } finally {
      await detector?.dispose();
    }
    const total = records.reduce((s, r) => s + r.faces.length, 0);
    bar.finish(`${total} face(s) aligned${failed.length ? `, ${failed.length} photo(s) failed` : ''}`);
    for (const f of failed) io.stderr.write(`diffmac align: ${f.photo}: [${f.code}] ${f.message}\n`);
    if (records.length === 0) {
      throw new DiffmacError('NOTHING_ALIGNED', `None of the ${plan.length} photo(s) could be read and aligned (each reason is above; ${jsonPath} lists them)`, { argument: 'photos', expected: 'at least one readable photo', received: `${failed.length} failure(s)` });
    }
    const json = document();
    if (values.json) io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    else io.stdout.write(`${total} face(s) from ${records.length} photo(s) in ${outDir}, boxes, landmarks and matrices in ${jsonPath}\n`);
    return failed.length === 0 ? ExitCode.ok : ExitCode.failure;
  },
};

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
