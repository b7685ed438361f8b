// Seeded noise and a reference-named pixel operation from @diffmac/base.
import { createRng, randn, resizeBilinearTorch } from '@diffmac/base';

const noise = randn([1, 4, 64, 64], createRng(42)); // the same numbers on every machine
// torch.nn.functional.interpolate(noise, size=(32, 32), mode='bilinear', align_corners=False)
const small = resizeBilinearTorch(noise.data as Float32Array, 4, 64, 64, 32, 32);
export { small };
