import type { Bottleneck, CompressContext, CompressResult } from './bottleneck';
import { describeValue, invalidArgument, MibError } from './errors';
import { klStandardNormalElement, klToStandardNormal, sameShape } from './kl';
import { NeumaierSum } from './neumaier';
import { drawNoise, resolveTemperature } from './noise';
import type { BottleneckSession, SessionFeed, SessionOutput, SessionSignature } from './session';
import { assertFinite, batchLayout, type LatentTensor } from './tensor';

/** Options of {@link createLearnedBottleneck}. */
export interface LearnedBottleneckOptions {
  /** The model: latent (+ identity) in, posterior mean and log-variance out. */
  session: BottleneckSession;
  /** Input name of the latent / features (default `'latent'`, or the model's only non-identity input). */
  latentName?: string;
  /** Input name of the identity embedding (default `'identity'`); `null` for a model without one. */
  identityName?: string | null;
  /** Output name of the posterior mean (default `'mean'`). */
  meanName?: string;
  /** Output name of the posterior log-variance, natural log (default `'logvar'`). */
  logVarName?: string;
  /**
   * Whether the model needs an identity embedding. Default: `'required'` when the session declares
   * the identity input, `'none'` when it declares inputs without it, `'optional'` when it declares none.
   */
  identity?: 'required' | 'optional' | 'none';
  /** Clamp the log-variance to `[min, max]` before use (diffusers' VAE posterior uses [-30, 20]). Default: no clamp. */
  logVarClamp?: readonly [number, number];
}

/** What the learned bottleneck returns: the sample, the posterior, and its KL rate. */
export interface LearnedBottleneckResult extends CompressResult {
  readonly kind: 'learned';
  /** Posterior mean μ (what `deterministic` returns as `z`). */
  readonly mean: LatentTensor;
  /** Posterior log-variance (natural log, after any clamp). */
  readonly logVar: LatentTensor;
}

/** A learned variational bottleneck over an injected session. */
export interface LearnedBottleneck extends Bottleneck<LearnedBottleneckResult> {
  readonly kind: 'learned';
  /** The resolved input and output names. */
  readonly names: { readonly latent: string; readonly identity: string | null; readonly mean: string; readonly logVar: string };
}

function signatureError(message: string, argument: string, expected: string, received: string): never {
  throw new MibError('MODEL_SIGNATURE', message, { argument, expected, received });
}

function listNames(sigs: readonly SessionSignature[]): string {
  return sigs.length ? sigs.map((s) => JSON.stringify(s.name)).join(', ') : 'none';
}

function toFloat32(output: SessionOutput | undefined, name: string): LatentTensor {
  if (output === undefined || output === null) {
    throw new MibError('MODEL_OUTPUT_MISSING', `Expected the model to return output ${JSON.stringify(name)}, received none`, {
      argument: `outputs.${name}`,
      expected: `an output named ${JSON.stringify(name)}`,
      received: 'undefined',
    });
  }
  const { data, shape } = output;
  let f32: Float32Array;
  if (data instanceof Float32Array) f32 = data;
  else if (data instanceof Float64Array) f32 = Float32Array.from(data);
  else invalidArgument(`outputs.${name}`, 'float32 or float64 data', data, 'MODEL_OUTPUT_DTYPE');
  const tensor = { data: f32, shape: [...shape] };
  batchLayout(tensor, `outputs.${name}`);
  return tensor;
}

/**
 * A learned variational bottleneck behind an ONNX contract: the session maps the Stage-I latent
 * (and optionally an identity embedding) to a posterior mean and log-variance; `compress`
 * reparameterises z = μ + β·σ·ε with the injected RNG (or returns μ when deterministic) and reports
 * the KL rate to N(0, I) in bits, per element and per image, with every call.
 *
 * @example
 * const mib = createLearnedBottleneck({ session: await createSession('bundle/mib/model.onnx') });
 * const { z, rateBitsPerElement } = await mib.compress(stage1Latent, { rng, temperature: 0.5 });
 */
