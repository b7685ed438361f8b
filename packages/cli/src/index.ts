/**
 * The diffmac command: align, degrade, eval, restore and bundle tools for blind face restoration.
 *
 * @packageDocumentation
 * @module @diffmac/cli
 */
export { runCli } from './run-cli';
export { ExitCode, type CliIo, type Command } from './command';
export { commands } from './commands';
export { UsageError } from './usage-error';
export { cliVersion } from './version';
export { createProgressBar, formatDuration, type ProgressBar } from './progress';
