/** ln 2: nats per bit. */
export const NATS_PER_BIT = Math.LN2;

/**
 * Convert nats to bits (divide by ln 2).
 *
 * @example
 * natsToBits(Math.LN2); // 1
 */
export function natsToBits(nats: number): number {
  return nats / Math.LN2;
}

/**
 * Convert bits to nats (multiply by ln 2).
 *
 * @example
 * bitsToNats(1); // 0.6931471805599453
 */
export function bitsToNats(bits: number): number {
  return bits * Math.LN2;
}
