import { readFileSync } from 'node:fs';
import { goldenUrl } from '../../../scripts/golden.mjs';

/** A small deterministic standard-normal source for tests (LCG + Box–Muller), independent of @diffmac/scheduler. */
export function testNormals(seed: number): { normal(out: Float32Array): void; calls: number } {
  let state = seed >>> 0 || 1;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 4294967296;
  };
  const source = {
    calls: 0,
    normal(out: Float32Array) {
      source.calls++;
      for (let i = 0; i < out.length; i++) {
        const r = Math.sqrt(-2 * Math.log(uniform()));
        out[i] = r * Math.cos(2 * Math.PI * uniform());
      }
    },
  };
  return source;
}

export function tensor(values: number[], shape: number[]) {
  return { data: new Float32Array(values), shape };
}

export const goldenDir = new URL('', goldenUrl());

export function goldenAlphas(key: string): { betas: Float32Array; alphasCumprod: Float32Array } {
  const g = JSON.parse(readFileSync(new URL(`schedulers/alphas_cumprod/${key}.json`, goldenDir), 'utf8')) as {
    betas: number[];
    alphas_cumprod: number[];
  };
  return { betas: Float32Array.from(g.betas), alphasCumprod: Float32Array.from(g.alphas_cumprod) };
}

/** The error `fn` throws (fails the test when it throws nothing). */
export function errorOf(fn: () => unknown): Error & { code?: string; argument?: string; expected?: string; received?: string } {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

/** Assert `fn` throws a MibError-like error with this code (and optional argument). */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

export async function asyncCodeOf(p: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await p();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}
