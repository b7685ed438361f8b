import type { ColorImage, Tensor } from '@diffmac/base';

/** Channel order fed to a network. */
export type ChannelOrder = 'rgb' | 'bgr';

/**
 * An image as a float32 NCHW tensor [1, 3, H, W] in [-1, 1], as `lpips.im2tensor` makes it
 * (`u8 / 127.5 - 1`; float images in [0,1] as `2x - 1`); alpha dropped; `order` picks RGB or BGR.
 *
 * @example
 * const t = imageToSignedTensor(img); // { data: Float32Array(3*H*W), shape: [1, 3, H, W] }
 */
export function imageToSignedTensor(img: ColorImage, order: ChannelOrder = 'rgb'): Tensor {
  const { width, height, channels } = img;
  const n = width * height;
  const out = new Float32Array(3 * n);
  const u8 = img.data instanceof Uint8Array;
  for (let ch = 0; ch < 3; ch++) {
    const src = order === 'rgb' ? ch : 2 - ch;
    const base = ch * n;
    for (let i = 0, s = src; i < n; i++, s += channels) {
      const v = img.data[s] as number;
      out[base + i] = u8 ? v / 127.5 - 1 : v * 2 - 1;
    }
  }
  return { data: out, shape: [1, 3, height, width] };
}
