"""OpenCV peer of image-io-bench.ts: the same cases on the same files, printed as JSON.

Usage: python3 bench/image_io_opencv.py <dir with bench.png, bench.jpg> [runs]
Uses Debian's python3-opencv and numpy, one thread (cv2.setNumThreads(1)).
"""
import json
import sys
import time

import cv2
import numpy as np

cv2.setNumThreads(1)
folder = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 25


def timed(fn):
    for _ in range(5):
        fn()
    t = []
    for _ in range(runs):
        s = time.perf_counter()
        fn()
        t.append((time.perf_counter() - s) * 1000)
    return sorted(t)[len(t) // 2]


png = f"{folder}/bench.png"
jpg = f"{folder}/bench.jpg"
rgb = cv2.cvtColor(cv2.imread(png, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def to_tensor():
    return np.ascontiguousarray(((rgb.astype(np.float32) / 255.0) * 2 - 1).transpose(2, 0, 1)[None])


tensor = to_tensor()


def from_tensor():
    x = np.clip(tensor[0] / 2 + 0.5, 0, 1)
    return np.ascontiguousarray((x * 255).round().astype(np.uint8).transpose(1, 2, 0))


bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
print(json.dumps({
    "opencv": cv2.__version__,
    "numpy": np.__version__,
    "cases": {
        "decode_png": timed(lambda: cv2.cvtColor(cv2.imread(png, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)),
        "decode_jpeg": timed(lambda: cv2.cvtColor(cv2.imread(jpg, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)),
        "to_tensor": timed(to_tensor),
        "from_tensor": timed(from_tensor),
        "encode_png": timed(lambda: cv2.imencode(".png", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_PNG_COMPRESSION, 6])),
        "encode_jpeg": timed(lambda: cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 90])),
    },
}))
