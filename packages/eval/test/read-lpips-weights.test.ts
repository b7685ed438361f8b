/**
 * LPIPS linear weights as the `lpips` package ships them (`.pth`, keys `lin{k}.model.1.weight`,
 * written here by Debian's python3-torch from the golden JSON weights) read to the same numbers as
 * the JSON form, and typed errors for anything else.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLpipsWeights } from '../src/index';
import { goldenUrl } from '../../../scripts/golden.mjs';

const jsonFile = new URL('lpips_alex_lin_seed1.json', goldenUrl('metrics', 'lpips')).pathname;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'diffmac-lpips-pth-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readLpipsWeights', () => {
  it("reads the lpips package's .pth layout to the same values as the JSON", async () => {
    const fromJson = await readLpipsWeights(jsonFile);
    expect(fromJson.map((w) => w.length)).toEqual([64, 192, 384, 256, 256]);
    const pth = path.join(dir, 'alex.pth');
    const script = [
      'import json, sys, torch',
      'raw = json.load(open(sys.argv[1]))',
      'lin = raw if isinstance(raw, list) else raw["lin_weights"]',
      'lin = lin if isinstance(lin, list) else [lin[k] for k in sorted(lin)]',
      'sd = {f"lin{k}.model.1.weight": torch.tensor(w, dtype=torch.float32).flatten().reshape(1, -1, 1, 1) for k, w in enumerate(lin)}',
      'torch.save(sd, sys.argv[2])',
    ].join('\n');
    execFileSync('/usr/bin/python3', ['-c', script, jsonFile, pth]);
    const fromPth = await readLpipsWeights(pth);
    expect(fromPth.map((w) => Array.from(w))).toEqual(fromJson.map((w) => Array.from(w)));
  }, 120_000);

  it('names what is wrong: not JSON nor .pth, a checkpoint without lin weights, the wrong count', async () => {
    await writeFile(path.join(dir, 'junk.pth'), 'not a checkpoint');
    await expect(readLpipsWeights(path.join(dir, 'junk.pth'))).rejects.toMatchObject({ code: 'LPIPS_WEIGHTS_INVALID' });
    execFileSync('/usr/bin/python3', ['-c', 'import torch, sys; torch.save({"fc.weight": torch.zeros(2)}, sys.argv[1])', path.join(dir, 'other.pth')]);
    await expect(readLpipsWeights(path.join(dir, 'other.pth'))).rejects.toMatchObject({ code: 'LPIPS_WEIGHTS_INVALID', expected: 'lin0..lin4.model.1.weight' });
    await writeFile(path.join(dir, 'three.json'), JSON.stringify([[1], [2], [3]]));
    await expect(readLpipsWeights(path.join(dir, 'three.json'))).rejects.toMatchObject({ code: 'LPIPS_WEIGHTS_INVALID' });
  }, 120_000);
});
