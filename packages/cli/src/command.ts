import type { Writable } from 'node:stream';

/** Where a command writes and what it knows of its terminal. Tests pass their own streams. */
export interface CliIo {
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  /** Working directory that relative paths resolve against. */
  cwd: string;
  /** Environment variables (only what commands read from it). */
  env: Record<string, string | undefined>;
}

/** One `diffmac <name>` subcommand. Returns the process exit code. */
export interface Command {
  name: string;
  /** One line for `diffmac --help`. */
  summary: string;
  /** Full usage text for `diffmac <name> --help`. */
  usage: string;
  run(argv: string[], io: CliIo, signal: AbortSignal): Promise<number>;
}

/** Exit codes shared by every command. */
export const ExitCode = {
  ok: 0,
  /** The work ran but something failed (a check, a metric, an unreadable file). */
  failure: 1,
  /** The command line itself was wrong. */
  usage: 2,
  /** Interrupted by a signal. */
  interrupted: 130,
} as const;
