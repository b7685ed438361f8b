import { createHash } from 'node:crypto';
import { invalidArgument } from '@diffmac/base';

/**
 * The seed of one image of a dataset run, from the run's seed and the image's name (sha256, 31
 * bits), so a result never depends on which worker or in which order the image was restored.
 * Face i of the image uses `imageSeed(...) + i`.
 *
 * @example
 * imageSeed(7, '00000123'); // the same number on every machine
 */
export function imageSeed(runSeed: number, name: string): number {
  if (!Number.isSafeInteger(runSeed)) invalidArgument('runSeed', 'a safe integer', runSeed);
  const digest = createHash('sha256').update(`diffmac-image-seed\0${runSeed}\0${name}`).digest();
  return digest.readUInt32BE(0) >>> 1;
}
