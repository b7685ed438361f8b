import { DiffmacError, describeValue } from '../errors';

/** How pixels outside the source image are read (OpenCV's border modes). */
export type BorderMode = 'constant' | 'replicate' | 'reflect' | 'reflect101';

const MODES: readonly BorderMode[] = ['constant', 'replicate', 'reflect', 'reflect101'];

/** Check a border mode; throws `INVALID_BORDER` naming `argument`. */
export function assertBorderMode(mode: unknown, argument: string): asserts mode is BorderMode {
  if (!MODES.includes(mode as BorderMode)) {
    const received = describeValue(mode);
    throw new DiffmacError('INVALID_BORDER', `Expected one of ${MODES.join(', ')} for ${argument}, received ${received}`, {
      argument,
      expected: MODES.join(' | '),
      received,
    });
  }
}

/**
 * Map a coordinate `p` outside `[0, len)` back inside as OpenCV's `borderInterpolate` does;
 * `-1` for `'constant'` (use the border value).
 *
 * @example
 * borderIndex(-1, 5, 'reflect101'); // 1
 */
export function borderIndex(p: number, len: number, mode: BorderMode): number {
  if (p >= 0 && p < len) return p;
  if (mode === 'constant') return -1;
  if (mode === 'replicate') return p < 0 ? 0 : len - 1;
  if (len === 1) return 0;
  const delta = mode === 'reflect101' ? 1 : 0;
  do {
    if (p < 0) p = -p - 1 + delta;
    else p = len - 1 - (p - len) - delta;
  } while (p < 0 || p >= len);
  return p;
}
