import { Writable } from 'node:stream';
import { runCli, type CliIo } from '../src/index';

/** Run the CLI in-process and capture what it prints. */
export async function cli(argv: string[], options: { cwd?: string; signal?: AbortSignal } = {}) {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, done) {
        append(String(chunk));
        done();
      },
    });
  const io: CliIo = {
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
    cwd: options.cwd ?? process.cwd(),
    env: {},
  };
  const code = await runCli(argv, io, options.signal);
  return { code, stdout, stderr };
}
