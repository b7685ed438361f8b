"""PyTorch eager forward times for bench/convert.mjs: builds the modules of the test fixture generators
(same architectures, same seed) and times one forward each, 1 thread. Prints JSON."""
import json, os, runpy, sys, tempfile, time
import torch

torch.set_num_threads(1)
fixtures = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures')
out = {}
with tempfile.TemporaryDirectory() as tmp:
    sys.argv = ['x', os.path.join(tmp, 'a'), '0']
    a = runpy.run_path(os.path.join(fixtures, 'make-convert-fixtures.py'))
    sys.argv = ['x', os.path.join(tmp, 'b'), '0']
    b = runpy.run_path(os.path.join(fixtures, 'make-retinaface-fixtures.py'))
    sys.argv = ['x', os.path.join(tmp, 'c'), '0']
    c = runpy.run_path(os.path.join(fixtures, 'make-inception-fixtures.py'))

def best(f, x, rounds=5):
    f(x)
    t = []
    for _ in range(rounds):
        t0 = time.perf_counter(); f(x); t.append(time.perf_counter() - t0)
    return min(t) * 1000

with torch.no_grad():
    out['arcface-resnet18'] = best(a['arc'], torch.rand(1, 1, 128, 128) * 2 - 1)
    feats = a['features']  # the VGG16 trunk (the last one built)
    out['lpips-vgg'] = best(lambda x: feats((x - a['SHIFT']) / a['SCALE']), torch.rand(1, 3, 256, 256) * 2 - 1)
    out['retinaface-resnet50'] = best(b['net'], torch.randn(1, 3, 480, 640) * 50)
    out['inception-fid'] = best(c['net'], torch.rand(1, 3, 299, 299))
print(json.dumps(out))
