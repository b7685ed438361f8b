// TypeScript side of the align + warp + paste-back benchmark (bundled and run by run.mjs).
import { type ColorImage } from '@diffmac/base';
import { readImage } from '@diffmac/core';
import { alignFace, estimateSimilarity, ffhqTemplate, pasteBack, warpAffine } from '../src/index';

const [photoPath, landmarksJson, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 20);
const photo = (await readImage(photoPath!, { channels: 'rgb', depth: 8 })) as unknown as ColorImage<Uint8Array>;
const landmarks = JSON.parse(landmarksJson!) as [number, number][];
const template = ffhqTemplate(512);

/** [median wall ms, median CPU ms] */
function medianMs(fn: () => unknown): [number, number] {
  fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    fn();
    wall.push(performance.now() - t);
    const u = process.cpuUsage(c);
    cpu.push((u.user + u.system) / 1000);
  }
  const median = (v: number[]) => v.sort((a, b) => a - b)[v.length >> 1]!;
  return [median(wall), median(cpu)];
}

const { face, matrix } = alignFace(photo, landmarks);
const data = (face.data as Uint8Array).slice();
for (let i = 0; i < data.length; i += 3) {
  data[i] = Math.max(0, data[i]! - 40);
  data[i + 2] = Math.min(255, data[i + 2]! + 40);
}
const restored = { ...face, data };
const result = {
  node: process.version,
  estimate_ms: medianMs(() => estimateSimilarity(landmarks, template)),
  warp_ms: medianMs(() => warpAffine(photo, matrix, { width: 512, height: 512, borderValue: [132, 133, 135] })),
  paste_ms: medianMs(() => pasteBack(photo, [{ restored, matrix }])),
  total_ms: medianMs(() => {
    const a = alignFace(photo, landmarks);
    return pasteBack(photo, [{ restored, matrix: a.matrix }]);
  }),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
