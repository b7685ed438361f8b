/**
 * `diffmac eval --identity-model`: idcos/deg through an ArcFace ONNX of either public contract, the
 * BFR papers' grey ResNet-18 ([N, 1, 128, 128]) or an insightface export (`input.1`, [N, 3, 112, 112],
 * RGB, aligned to insightface's 112 template), told apart by the signature; anything else is refused.
 * The models here are random-weight stand-ins with those exact contracts.
 */
import { copyFile, cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxGraphBuilder } from '@diffmac/core';
import { cli } from './helpers';

const miniSet = new URL('../assets/mini-set/', import.meta.url).pathname;
let dir: string;

/** [N, C, S, S] → 4×4 average pool → flatten → a fixed random projection to 16-D. */
function embedder(inputName: string, channels: number, size: number): Uint8Array {
  const b = new OnnxGraphBuilder({ name: 'arcface-stand-in' });
  b.input(inputName, 'float32', ['N', channels, size, size]);
  const k = size / 4;
  const pooled = b.op('AveragePool', [inputName], { kernel_shape: [k, k], strides: [k, k] });
  const flat = b.op('Flatten', [pooled], { axis: 1 });
  const d = channels * 16;
  const w = Float32Array.from({ length: d * 16 }, (_, i) => Math.sin(i * 12.9898) * 0.5);
  const y = b.op('MatMul', [flat, b.constant('w', w, [d, 16])]);
  b.node('Identity', [y], ['embedding']);
  b.output('embedding', 'float32', ['N', 16]);
  return b.toBytes();
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'diffmac-identity-'));
  await cp(miniSet, path.join(dir, 'gt'), { recursive: true, filter: (f) => !f.endsWith('.json') });
  await cp(miniSet, path.join(dir, 'same'), { recursive: true, filter: (f) => !f.endsWith('.json') });
  // Each prediction is another image of the set (a different face crop for the embedder).
  await mkdir(path.join(dir, 'swapped'));
  const names = ['astronaut.jpg', 'astronaut-mirrored.jpg', 'astronaut-rotated.jpg'];
  for (const [i, f] of names.entries()) await copyFile(path.join(miniSet, names[(i + 1) % 3]!), path.join(dir, 'swapped', f));
  await writeFile(path.join(dir, 'grey.onnx'), embedder('input', 1, 128));
  await writeFile(path.join(dir, 'insightface.onnx'), embedder('input.1', 3, 112));
  await writeFile(path.join(dir, 'wrong.onnx'), embedder('input', 3, 64));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function idcos(pred: string, model: string): Promise<{ code: number; mean: number; stderr: string }> {
  const out = path.join(dir, `eval-${path.basename(pred)}-${path.basename(model)}`);
  const r = await cli(['eval', '--pred', path.join(dir, pred), '--gt', path.join(dir, 'gt'), '--metrics', 'idcos', '--identity-model', path.join(dir, model), '--out', out, '--workers', '0', '--json', '--quiet']);
  return { code: r.code, mean: r.code === 0 ? JSON.parse(r.stdout).metrics.idcos.mean : Number.NaN, stderr: r.stderr };
}

describe('eval --identity-model', () => {
  it('grey 128 and insightface 112 models both run, each giving its own scores; identical faces score 1', async () => {
    const scores: number[] = [];
    for (const model of ['grey.onnx', 'insightface.onnx']) {
      const same = await idcos('same', model);
      expect(same.code, same.stderr).toBe(0);
      expect(same.mean).toBeCloseTo(1, 5);
      const swapped = await idcos('swapped', model);
      expect(swapped.code, swapped.stderr).toBe(0);
      expect(swapped.mean).toBeLessThan(0.999);
      scores.push(swapped.mean);
    }
    // The two contracts take different inputs (grey 128² vs RGB warped to the 112 template): different numbers.
    expect(Math.abs(scores[0]! - scores[1]!)).toBeGreaterThan(1e-4);
  }, 120_000);

  it('refuses a model of neither contract with a typed error', async () => {
    const r = await idcos('same', 'wrong.onnx');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/IDENTITY_MODEL_SIGNATURE/);
  }, 60_000);
});
