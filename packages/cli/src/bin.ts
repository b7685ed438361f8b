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
    process.stderr.write(`diffmac: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
