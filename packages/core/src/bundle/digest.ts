/**
 * sha256 of files, streamed.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * The lower-case hex sha256 of a file, read as a stream (large models never sit in memory).
 *
 * @example
 * const digest = await sha256File('unet/model.onnx');
 */
export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  const stream = createReadStream(path, signal ? { signal } : {});
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The lower-case hex sha256 of bytes.
 *
 * @example
 * sha256Bytes(new TextEncoder().encode('abc'));
 */
export function sha256Bytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
