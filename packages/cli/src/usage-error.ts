/**
 * A mistake on the command line: printed with the usage hint and exit code 2.
 *
 * @example
 * if (!values.out) throw new UsageError('missing -o <out-dir>');
 */
export class UsageError extends Error {
  readonly code = 'CLI_USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
