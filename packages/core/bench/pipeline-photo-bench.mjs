// Whole-photo overhead (bundled and run by pipeline.mjs): detect once with the embedded detector,
// then time align (face-align's helper, landmarks given) and paste-back on the same photo,
// landmarks, crop size and upscale as pipeline_facexlib.py. Prints JSON on stdout.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readImage } from '@diffmac/core';
import { createDefaultDetector, pasteBack, restoreFaces } from '@diffmac/face-align';

const args = process.argv.slice(2);
const photoPath = args[args.indexOf('--photo') + 1];
const outDir = args[args.indexOf('--out') + 1];
const size = Number(args[args.indexOf('--size') + 1] ?? 512);
const upscale = Number(args[args.indexOf('--upscale') + 1] ?? 2);
const repeats = Number(args[args.indexOf('--repeats') + 1] ?? 5);

const photo = await readImage(photoPath, { channels: 'rgb', depth: 8 });
const detector = await createDefaultDetector({ minScore: 0.5 });
const detectMs = [];
let faces = [];
for (let r = 0; r < repeats; r++) {
  const t0 = performance.now();
  faces = await detector.detect(photo, { minScore: 0.5 });
  detectMs.push(performance.now() - t0);
}
await detector.dispose();
writeFileSync(join(outDir, 'landmarks.json'), JSON.stringify(faces.map((f) => f.landmarks5)));
const alignMs = [];
const pasteMs = [];
for (let r = 0; r < repeats; r++) {
  const t0 = performance.now();
  const aligned = await restoreFaces(photo, { faces, size, paste: false, eyeDistanceThreshold: 0 });
  const t1 = performance.now();
  pasteBack(photo, aligned.faces.map((f) => ({ restored: f.aligned, matrix: f.matrix })), { upscale });
  pasteMs.push(performance.now() - t1);
  alignMs.push(t1 - t0);
}
const min = (a) => Math.min(...a);
process.stdout.write(`${JSON.stringify({ faces: faces.length, width: photo.width, height: photo.height, detect_ms: min(detectMs), align_ms: min(alignMs), paste_ms: min(pasteMs) })}\n`);