export function createLearnedBottleneck(options: LearnedBottleneckOptions): LearnedBottleneck {
  if (typeof options !== 'object' || options === null) invalidArgument('options', '{ session, ... }', options);
  const { session } = options;
  if (typeof session !== 'object' || session === null || typeof session.run !== 'function') {
    invalidArgument('options.session', 'a session with run(feeds)', session);
  }
  const declaredInputs = Array.isArray(session.inputs) ? session.inputs : undefined;
  const declaredOutputs = Array.isArray(session.outputs) ? session.outputs : undefined;

  const identityName = options.identityName === undefined ? 'identity' : options.identityName;
  let latentName = options.latentName ?? 'latent';
  let identity = options.identity;
  if (identity !== undefined && identity !== 'required' && identity !== 'optional' && identity !== 'none') {
    invalidArgument('options.identity', "'required', 'optional' or 'none'", identity);
  }
  if (declaredInputs) {
    const names = declaredInputs.map((s) => s.name);
    const hasIdentity = identityName !== null && names.includes(identityName);
    if (options.latentName === undefined && !names.includes(latentName)) {
      const others = names.filter((n) => n !== identityName);
      if (others.length === 1) latentName = others[0] as string;
    }
    if (!names.includes(latentName)) {
      signatureError(`Expected the model to have a latent input ${JSON.stringify(latentName)}, it declares ${listNames(declaredInputs)}`, 'options.latentName', JSON.stringify(latentName), listNames(declaredInputs));
    }
    const unknown = names.filter((n) => n !== latentName && n !== identityName);
    if (unknown.length) {
      signatureError(`Expected only inputs ${JSON.stringify(latentName)} and ${JSON.stringify(identityName)}, the model also declares ${unknown.map((n) => JSON.stringify(n)).join(', ')}`, 'options.session', 'latent and identity inputs', listNames(declaredInputs));
    }
    if (identity === undefined) identity = hasIdentity ? 'required' : 'none';
    else if (identity === 'none' && hasIdentity) {
      signatureError(`Expected no identity input with options.identity 'none', the model declares ${JSON.stringify(identityName)}`, 'options.identity', "'required' or 'optional'", "'none'");
    } else if (identity !== 'none' && !hasIdentity) {
      signatureError(`Expected the model to declare an identity input ${JSON.stringify(identityName)}, it declares ${listNames(declaredInputs)}`, 'options.identityName', JSON.stringify(identityName), listNames(declaredInputs));
    }
  } else if (identity === undefined) identity = identityName === null ? 'none' : 'optional';
  if (identity !== 'none' && identityName === null) {
    invalidArgument('options.identityName', `an input name when options.identity is '${identity}'`, null);
  }
  const identityDim = (() => {
    const sig = declaredInputs?.find((s) => s.name === identityName);
    const last = sig?.shape?.[sig.shape.length - 1];
    return typeof last === 'number' && last > 0 ? last : undefined;
  })();

  const meanName = options.meanName ?? 'mean';
  const logVarName = options.logVarName ?? 'logvar';
  if (declaredOutputs) {
    for (const [arg, n] of [['options.meanName', meanName], ['options.logVarName', logVarName]] as const) {
      if (!declaredOutputs.some((s) => s.name === n)) {
        signatureError(`Expected the model to have an output ${JSON.stringify(n)}, it declares ${listNames(declaredOutputs)}`, arg, JSON.stringify(n), listNames(declaredOutputs));
      }
    }
  }
  const clamp = options.logVarClamp;
  if (clamp !== undefined && !(Array.isArray(clamp) && clamp.length === 2 && (clamp[0] as number) <= (clamp[1] as number))) {
    invalidArgument('options.logVarClamp', 'a [min, max] pair with min ≤ max', clamp);
  }
  const identityMode = identity;

  function identityFeed(ctx: CompressContext, batch: number): SessionFeed | undefined {
    const id = ctx.identity;
    if (id === undefined) {
      if (identityMode === 'required') {
        throw new MibError('IDENTITY_REQUIRED', `Expected ctx.identity: the model requires an identity embedding (input ${JSON.stringify(identityName)}), received none`, {
          argument: 'ctx.identity',
          expected: 'a Float32Array embedding or a [batch, dim] tensor',
          received: 'undefined',
        });
      }
      return undefined;
    }
    if (identityMode === 'none') {
      throw new MibError('IDENTITY_UNSUPPORTED', 'Expected no ctx.identity: the model has no identity input, received an embedding', {
        argument: 'ctx.identity',
        expected: 'undefined',
        received: describeValue(id),
      });
    }
    let feed: SessionFeed;
    if (id instanceof Float32Array) {
      if (id.length === 0) invalidArgument('ctx.identity', 'a non-empty embedding', id);
      const data = new Float32Array(batch * id.length);
      for (let b = 0; b < batch; b++) data.set(id, b * id.length);
      feed = { data, shape: [batch, id.length] };
    } else {
      const layout = batchLayout(id, 'ctx.identity');
      if (layout.batch !== batch || id.shape.length !== 2) {
        invalidArgument('ctx.identity.shape', `[${batch}, dim] (one embedding per image)`, `[${id.shape.join(', ')}]`, 'SHAPE_MISMATCH');
      }
      feed = { data: id.data, shape: [...id.shape] };
    }
    assertFinite(feed.data, 'ctx.identity');
    const dim = feed.shape[1] as number;
    if (identityDim !== undefined && dim !== identityDim) {
      throw new MibError('SHAPE_MISMATCH', `Expected an identity embedding of ${identityDim} values (the model's input ${JSON.stringify(identityName)}), received ${dim}`, {
        argument: 'ctx.identity',
        expected: `${identityDim} values`,
        received: `${dim} values`,
      });
    }
    return feed;
  }

  return {
    kind: 'learned',
    identity: identityMode,
    names: { latent: latentName, identity: identityName, mean: meanName, logVar: logVarName },
    async compress(z: LatentTensor, ctx: CompressContext = {}): Promise<LearnedBottleneckResult> {
      ctx.signal?.throwIfAborted();
      const { batch } = batchLayout(z, 'z');
      assertFinite(z.data, 'z.data');
      const temperature = resolveTemperature(ctx);
      const feeds: Record<string, SessionFeed> = { [latentName]: { data: z.data, shape: [...z.shape] } };
      const idFeed = identityFeed(ctx, batch);
      if (idFeed) feeds[identityName as string] = idFeed;
      ctx.onProgress?.({ type: 'compress-start', kind: 'learned', batch });

      const outputs = await session.run(feeds, ctx.signal ? { signal: ctx.signal } : {});
      const rawMean = toFloat32(outputs[meanName], meanName);
      // Never hand back the caller's own array (an identity-like model may echo its input).
      const mean = rawMean.data === z.data ? { data: rawMean.data.slice(), shape: rawMean.shape } : rawMean;
      const rawLogVar = toFloat32(outputs[logVarName], logVarName);
      sameShape(rawLogVar.shape, mean.shape, `outputs.${logVarName}`, `outputs.${meanName}`);
      if (mean.shape[0] !== batch) {
        throw new MibError('SHAPE_MISMATCH', `Expected outputs.${meanName} to have batch ${batch} (the input's), received ${mean.shape[0]}`, {
          argument: `outputs.${meanName}`,
          expected: `batch ${batch}`,
          received: `batch ${mean.shape[0]}`,
        });
      }
      assertFinite(mean.data, `outputs.${meanName}`);
      assertFinite(rawLogVar.data, `outputs.${logVarName}`);
      let logVar = rawLogVar;
      if (clamp) {
        const [lo, hi] = clamp;
        logVar = { data: rawLogVar.data.map((v) => Math.min(hi, Math.max(lo, v))), shape: rawLogVar.shape };
      }

      const rate = klToStandardNormal({ mean, logVar });
      const n = mean.data.length;
      const out = new Float32Array(n);
      const noise = drawNoise(ctx, n, temperature);
      for (let i = 0; i < n; i++) {
        const m = mean.data[i] as number;
        out[i] = noise ? m + temperature * Math.exp(0.5 * (logVar.data[i] as number)) * (noise[i] as number) : m;
      }
      if (noise) assertFinite(out, 'z (the sample μ + β·σ·ε overflowed float32; clamp the log-variance with options.logVarClamp)');
      let sampledBitsPerElement = Infinity;
      if (temperature === 1) sampledBitsPerElement = rate.bitsPerElement;
      else if (temperature > 0) {
        const s = new NeumaierSum();
        const shift = 2 * Math.log(temperature);
        for (let i = 0; i < n; i++) s.add(klStandardNormalElement(mean.data[i] as number, (logVar.data[i] as number) + shift));
        sampledBitsPerElement = s.value / Math.LN2 / n;
      }
      ctx.onProgress?.({ type: 'compress-done', kind: 'learned', rateBits: rate.bits, rateBitsPerElement: rate.bitsPerElement });
      return {
        kind: 'learned',
        z: { data: out, shape: [...mean.shape] },
        mean,
        logVar,
        rate,
        rateBits: rate.bits,
        rateBitsPerElement: rate.bitsPerElement,
        rateBitsPerImage: rate.bitsPerImage,
        sampledBitsPerElement,
        temperature,
      };
    },
  };
}
