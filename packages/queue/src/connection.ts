import { DiffmacError } from '@diffmac/base';

/** Where the Redis that holds the queue is. */
export interface QueueConnection {
  host: string;
  port: number;
  /** Database number (`redis://host:port/<db>`), default 0. */
  db: number;
  username?: string;
  password?: string;
  /** `rediss://` URLs connect over TLS. */
  tls?: boolean;
}

/**
 * Parse a queue address `redis://[user:password@]host[:port][/db]` (or `rediss://` for TLS) into
 * connection options. Anything else fails with `QUEUE_URL_INVALID`.
 *
 * @example
 * parseQueueUrl('redis://10.0.0.5:6379/2'); // { host: '10.0.0.5', port: 6379, db: 2 }
 */
export function parseQueueUrl(url: string): QueueConnection {
  const bad = (why: string): never => {
    throw new DiffmacError('QUEUE_URL_INVALID', `Queue address ${JSON.stringify(url)} is not usable: ${why}`, {
      argument: 'queue',
      expected: 'redis://host:port/db (or rediss:// for TLS)',
      received: JSON.stringify(url),
    });
  };
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return bad('not a URL');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') bad(`the scheme must be redis: or rediss:, not ${u.protocol}`);
  if (!u.hostname) bad('no host');
  const port = u.port === '' ? 6379 : Number(u.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) bad(`port ${u.port} is out of range`);
  const dbText = u.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!/^\d*$/.test(dbText) || !Number.isInteger(db) || db < 0 || db > 15) bad(`the database must be an integer in [0, 15], received ${JSON.stringify(dbText)}`);
  const out: QueueConnection = { host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port, db };
  if (u.username) out.username = decodeURIComponent(u.username);
  if (u.password) out.password = decodeURIComponent(u.password);
  if (u.protocol === 'rediss:') out.tls = true;
  return out;
}

/** BullMQ/ioredis connection options for a queue address or parsed connection. */
export function redisOptions(connection: string | QueueConnection, forWorker: boolean): Record<string, unknown> {
  const c = typeof connection === 'string' ? parseQueueUrl(connection) : connection;
  return {
    host: c.host,
    port: c.port,
    db: c.db,
    ...(c.username ? { username: c.username } : {}),
    ...(c.password ? { password: c.password } : {}),
    ...(c.tls ? { tls: {} } : {}),
    // Workers wait through a Redis restart; a producer's commands fail after a few retries instead.
    maxRetriesPerRequest: forWorker ? null : 3,
    retryStrategy: (times: number) => Math.min(200 * times, 2000),
  };
}
