"""BasicSR-equivalent PSNR/SSIM (RGB and Y) timing with Debian's python3-opencv and numpy.

BasicSR itself is not installable here, so this file writes out the same numpy/cv2 calls that
basicsr.metrics.calculate_psnr / calculate_ssim (crop_border 0, input_order HWC) make, per the
conventions in shared/golden/metrics/README.md. Prints JSON: per-pair scores and timings.
Usage: /usr/bin/python3 basicsr_psnr_ssim.py --threads N --repeat R img2,img [img2,img ...]
"""
import argparse, json, sys, time
import cv2
import numpy as np


def to_y(img_bgr_u8):
    img = img_bgr_u8.astype(np.float32) / 255.
    y = np.dot(img, [24.966, 128.553, 65.481]) + 16.0
    y = (y / 255.).astype(np.float32)
    return (y * 255.)[..., None]


def psnr(a, b):
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float('inf') if mse == 0 else 10. * np.log10(255. * 255. / mse)


def ssim_channel(x, y):
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    k = cv2.getGaussianKernel(11, 1.5)
    w = np.outer(k, k.transpose())
    mu1 = cv2.filter2D(x, -1, w)[5:-5, 5:-5]
    mu2 = cv2.filter2D(y, -1, w)[5:-5, 5:-5]
    mu1_sq, mu2_sq, mu1_mu2 = mu1 ** 2, mu2 ** 2, mu1 * mu2
    s1 = cv2.filter2D(x ** 2, -1, w)[5:-5, 5:-5] - mu1_sq
    s2 = cv2.filter2D(y ** 2, -1, w)[5:-5, 5:-5] - mu2_sq
    s12 = cv2.filter2D(x * y, -1, w)[5:-5, 5:-5] - mu1_mu2
    m = ((2 * mu1_mu2 + c1) * (2 * s12 + c2)) / ((mu1_sq + mu2_sq + c1) * (s1 + s2 + c2))
    return m.mean()


def ssim(a, b):
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    return float(np.array([ssim_channel(a[..., i], b[..., i]) for i in range(a.shape[2])]).mean())


def score(img, img2):
    ya, yb = to_y(img), to_y(img2)
    return {'psnr': psnr(img, img2), 'ssim': ssim(img, img2), 'psnr_y': psnr(ya, yb), 'ssim_y': ssim(ya, yb)}


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--repeat', type=int, default=3)
    p.add_argument('pairs', nargs='+')
    a = p.parse_args()
    cv2.setNumThreads(a.threads)
    pairs = []
    for s in a.pairs:
        gt, lq = s.split(',')
        pairs.append((cv2.imread(lq), cv2.imread(gt)))
    scores = [score(i, j) for i, j in pairs]  # warm-up and values
    times = []
    for _ in range(a.repeat):
        t = time.perf_counter()
        for i, j in pairs:
            score(i, j)
        times.append(time.perf_counter() - t)
    json.dump({'threads': a.threads, 'opencv': cv2.__version__, 'numpy': np.__version__, 'pairs': len(pairs),
               'best_s': min(times), 'median_s': sorted(times)[len(times) // 2], 'scores': scores}, sys.stdout)


if __name__ == '__main__':
    main()
