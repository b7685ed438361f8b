"""The job `diffmac eval --metrics psnr,ssim` does, written as a BasicSR user would: read every
restored/ground-truth pair with cv2.imread, score PSNR and SSIM (RGB, crop_border 0) with the
same numpy/cv2 calls as basicsr.metrics (packages/eval/bench/basicsr_psnr_ssim.py), and write a
CSV. One process, one image pair in memory at a time.

Usage: /usr/bin/python3 basicsr_eval_folder.py <pred-dir> <gt-dir> <out.csv>
"""
import os
import sys

import cv2

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'eval', 'bench'))
from basicsr_psnr_ssim import psnr, ssim  # noqa: E402

pred_dir, gt_dir, out = sys.argv[1:4]
rows = []
for name in sorted(os.listdir(gt_dir)):
    stem = os.path.splitext(name)[0]
    img = cv2.imread(os.path.join(pred_dir, stem + '.png'))
    gt = cv2.imread(os.path.join(gt_dir, name))
    rows.append((stem, psnr(img, gt), ssim(img, gt)))
with open(out, 'w') as f:
    f.write('name,psnr,ssim\n')
    for stem, p, s in rows:
        f.write(f'{stem},{p!r},{s!r}\n')
