#!/usr/bin/env python3
"""Time the benchmark UNet (written by seam-bench.ts with diffmac's graph builder) in PyTorch
eager on the CPU, with the same weights (read from the ONNX initialisers) and inputs, and check
the output against onnxruntime's. Prints JSON. Usage: unet_torch_bench.py <dir> [--threads N]."""
import json
import statistics
import sys
import time

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper

d = sys.argv[1]
threads = int(sys.argv[sys.argv.index('--threads') + 1]) if '--threads' in sys.argv else 1
quick = '--quick' in sys.argv
torch.set_num_threads(threads)

model = onnx.load(f'{d}/unet.onnx')
w = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in model.graph.initializer}
hidden = w['conv_in_w'].shape[0]
ctx_dim = w['context_proj_w'].shape[0]
sample = torch.from_numpy(np.fromfile(f'{d}/sample.f32', dtype=np.float32).reshape(2, 4, 64, 64))
context = torch.from_numpy(np.fromfile(f'{d}/context.f32', dtype=np.float32).reshape(2, 77, ctx_dim))
timestep = torch.tensor([981], dtype=torch.int64)
expected = np.fromfile(f'{d}/out_sample.f32', dtype=np.float32).reshape(2, 4, 64, 64)


def silu(x):
    return x * torch.sigmoid(x)


@torch.no_grad()
def forward(sample, timestep, context):
    # Mirrors buildTinyUnet in packages/core/src/onnx/tiny/unet.ts node for node.
    t = timestep.float().mean(0)
    temb = torch.sin(t * w['freqs'])
    temb = (temb @ w['time_proj_w'] + w['time_proj_b']).reshape(1, hidden, 1, 1)
    cemb = (context.mean(1) @ w['context_proj_w'] + w['context_proj_b'])[:, :, None, None]
    h0 = F.conv2d(sample, w['conv_in_w'], w['conv_in_b'], padding=1)
    h0 = silu(h0 + temb + cemb)
    h1 = silu(F.conv2d(h0, w['down_w'], w['down_b'], stride=2))
    h1 = silu(F.conv2d(h1, w['mid_w'], w['mid_b'], padding=1))
    up = F.conv_transpose2d(h1, w['up_w'], w['up_b'], stride=2)
    merged = silu(up + h0)
    return F.conv2d(merged, w['conv_out_w'], w['conv_out_b'], padding=1)


out = forward(sample, timestep, context)
times = []
for _ in range(3 if quick else 10):
    t0 = time.perf_counter()
    forward(sample, timestep, context)
    times.append((time.perf_counter() - t0) * 1000)
print(json.dumps({
    'torch': torch.__version__,
    'threads': threads,
    'ms': statistics.median(times),
    'max_abs_diff': float(np.abs(out.numpy() - expected).max()),
}))
