import { DiffmacError } from '@diffmac/core';
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
    '',
  ].join('\n');
}

/**
 * Run the `diffmac` command line and resolve to its exit code. Never calls `process.exit`.
 *
 * @example
 * const code = await runCli(['--version'], { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env });
 */
export async function runCli(argv: string[], io: CliIo, signal: AbortSignal = new AbortController().signal): Promise<number> {
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
    io.stderr.write(`diffmac: unknown command ${JSON.stringify(first)}. Valid commands: ${commands.map((c) => c.name).join(', ')}\n`);
    return ExitCode.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.usage}\n`);
    return ExitCode.ok;
  }
  try {
    return await command.run(rest, io, signal);
  } catch (error) {
    return reportError(error, command, io, signal);
  }
}

function reportError(error: unknown, command: Command, io: CliIo, signal: AbortSignal): number {
  if (signal.aborted) {
    io.stderr.write(`diffmac ${command.name}: interrupted\n`);
    return ExitCode.interrupted;
  }
  if (error instanceof UsageError || isParseArgsError(error)) {
    io.stderr.write(`diffmac ${command.name}: ${(error as Error).message}\nRun "diffmac ${command.name} --help" for usage.\n`);
    return ExitCode.usage;
  }
  if (error instanceof DiffmacError || (error instanceof Error && typeof (error as { code?: unknown }).code === 'string')) {
    const e = error as Error & { code: string };
    io.stderr.write(`diffmac ${command.name}: [${e.code}] ${e.message}\n`);
    return ExitCode.failure;
  }
  io.stderr.write(`diffmac ${command.name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return ExitCode.failure;
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

