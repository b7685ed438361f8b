/**
 * Test helpers of `@diffmac/queue`: a real `redis-server` on a free loopback port.
 *
 * @packageDocumentation
 * @module @diffmac/queue/testing
 */
export { startRedisServer, type RedisServer, type StartRedisServerOptions } from './testing/redis-server';
