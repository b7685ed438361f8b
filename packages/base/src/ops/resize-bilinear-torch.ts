import { invalidArgument } from '../errors';

/** Options of {@link resizeBilinearTorch}. */
export interface ResizeBilinearTorchOptions {
  /**
   * `interpolate`'s `scale_factor` as `[y, x]`: the source step is then `1 / scale`, as torch takes
   * it when `recompute_scale_factor` is not set; default: the size ratio `in / out`.
   */
  readonly scaleFactor?: readonly [number, number];
}

/** Source taps along one axis: lower index, upper index and the upper weight per output index. */
function axisTaps(inSize: number, outSize: number, step: number): { lo: Int32Array; hi: Int32Array; w: Float64Array } {
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const w = new Float64Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const src = Math.max(0, (i + 0.5) * step - 0.5);
    const i0 = Math.min(inSize - 1, Math.floor(src));
    lo[i] = i0;
    hi[i] = Math.min(inSize - 1, i0 + 1);
    w[i] = src - i0;
  }
  return { lo, hi, w };
}

/**
 * PyTorch's `F.interpolate(x, mode='bilinear', align_corners=False)` (half-pixel centres, no
 * antialiasing) on `planes` row-major float32 planes of `height × width` (an NCHW tensor has
 * `N·C` planes), in float64 arithmetic stored as float32. Returns a new array.
 *
 * @example
 * const small = resizeBilinearTorch(chw, 3, 512, 512, 299, 299); // pytorch-fid's input resize
 */
export function resizeBilinearTorch(
  src: Float32Array,
  planes: number,
  height: number,
  width: number,
  outHeight: number,
  outWidth: number,
  options: ResizeBilinearTorchOptions = {},
): Float32Array {
  for (const [name, v] of [['height', height], ['width', width], ['outHeight', outHeight], ['outWidth', outWidth], ['planes', planes]] as const) {
    if (!Number.isInteger(v) || v < 1) invalidArgument(name, 'a positive integer', v);
  }
  if (src.length !== planes * height * width) invalidArgument('src', `${planes * height * width} values (${planes}×${height}×${width})`, src);
  const [scaleY, scaleX] = options.scaleFactor ?? [outHeight / height, outWidth / width];
  if (!(scaleY > 0) || !(scaleX > 0)) invalidArgument('options.scaleFactor', 'two positive numbers', options.scaleFactor);
  const out = new Float32Array(planes * outHeight * outWidth);
  const rows = axisTaps(height, outHeight, options.scaleFactor ? 1 / scaleY : height / outHeight);
  const cols = axisTaps(width, outWidth, options.scaleFactor ? 1 / scaleX : width / outWidth);
  for (let p = 0; p < planes; p++) {
    const base = p * height * width;
    const obase = p * outHeight * outWidth;
    for (let y = 0; y < outHeight; y++) {
      const r0 = base + rows.lo[y]! * width;
      const r1 = base + rows.hi[y]! * width;
      const fy = rows.w[y]!;
      for (let x = 0; x < outWidth; x++) {
        const fx = cols.w[x]!;
        const x0 = cols.lo[x]!;
        const x1 = cols.hi[x]!;
        const a = src[r0 + x0]! * (1 - fx) + src[r0 + x1]! * fx;
        const b = src[r1 + x0]! * (1 - fx) + src[r1 + x1]! * fx;
        out[obase + y * outWidth + x] = a * (1 - fy) + b * fy;
      }
    }
  }
  return out;
}
