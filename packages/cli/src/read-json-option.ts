import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DiffmacError } from '@diffmac/base';

/**
 * Read the JSON file a command-line option names: a typed error saying which option, which file
 * and what was wrong (`OPTION_FILE_UNREADABLE` when it cannot be read, `OPTION_FILE_NOT_JSON`
 * when it does not parse), never a raw `ENOENT` or `SyntaxError`.
 *
 * @example
 * const raw = await readJsonOption('--lpips-weights', values['lpips-weights'], io.cwd);
 */
export async function readJsonOption(flag: string, file: string, cwd: string): Promise<unknown> {
  const full = path.resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch (cause) {
    const reason = (cause as { code?: string }).code === 'EISDIR' ? 'it is a folder' : (cause as Error).message;
    throw new DiffmacError('OPTION_FILE_UNREADABLE', `${flag}: cannot read ${full}: ${reason}`, { argument: flag, expected: 'a readable JSON file', received: full, cause });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new DiffmacError('OPTION_FILE_NOT_JSON', `${flag}: ${full} is not JSON (${(cause as Error).message})`, { argument: flag, expected: 'a JSON file', received: `${text.length} bytes that do not parse`, cause });
  }
}
