// Restore every face of a photo with any restorer: here a one-pass ONNX model (CodeFormer).
import { createOnePassRestorer, createPipeline, createSession, readImage, writeImage } from '@diffmac/core';
import { createDefaultDetector, restoreFaces } from '@diffmac/face-align';

export async function restorePhoto(photoFile: string, codeformerOnnx: string, output: string): Promise<number> {
  const codeformer = createOnePassRestorer(await createSession(codeformerOnnx), { kind: 'codeformer', fidelity: 0.7 });
  const pipeline = createPipeline({ restorer: codeformer }); // no bottleneck, no refiner: the one-pass preset
  const detector = await createDefaultDetector();
  const photo = await readImage(photoFile, { channels: 'rgb', depth: 8 }); // typed as an 8-bit RGB image
  const result = await restoreFaces(photo, {
    detector,
    upscale: 2,
    batch: 4, // faces per pipeline run
    restoreBatch: async (faces) => (await pipeline.restoreImages(faces, { seed: 0 })).images,
  });
  if (result.image) await writeImage(output, result.image);
  await detector.dispose();
  return result.faces.length;
}
