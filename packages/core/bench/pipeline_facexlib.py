"""facexlib's FaceRestoreHelper align + paste-back maths (align_warp_face, get_inverse_affine,
paste_faces_to_input_image without a parsing mask), in OpenCV, timed on the same photo, landmarks,
crop size and upscale as pipeline-photo-bench.mjs. facexlib itself is not installable offline here;
these are its lines, with the restorer replaced by the identity (as the TypeScript side does).

Usage: python3 pipeline_facexlib.py <photo.png> <landmarks.json> <size> <upscale> <repeats>
Prints JSON: {"align_ms": ..., "paste_ms": ..., "faces": n}
"""
import json
import sys
import time

import cv2
import numpy as np

photo_path, lm_path, size, upscale, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
cv2.setNumThreads(1)
img = cv2.imread(photo_path, cv2.IMREAD_COLOR)
landmarks = [np.array(f, dtype=np.float32) for f in json.load(open(lm_path))]
template = np.array([[192.98138, 239.94708], [318.90277, 240.1936], [256.63416, 314.01935],
                     [201.26117, 371.41043], [313.08905, 371.15118]], dtype=np.float32) * (size / 512.0)


def align():
    faces, mats = [], []
    for lm in landmarks:
        m = cv2.estimateAffinePartial2D(lm, template, method=cv2.LMEDS)[0]
        mats.append(m)
        faces.append(cv2.warpAffine(img, m, (size, size), borderMode=cv2.BORDER_CONSTANT, borderValue=(135, 133, 132)))
    return faces, mats


def paste(faces, mats):
    h, w, _ = img.shape
    h_up, w_up = int(h * upscale), int(w * upscale)
    up = cv2.resize(img, (w_up, h_up), interpolation=cv2.INTER_LANCZOS4)
    for face, m in zip(faces, mats):
        inv = cv2.invertAffineTransform(m) * upscale
        if upscale > 1:
            inv[:, 2] += 0.5 * upscale
        inv_restored = cv2.warpAffine(face, inv, (w_up, h_up))
        mask = np.ones((size, size), dtype=np.float32)
        inv_mask = cv2.warpAffine(mask, inv, (w_up, h_up))
        inv_mask_erosion = cv2.erode(inv_mask, np.ones((int(2 * upscale), int(2 * upscale)), np.uint8))
        pasted = inv_mask_erosion[:, :, None] * inv_restored
        area = np.sum(inv_mask_erosion)
        w_edge = int(area ** 0.5) // 20
        center = cv2.erode(inv_mask_erosion, np.ones((w_edge * 2, w_edge * 2), np.uint8))
        soft = cv2.GaussianBlur(center, (w_edge * 2 + 1, w_edge * 2 + 1), 0)[:, :, None]
        up = soft * pasted + (1 - soft) * up
    return up.astype(np.uint8)


align_ms, paste_ms = [], []
for _ in range(repeats):
    t0 = time.perf_counter()
    faces, mats = align()
    t1 = time.perf_counter()
    paste(faces, mats)
    t2 = time.perf_counter()
    align_ms.append((t1 - t0) * 1000)
    paste_ms.append((t2 - t1) * 1000)
print(json.dumps({"align_ms": min(align_ms), "paste_ms": min(paste_ms), "faces": len(landmarks)}))
