#!/usr/bin/env python3
"""Write test/fixtures/degradation-cv2.json: OpenCV's filter2D and INTER_LINEAR resize on small
float32 images, so the TypeScript ports are checked against the library BasicSR/GFPGAN call.

Run with Debian's python3-opencv and python3-numpy:  /usr/bin/python3 scripts/make-degradation-fixtures.py
"""
import json
import math
import os

import cv2
import numpy as np

rng = np.random.RandomState(7)
img = rng.rand(23, 19, 3).astype(np.float32)


def mesh(size):
    ax = np.arange(-size // 2 + 1.0, size // 2 + 1.0)
    xx, yy = np.meshgrid(ax, ax)
    return np.stack([xx, yy], axis=-1)


def gaussian(size, sx, sy, theta):
    d = np.array([[sx**2, 0], [0, sy**2]])
    u = np.array([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])
    inv = np.linalg.inv(u @ d @ u.T)
    g = mesh(size)
    k = np.exp(-0.5 * np.sum((g @ inv) * g, axis=2))
    return k / k.sum()


cases = {"image": {"height": 23, "width": 19, "data": img.ravel().tolist()}, "filter": [], "resize": []}
for size, sx, sy, theta in [(41, 3.0, 3.0, 0.0), (41, 0.4, 6.5, 0.7), (7, 1.2, 2.0, -2.1), (21, 9.0, 1.0, 3.0)]:
    k = gaussian(size, sx, sy, theta)
    out = cv2.filter2D(img, -1, k)
    cases["filter"].append({"size": size, "sigmaX": sx, "sigmaY": sy, "theta": theta, "kernel": k.ravel().tolist(), "kernelIsFloat64": True, "out": out.ravel().tolist()})
for w, h in [(14, 18), (7, 9), (19 * 3, 23 * 2), (40, 50), (3, 4)]:
    out = cv2.resize(img, (w, h), interpolation=cv2.INTER_LINEAR)
    cases["resize"].append({"width": w, "height": h, "out": out.ravel().tolist()})
# an exact 2x downscale, which OpenCV turns into INTER_AREA
img2 = rng.rand(24, 30, 3).astype(np.float32)
cases["resize2x"] = {"height": 24, "width": 30, "data": img2.ravel().tolist(),
                     "out": cv2.resize(img2, (15, 12), interpolation=cv2.INTER_LINEAR).ravel().tolist()}

out = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "degradation-cv2.json")
def f32(x):
    """float32 values as short decimals that round-trip through Math.fround."""
    if isinstance(x, dict):
        return {k: f32(v) for k, v in x.items()}
    if isinstance(x, list):
        return [f32(v) for v in x]
    if isinstance(x, float):
        return float("%.9g" % x)
    return x


with open(out, "w") as f:
    json.dump(f32(cases), f, separators=(",", ":"))
print("wrote", out)
