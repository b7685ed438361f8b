/** One axis of OpenCV's INTER_LINEAR map: source index and 11-bit fixed-point weights per output. */
function axis(src: number, dst: number, clamp: boolean): { index: Int32Array; w0: Int32Array; w1: Int32Array } {
  const scale = src / dst;
  const index = new Int32Array(dst);
  const w0 = new Int32Array(dst);
  const w1 = new Int32Array(dst);
  for (let d = 0; d < dst; d++) {
    let f = Math.fround((d + 0.5) * scale - 0.5);
    let s = Math.floor(f);
    f = Math.fround(f - s);
    // columns are clamped with zero weight (cv2's xmin/xmax); rows keep their weights and read
    // clipped row indices (both taps may hit the same edge row)
    if (clamp && s < 0) {
      f = 0;
      s = 0;
    }
    if (clamp && s >= src - 1) {
      f = 0;
      s = src - 1;
    }
    index[d] = s;
    const a1 = Math.round(f * 2048);
    w1[d] = a1;
    w0[d] = Math.round(Math.fround(1 - f) * 2048);
  }
  return { index, w0, w1 };
}

/**
 * OpenCV's `cv2.resize(img, (dstW, dstH), interpolation=INTER_LINEAR)` on 8-bit planes, with its
 * fixed-point arithmetic (11-bit weights, the x86 SIMD vertical pass
 * `((b0·(S0>>4))>>16 + (b1·(S1>>4))>>16 + 2) >> 2`): half-pixel centres, no antialiasing.
 * `src` is interleaved with `channels` channels.
 *
 * @example
 * const small = resizeLinearU8(gray, 512, 512, 1, 128, 128);
 */
export function resizeLinearU8(src: Uint8Array, width: number, height: number, channels: number, dstW: number, dstH: number): Uint8Array {
  const ax = axis(width, dstW, true);
  const ay = axis(height, dstH, false);
  const rowLen = dstW * channels;
  const hrow = (y: number): Int32Array => {
    const out = new Int32Array(rowLen);
    const base = y * width * channels;
    for (let d = 0; d < dstW; d++) {
      const s = ax.index[d] as number;
      const a0 = ax.w0[d] as number;
      const a1 = ax.w1[d] as number;
      const s1 = Math.min(s + 1, width - 1);
      for (let c = 0; c < channels; c++) {
        out[d * channels + c] = (src[base + s * channels + c] as number) * a0 + (src[base + s1 * channels + c] as number) * a1;
      }
    }
    return out;
  };
  const out = new Uint8Array(dstH * rowLen);
  for (let d = 0; d < dstH; d++) {
    const s = ay.index[d] as number;
    const r0 = hrow(Math.min(Math.max(s, 0), height - 1));
    const r1 = hrow(Math.min(Math.max(s + 1, 0), height - 1));
    const b0 = ay.w0[d] as number;
    const b1 = ay.w1[d] as number;
    for (let i = 0; i < rowLen; i++) {
      const v = (((b0 * ((r0[i] as number) >> 4)) >> 16) + ((b1 * ((r1[i] as number) >> 4)) >> 16) + 2) >> 2;
      out[d * rowLen + i] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
  return out;
}
