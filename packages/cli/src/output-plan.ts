import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { DiffmacError } from '@diffmac/base';

/** One input and the name stem its outputs take in the output folder. */
export interface PlannedInput {
  /** Absolute path of the input. */
  input: string;
  /** File name stem of its outputs (`<stem>.png`, `<stem>_face0.png`, ...). */
  stem: string;
}

async function real(p: string): Promise<string> {
  return realpath(p).catch(() => path.resolve(p));
}

/**
 * Plan the outputs of a command that writes `<out>/<stem>...` per input: refuse (with
 * `OUTPUT_NAME_COLLISION`, before anything is written) two inputs whose outputs would share a
 * name (`a/face.png` and `b/face.png`, or `x.png` and `x.jpg`), and an input that is a folder
 * (`NOT_A_FILE`) or missing (`FILE_NOT_FOUND`).
 *
 * @example
 * const plan = await planOutputs(['a/face.png', 'b/other.jpg'], '/cwd'); // [{ input, stem: 'face' }, ...]
 */
export async function planOutputs(inputs: readonly string[], cwd: string): Promise<PlannedInput[]> {
  const plan: PlannedInput[] = [];
  const byStem = new Map<string, string>();
  for (const arg of inputs) {
    const input = path.resolve(cwd, arg);
    const info = await stat(input).catch(() => undefined);
    if (!info) throw new DiffmacError('FILE_NOT_FOUND', `The input ${arg} does not exist`, { argument: arg, expected: 'an image file', received: 'nothing at that path' });
    if (info.isDirectory()) throw new DiffmacError('NOT_A_FILE', `The input ${arg} is a folder; give its image files (for example ${path.join(arg, '*.png')})`, { argument: arg, expected: 'an image file', received: 'a folder' });
    const stem = path.parse(input).name;
    const clash = byStem.get(stem.toLowerCase());
    if (clash !== undefined) {
      throw new DiffmacError('OUTPUT_NAME_COLLISION', `${clash} and ${input} would both be written as ${stem}.*: rename one, or run them into different output folders`, {
        argument: arg,
        expected: 'inputs with different file names (without extension)',
        received: `${clash} and ${input}`,
      });
    }
    byStem.set(stem.toLowerCase(), input);
    plan.push({ input, stem });
  }
  return plan;
}

/**
 * Check the files about to be written: none may be one of the inputs (`OUTPUT_IS_INPUT`, even with
 * `force`), and none may exist unless `force` (`OUTPUT_EXISTS`). Run it before any work, so a
 * refused run leaves nothing behind.
 *
 * @example
 * await checkOutputs(['out/face.png', 'out/face.json'], ['s/face.png'], { force: false });
 */
export async function checkOutputs(outputs: readonly string[], inputs: readonly string[], options: { force: boolean }): Promise<void> {
  const inputReal = new Map<string, string>();
  for (const i of inputs) inputReal.set(await real(i), i);
  for (const o of outputs) {
    const r = await real(o);
    const input = inputReal.get(r);
    if (input !== undefined) {
      throw new DiffmacError('OUTPUT_IS_INPUT', `Refusing to write ${o}: it is the input ${input}. Choose another output folder (-o)`, {
        argument: '-o',
        expected: 'an output path that is not an input',
        received: o,
      });
    }
    const info = await stat(o).catch(() => undefined);
    if (info?.isDirectory()) throw new DiffmacError('OUTPUT_EXISTS', `Cannot write ${o}: a folder of that name is in the way`, { argument: '-o', expected: 'a free file name', received: 'a folder' });
    if (info && !options.force) {
      throw new DiffmacError('OUTPUT_EXISTS', `Refusing to overwrite ${o}: it exists. Pass --force to replace it, or choose another output folder`, {
        argument: '-o',
        expected: 'a file name not in use (or --force)',
        received: o,
      });
    }
  }
}

/**
 * Refuse an output folder that is a file (`NOT_A_FOLDER`), before anything is created.
 *
 * @example
 * await assertOutputFolder('out');
 */
export async function assertOutputFolder(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (info && !info.isDirectory()) throw new DiffmacError('NOT_A_FOLDER', `The output ${dir} is a file, not a folder`, { argument: '-o', expected: 'a folder (created if missing)', received: 'a file' });
}
