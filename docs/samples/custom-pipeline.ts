// Compose Stage I → bottleneck → Stage II from a bundle; swap the sampler and the bottleneck.
import { createDiffusionRefiner, createDiffusionRestorer, createPipeline, loadBundle, readImage, writeImage } from '@diffmac/core';
import { createGaussianChannel } from '@diffmac/mib';

export async function restoreAligned(bundleDir: string, input: string, output: string): Promise<void> {
  const bundle = await loadBundle(bundleDir); // e.g. made by `diffmac bundle make-tiny models/tiny`
  const [unet, unet2, enc, dec, cond] = await Promise.all([bundle.createSession('unet'), bundle.createSession('unet_stage2'), bundle.createSession('vae_encoder'), bundle.createSession('vae_decoder'), bundle.createSession('cond_encoder')]);
  const schedulerConfig = bundle.schedulerConfig!;
  const restorer = createDiffusionRestorer({ unet, condEncoder: cond, vaeEncoder: enc, vaeDecoder: dec, schedulerConfig, steps: 20, alignment: { window: 4 } });
  const refiner = createDiffusionRefiner({ unet: unet2, vaeEncoder: enc, vaeDecoder: dec, schedulerConfig, sampler: 'dpmpp_2m', steps: 20 });
  const bottleneck = createGaussianChannel({ alphasCumprod: refiner.alphasCumprod, timestep: 300 });
  const pipeline = createPipeline({ restorer, bottleneck, refiner, colourFix: 'wavelet' });
  const { images } = await pipeline.restoreImages([await readImage(input)], { seed: 42 });
  await writeImage(output, images[0]!);
}
