// The image types live in @diffmac/base; core re-exports them.
export type { ColorImage, ImagePixels, RasterImage } from '@diffmac/base';
