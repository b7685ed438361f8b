import { UsageError } from './usage-error';

/** Checks for {@link numberOption}: each says what it accepts, for the error message. */
export const accepts = {
  integer: { check: Number.isSafeInteger, expected: 'an integer' },
  nonNegativeInteger: { check: (v: number) => Number.isInteger(v) && v >= 0, expected: 'a non-negative integer' },
  integerIn: (lo: number, hi: number) => ({ check: (v: number) => Number.isInteger(v) && v >= lo && v <= hi, expected: `an integer in [${lo}, ${hi}]` }),
} as const;

/**
 * Parse a numeric command-line option: `undefined` when it was not given, else the number, or a
 * {@link UsageError} naming the flag, what it accepts and what arrived.
 *
 * @example
 * const seed = numberOption('--seed', values.seed, accepts.integer) ?? 0;
 * const strength = numberOption('--strength', values.strength, { check: (v) => v >= 0 && v <= 1, expected: 'a number in [0, 1]' });
 */
export function numberOption(flag: string, raw: string | undefined, rule: { check: (v: number) => boolean; expected: string }): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || !rule.check(v)) throw new UsageError(`${flag} must be ${rule.expected}, received ${JSON.stringify(raw)}`);
  return v;
}
