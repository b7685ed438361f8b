import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DiffmacError } from '@diffmac/base';

/** Options of {@link startRedisServer}. */
export interface StartRedisServerOptions {
  /** The `redis-server` binary (default: the one on PATH; Debian's `redis-server` package). */
  binary?: string;
  /** Keep an append-only file in the temporary folder so a restart keeps the queue (default true). */
  appendOnly?: boolean;
  /** Milliseconds to wait for "Ready to accept connections" (default 10 000). */
  startTimeoutMs?: number;
}

/** A running test Redis: its URL, and how to restart and stop it. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>/0` */
  readonly url: string;
  readonly port: number;
  /** The temporary folder holding its data (removed by `stop`). */
  readonly dir: string;
  /** Process id of the current server process. */
  readonly pid: number | undefined;
  /** Shut the server down (SIGTERM: it flushes its append-only file) and start it again on the same port and folder. */
  restart(): Promise<void>;
  /** Stop the server and remove its folder. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function launch(binary: string, port: number, dir: string, appendOnly: boolean, timeoutMs: number): Promise<ChildProcess> {
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--protected-mode', 'yes',
    '--dir', dir,
    '--save', '',
    '--appendonly', appendOnly ? 'yes' : 'no',
    '--appendfsync', 'always',
    '--daemonize', 'no',
    '--logfile', '',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new DiffmacError('REDIS_START_FAILED', `redis-server did not become ready within ${timeoutMs} ms:\n${log}`, { argument: 'binary', received: binary }));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (log += c.toString()));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new DiffmacError('REDIS_START_FAILED', `Could not start ${binary}: ${error.message}`, { argument: 'binary', received: binary, cause: error }));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new DiffmacError('REDIS_START_FAILED', `redis-server exited with code ${code} before it was ready:\n${log}`, { argument: 'binary', received: binary }));
    });
  });
}

function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Start a real `redis-server` (Debian's `redis-server` package) on a free port of 127.0.0.1, with
 * its data in a new temporary folder, for tests and local trials. Fails with `REDIS_NOT_INSTALLED`
 * (saying how to install it) when the binary is missing. `stop()` removes the folder, so nothing
 * is left behind.
 *
 * @example
 * const redis = await startRedisServer();
 * const queue = createQueue({ connection: redis.url });
 * // ...
 * await queue.close();
 * await redis.stop();
 */
export async function startRedisServer(options: StartRedisServerOptions = {}): Promise<RedisServer> {
  const binary = options.binary ?? 'redis-server';
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new DiffmacError(
      'REDIS_NOT_INSTALLED',
      `${binary} was not found or does not run (${probe.error?.message ?? `exit ${probe.status}`}). The queue tests start a real Redis: install Debian's package with \`apt-get install -y redis-server\` (.ci/run does this).`,
      { argument: 'binary', expected: 'a runnable redis-server', received: binary },
    );
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'diffmac-redis-'));
  const appendOnly = options.appendOnly ?? true;
  const timeout = options.startTimeoutMs ?? 10_000;
  let port = 0;
  let child: ChildProcess | undefined;
  // A port found free can be taken before redis binds it: try a few.
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      child = await launch(binary, port, dir, appendOnly, timeout);
      break;
    } catch (error) {
      if (attempt >= 4) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
  return {
    url: `redis://127.0.0.1:${port}/0`,
    port,
    dir,
    get pid() {
      return child?.pid;
    },
    async restart() {
      await stopChild(child);
      child = await launch(binary, port, dir, appendOnly, timeout);
    },
    async stop() {
      await stopChild(child);
      child = undefined;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
