import { DiffmacError } from '@diffmac/base';
import { ExitCode, type CliIo, type Command } from './command';
import { commands } from './commands';
import { UsageError } from './usage-error';
import { cliVersion } from './version';

function mainHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: diffmac <command> [options]',
    '',
    'Blind face restoration with diffusion priors.',
    '',
    'Commands:',
    ...lines,
    '',
    'Options:',
    '  -h, --help     show help (also: diffmac <command> --help)',
    '  -v, --version  print the version',
    '  --debug        on an error, print its stack too (also: DIFFMAC_DEBUG=1)',
    '',
  ].join('\n');
}

/**
 * Run the `diffmac` command line and resolve to its exit code. Never calls `process.exit`.
 *
 * @example
 * const code = await runCli(['--version'], { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env });
 */
export async function runCli(argvIn: string[], io: CliIo, signal: AbortSignal = new AbortController().signal): Promise<number> {
  const debug = argvIn.includes('--debug') || isTruthy(io.env.DIFFMAC_DEBUG);
  // `--debug` is global: taken out wherever it stands before a `--` terminator.
  const end = argvIn.includes('--') ? argvIn.indexOf('--') : argvIn.length;
  const argv = argvIn.filter((a, i) => i >= end || a !== '--debug');
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    const topic = first === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
    io.stdout.write(topic ? `${topic.usage}\n` : mainHelp());
    return first === undefined ? ExitCode.usage : ExitCode.ok;
  }
  if (first === '-v' || first === '--version') {
    io.stdout.write(`${cliVersion}\n`);
    return ExitCode.ok;
  }
  const command = commands.find((c) => c.name === first);
  if (!command) {
    io.stderr.write(`diffmac: [CLI_UNKNOWN_COMMAND] unknown command ${JSON.stringify(first)}. Valid commands: ${commands.map((c) => c.name).join(', ')}\n`);
    return ExitCode.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.usage}\n`);
    return ExitCode.ok;
  }
  try {
    return await command.run(rest, io, signal);
  } catch (error) {
    return reportError(error, command, io, signal, debug);
  }
}

/**
 * Print one error as one line `diffmac <command>: [CODE] message` and return its exit code: 2 for
 * a wrong command line, 130 when interrupted, 1 otherwise. An error without a code of its own is
 * reported as `INTERNAL_ERROR`; its stack (and every error's stack) is printed with `--debug`.
 */
function reportError(error: unknown, command: Command, io: CliIo, signal: AbortSignal, debug: boolean): number {
  const stack = () => {
    if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  };
  if (signal.aborted) {
    io.stderr.write(`diffmac ${command.name}: [INTERRUPTED] interrupted\n`);
    return ExitCode.interrupted;
  }
  if (error instanceof UsageError || isParseArgsError(error)) {
    const e = error as Error & { code: string };
    io.stderr.write(`diffmac ${command.name}: [${e instanceof UsageError ? e.code : parseArgsCode(e.code)}] ${oneLine(e.message)}\nRun "diffmac ${command.name} --help" for usage.\n`);
    stack();
    return ExitCode.usage;
  }
  const code = error instanceof DiffmacError || (error instanceof Error && typeof (error as { code?: unknown }).code === 'string') ? (error as unknown as { code: string }).code : 'INTERNAL_ERROR';
  const message = error instanceof Error ? error.message : String(error);
  const hint = debug || code !== 'INTERNAL_ERROR' ? '' : ' (run with --debug for the stack)';
  io.stderr.write(`diffmac ${command.name}: [${code}] ${oneLine(message)}${hint}\n`);
  stack();
  return ExitCode.failure;
}

/** node:util parseArgs codes, renamed into the CLI's own. */
function parseArgsCode(code: string): string {
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return 'CLI_UNKNOWN_OPTION';
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return 'CLI_INVALID_OPTION_VALUE';
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return 'CLI_UNEXPECTED_ARGUMENT';
  return 'CLI_USAGE';
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

function isTruthy(v: string | undefined): boolean {
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

