/**
 * ONNX files with external data (`model.onnx` + `model.onnx_data`, as exporters write models over
 * 2 GB, and Optimum's SD UNets), written by Debian's python3-onnx at test time: they run as a folder
 * and as a lone file, `bundle init` pins the data file's digest, and `bundle check` notices a change.
 */
import { execFileSync } from 'node:child_process';
import { appendFile, cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './helpers';

const face = new URL('../assets/mini-set/astronaut.jpg', import.meta.url).pathname;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'diffmac-external-data-'));
  const script = `
import sys, numpy as np, onnx
from onnx import helper, TensorProto, numpy_helper
w = (np.random.RandomState(0).randn(3, 3, 3, 3) * 0.05).astype(np.float32)
w[:, :, 1, 1] += np.eye(3, dtype=np.float32)
g = helper.make_graph([helper.make_node('Conv', ['input', 'w'], ['output'], pads=[1, 1, 1, 1])], 'restorer',
    [helper.make_tensor_value_info('input', TensorProto.FLOAT, ['N', 3, 512, 512])],
    [helper.make_tensor_value_info('output', TensorProto.FLOAT, ['N', 3, 512, 512])], [numpy_helper.from_array(w, 'w')])
m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 13)]); m.ir_version = 7
onnx.save_model(m, sys.argv[1], save_as_external_data=True, all_tensors_to_one_file=True, location='model.onnx_data', size_threshold=0)
`;
  await mkdir(path.join(dir, 'restorer'));
  execFileSync('/usr/bin/python3', ['-c', script, path.join(dir, 'restorer', 'model.onnx')], { stdio: ['ignore', 'ignore', 'pipe'] });
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ONNX with external data', () => {
  it('restores through the folder and through the lone .onnx file', async () => {
    for (const [model, out] of [[path.join(dir, 'restorer'), 'out-folder'], [path.join(dir, 'restorer', 'model.onnx'), 'out-file']] as const) {
      const r = await cli(['restore', face, '--aligned', '--model', model, '-o', path.join(dir, out), '--json', '--quiet']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
  });

  it('bundle init pins the data file, and bundle check notices it changed', async () => {
    const bundle = path.join(dir, 'bundle');
    await cp(path.join(dir, 'restorer'), bundle, { recursive: true });
    expect((await cli(['bundle', 'init', bundle])).code).toBe(0);
    const manifest = JSON.parse(await readFile(path.join(bundle, 'diffmac.json'), 'utf8')) as { files: Record<string, string> };
    expect(Object.keys(manifest.files).sort()).toEqual(['model.onnx', 'model.onnx_data']);
    expect((await cli(['bundle', 'check', bundle])).code).toBe(0);
    await appendFile(path.join(bundle, 'model.onnx_data'), 'x');
    const r = await cli(['bundle', 'check', bundle]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('BUNDLE_DIGEST_MISMATCH');
    expect(r.stderr).toContain('model.onnx_data');
  });
});
