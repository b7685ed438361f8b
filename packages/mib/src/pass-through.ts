import type { Bottleneck, CompressContext, CompressResult } from './bottleneck';
import { describeValue, MibError } from './errors';
import type { Rate } from './kl';
import { resolveTemperature } from './noise';
import { assertFinite, batchLayout, type LatentTensor } from './tensor';

/** What the pass-through bottleneck returns: a copy of the input, at an unbounded rate. */
export interface PassThroughResult extends CompressResult {
  readonly kind: 'none';
}

/** The "no bottleneck" slot (DiffBIR, GFPGAN alone): the latent passes unchanged. */
export interface PassThroughBottleneck extends Bottleneck<PassThroughResult> {
  readonly kind: 'none';
  readonly identity: 'none';
}

/**
 * A bottleneck that keeps everything: `z` comes back as a copy and every rate is `Infinity`
 * (a noiseless continuous channel is not a bottleneck). It fills the slot in pipelines that
 * compress nothing, so they share one shape with those that do.
 *
 * @example
 * const none = createPassThroughBottleneck();
 * (await none.compress(latent)).rateBitsPerElement; // Infinity
 */
export function createPassThroughBottleneck(): PassThroughBottleneck {
  return {
    kind: 'none',
    identity: 'none',
    async compress(z: LatentTensor, ctx: CompressContext = {}): Promise<PassThroughResult> {
      ctx.signal?.throwIfAborted();
      const { batch, elementsPerImage } = batchLayout(z, 'z');
      assertFinite(z.data, 'z.data');
      if (ctx.identity !== undefined) {
        throw new MibError('IDENTITY_UNSUPPORTED', 'Expected no ctx.identity for the pass-through bottleneck, received an embedding', {
          argument: 'ctx.identity',
          expected: 'undefined',
          received: describeValue(ctx.identity),
        });
      }
      const temperature = resolveTemperature(ctx);
      ctx.onProgress?.({ type: 'compress-start', kind: 'none', batch });
      const rate: Rate = {
        nats: Infinity,
        bits: Infinity,
        batch,
        elementsPerImage,
        bitsPerElement: Infinity,
        bitsPerImage: new Float64Array(batch).fill(Infinity),
      };
      ctx.onProgress?.({ type: 'compress-done', kind: 'none', rateBits: Infinity, rateBitsPerElement: Infinity });
      return {
        kind: 'none',
        z: { data: z.data.slice(), shape: [...z.shape] },
        rate,
        rateBits: Infinity,
        rateBitsPerElement: Infinity,
        rateBitsPerImage: rate.bitsPerImage,
        sampledBitsPerElement: Infinity,
        temperature,
      };
    },
  };
}
