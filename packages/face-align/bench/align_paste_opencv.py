"""facexlib's align + warp + paste-back of one face on OpenCV (Debian python3-opencv), for the
face-align benchmark. facexlib itself is not installable offline, so its steps are written out
here line for line (FaceRestoreHelper.align_warp_face and paste_faces_to_input_image, upscale 1,
no parsing). Writes the 1024x1024 input photo it used, prints one JSON line of median times (ms, [wall, cpu]).

usage: /usr/bin/python3 align_paste_opencv.py <golden_align_dir> <photo_out.png> <runs>
"""
import json
import sys
import time

import cv2
import numpy as np

golden, photo_out, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
cv2.setNumThreads(2)
src = cv2.imread(golden + "/inputs/codeformer_06.png")
h0, w0 = src.shape[:2]
img = cv2.resize(src, (1024, 1024), interpolation=cv2.INTER_LINEAR)
cv2.imwrite(photo_out, img)
lm = np.array([[164.0, 269.0], [269.0, 269.0], [220.0, 320.0], [172.0, 360.0], [271.0, 362.0]])
lm[:, 0] *= 1024 / w0
lm[:, 1] *= 1024 / h0
template = np.array([[192.98138, 239.94708], [318.90277, 240.1936], [256.63416, 314.01935],
                     [201.26117, 371.41043], [313.08905, 371.15118]])
face_size = (512, 512)


def align():
    m = cv2.estimateAffinePartial2D(lm, template, method=cv2.LMEDS)[0]
    crop = cv2.warpAffine(img, m, face_size, borderMode=cv2.BORDER_CONSTANT, borderValue=(135, 133, 132))
    return m, crop


def paste(m, restored):
    h, w, _ = img.shape
    upsample_img = cv2.resize(img, (w, h), interpolation=cv2.INTER_LANCZOS4)  # x1: a copy
    inverse_affine = cv2.invertAffineTransform(m)
    inv_restored = cv2.warpAffine(restored, inverse_affine, (w, h))
    mask = np.ones(face_size, dtype=np.float32)
    inv_mask = cv2.warpAffine(mask, inverse_affine, (w, h))
    inv_mask_erosion = cv2.erode(inv_mask, np.ones((2, 2), np.uint8))
    pasted_face = inv_mask_erosion[:, :, None] * inv_restored
    total_face_area = np.sum(inv_mask_erosion)
    w_edge = int(total_face_area**0.5) // 20
    erosion_radius = w_edge * 2
    inv_mask_center = cv2.erode(inv_mask_erosion, np.ones((erosion_radius, erosion_radius), np.uint8))
    blur_size = w_edge * 2
    inv_soft_mask = cv2.GaussianBlur(inv_mask_center, (blur_size + 1, blur_size + 1), 0)
    inv_soft_mask = inv_soft_mask[:, :, None]
    upsample_img = inv_soft_mask * pasted_face + (1 - inv_soft_mask) * upsample_img
    return upsample_img.astype(np.uint8)


def median_ms(fn):
    """(median wall ms, median process CPU ms: both OpenCV threads counted)"""
    fn()
    wall, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return [float(np.median(wall)), float(np.median(cpu))]


m, crop = align()
restored = np.clip(crop.astype(np.int16) + (40, 0, -40), 0, 255).astype(np.uint8)
res = {
    "opencv": cv2.__version__,
    "threads": cv2.getNumThreads(),
    "landmarks": lm.tolist(),
    "estimate_ms": median_ms(lambda: cv2.estimateAffinePartial2D(lm, template, method=cv2.LMEDS)),
    "warp_ms": median_ms(lambda: cv2.warpAffine(img, m, face_size, borderMode=cv2.BORDER_CONSTANT, borderValue=(135, 133, 132))),
    "paste_ms": median_ms(lambda: paste(m, restored)),
    "total_ms": median_ms(lambda: paste(*((lambda r: (r[0], restored))(align())))),
}
print(json.dumps(res))
