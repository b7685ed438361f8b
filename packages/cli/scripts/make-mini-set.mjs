#!/usr/bin/env node
// Build the bundled mini-set of HQ faces for `diffmac demo` from public-domain sources only:
// the NASA astronaut portrait (Eileen Collins) that Debian's python3-skimage ships as
// skimage/data/astronaut.png. The face is found with the embedded detector and aligned to the
// FFHQ template at 512²; two more faces come from the mirrored photo and a 6° rotation of it.
// Usage (after `npx nx build @diffmac/cli`): node scripts/make-mini-set.mjs [astronaut.png]
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { readImage, writeImage } from '@diffmac/core';
import { alignFace, createDefaultDetector } from '@diffmac/face-align';

const source = process.argv[2] ?? '/usr/lib/python3/dist-packages/skimage/data/astronaut.png';
const out = new URL('../assets/mini-set/', import.meta.url).pathname;
const detector = await createDefaultDetector();
const variants = [
  ['astronaut.png', (s) => s],
  ['astronaut-mirrored.png', (s) => s.flop()],
  ['astronaut-rotated.png', (s) => s.rotate(6, { background: { r: 0, g: 0, b: 0 } })],
];
const notes = [];
for (const [name, transform] of variants) {
  const buffer = await transform(sharp(source)).png().toBuffer();
  const image = await readImage(buffer, { channels: 'rgb' });
  const faces = await detector.detect(image, { minScore: 0.5 });
  if (faces.length === 0) throw new Error(`no face found in ${name}`);
  const aligned = alignFace(image, faces[0].landmarks5, { size: 512 });
  await writeImage(path.join(out, name.replace('.png', '.jpg')), aligned.face, { quality: 95 });
  notes.push({ name: name.replace('.png', '.jpg'), score: faces[0].score, landmarks5: faces[0].landmarks5 });
}
await detector.dispose();
await writeFile(path.join(out, 'SOURCE.json'), `${JSON.stringify({ source: 'NASA portrait of Eileen Collins (public domain), as shipped in skimage/data/astronaut.png', made: 'scripts/make-mini-set.mjs', faces: notes }, null, 2)}\n`);
console.log(`wrote ${notes.length} faces to ${out}`);
