import { invalidArgument, type ColorImage } from '@diffmac/base';
import { iou, type Box4 } from './nms';
import type { DetectedFace, DetectOptions, FaceDetector, Point } from './types';

/** Options of {@link createTiledDetector}. */
export interface TiledDetectorOptions {
  /** Tile side in photo pixels (default 768): each tile is what the inner detector sees whole. */
  tileSize?: number;
  /** Overlap between neighbouring tiles (default a quarter of the tile): the largest face a tile must hold whole. */
  overlap?: number;
  /** Photos whose long side is at most this are detected whole, as before (default 2 × tileSize). */
  tileAbove?: number;
  /** Boxes overlapping more than this are the same face (default 0.4). */
  iouThreshold?: number;
}

/** Tile origins along one side: `0, stride, ...`, the last flush with the far edge. */
function starts(length: number, tile: number, stride: number): number[] {
  if (length <= tile) return [0];
  const out: number[] = [];
  for (let s = 0; s + tile < length; s += stride) out.push(s);
  out.push(length - tile);
  return out;
}

function crop(image: ColorImage, x: number, y: number, w: number, h: number): ColorImage {
  const c = image.channels;
  const data = new (image.data.constructor as Uint8ArrayConstructor | Float32ArrayConstructor)(w * h * c);
  for (let r = 0; r < h; r++) data.set(image.data.subarray(((y + r) * image.width + x) * c, ((y + r) * image.width + x + w) * c), r * w * c);
  return { width: w, height: h, channels: image.channels, data } as ColorImage;
}

const shift = (p: Point, dx: number, dy: number): Point => [p[0] + dx, p[1] + dy];

/**
 * Detection at native resolution: the inner detector runs on the whole photo (for the large faces)
 * and on overlapping tiles of `tileSize` pixels (for the small ones a whole-photo pass shrinks away),
 * and the faces are merged across tiles by IoU, the best score kept. A face cut by a tile's inner
 * edge is left to the neighbouring tile, which holds it whole. The work grows with the pixel count.
 *
 * @example
 * const detector = createTiledDetector(await createDefaultDetector(), { tileSize: 768 });
 * const faces = await detector.detect(largeGroupPhoto);
 */
export function createTiledDetector(inner: FaceDetector, options: TiledDetectorOptions = {}): FaceDetector {
  const tileSize = options.tileSize ?? 768;
  if (!Number.isInteger(tileSize) || tileSize < 64) invalidArgument('options.tileSize', 'an integer ≥ 64', tileSize);
  const overlap = options.overlap ?? Math.round(tileSize / 4);
  if (!Number.isInteger(overlap) || overlap < 0 || overlap >= tileSize) invalidArgument('options.overlap', `an integer in [0, ${tileSize})`, overlap);
  const tileAbove = options.tileAbove ?? 2 * tileSize;
  const iouThreshold = options.iouThreshold ?? 0.4;
  return {
    async detect(image: ColorImage, detectOptions: DetectOptions = {}): Promise<DetectedFace[]> {
      if (Math.max(image.width, image.height) <= tileAbove) return inner.detect(image, detectOptions);
      const found: DetectedFace[] = [...(await inner.detect(image, detectOptions))];
      const stride = tileSize - overlap;
      const margin = 2;
      for (const y of starts(image.height, tileSize, stride)) {
        for (const x of starts(image.width, tileSize, stride)) {
          detectOptions.signal?.throwIfAborted();
          const w = Math.min(tileSize, image.width - x);
          const h = Math.min(tileSize, image.height - y);
          for (const f of await inner.detect(crop(image, x, y, w, h), detectOptions)) {
            const [x1, y1, x2, y2] = f.box;
            // Cut by an inner tile edge: the neighbour holds this face whole.
            const cut = (x > 0 && x1 <= margin) || (y > 0 && y1 <= margin) || (x + w < image.width && x2 >= w - margin) || (y + h < image.height && y2 >= h - margin);
            if (cut) continue;
            found.push({
              box: [x1 + x, y1 + y, x2 + x, y2 + y],
              score: f.score,
              landmarks5: f.landmarks5.map((p) => shift(p, x, y)) as unknown as DetectedFace['landmarks5'],
              ...(f.landmarks ? { landmarks: f.landmarks.map((p) => shift(p, x, y)) } : {}),
            });
          }
        }
      }
      // Merge: best score first, a face overlapping a kept one is the same face.
      found.sort((a, b) => b.score - a.score);
      const kept: DetectedFace[] = [];
      for (const f of found) if (!kept.some((k) => iou(k.box as Box4, f.box as Box4) > iouThreshold)) kept.push(f);
      return kept;
    },
    dispose: () => inner.dispose(),
  };
}
