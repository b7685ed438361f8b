#!/usr/bin/env node
import { runCli } from './run-cli';

const controller = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  interrupts += 1;
  if (interrupts > 1) process.exit(130);
  controller.abort(new Error('interrupted'));
});

const io = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
runCli(process.argv.slice(2), io, controller.signal).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // runCli reports every command error itself; this is a last resort, still one line.
    const code = (error as { code?: unknown } | null)?.code;
    process.stderr.write(`diffmac: [${typeof code === 'string' ? code : 'INTERNAL_ERROR'}] ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.argv.includes('--debug') && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = 1;
  },
);
