import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { DiffmacError } from '@diffmac/base';

/**
 * The real path `p` would have: the real path of its nearest existing ancestor joined with the
 * parts that do not exist yet. Nothing is created, so an output folder can be checked before it is.
 *
 * @example
 * await realpathNearest('/data/gt/eval/run1'); // '/mnt/disk/gt/eval/run1' when /data is a link
 */
export async function realpathNearest(p: string): Promise<string> {
  const rest: string[] = [];
  let cur = path.resolve(p);
  for (;;) {
    try {
      return path.join(await realpath(cur), ...rest.reverse());
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return path.join(cur, ...rest.reverse());
      rest.push(path.basename(cur));
      cur = parent;
    }
  }
}

/**
 * Refuse an output folder that is, or lies inside, one of the input folders, or that is a file;
 * checked before anything is created (`OUTPUT_INSIDE_INPUT`, `NOT_A_FOLDER`).
 *
 * @example
 * await checkOutputFolder('eval/out', [['ground-truth', 'celeba/hq'], ['restored', 'out/restored']]);
 */
export async function checkOutputFolder(outDir: string, inputs: readonly (readonly [label: string, dir: string | undefined])[]): Promise<void> {
  const out = await realpathNearest(outDir);
  for (const [label, dir] of inputs) {
    if (dir === undefined) continue;
    const d = await realpathNearest(dir);
    if (out === d || out.startsWith(d + path.sep)) {
      throw new DiffmacError('OUTPUT_INSIDE_INPUT', `Refusing to write into the ${label} folder ${dir}: choose another output folder`, {
        argument: 'outDir',
        expected: `a folder outside ${dir}`,
        received: outDir,
      });
    }
  }
  const info = await stat(outDir).catch(() => undefined);
  if (info && !info.isDirectory()) {
    throw new DiffmacError('NOT_A_FOLDER', `The output ${outDir} is a file, not a folder`, { argument: 'outDir', expected: 'a folder (created if missing)', received: 'a file' });
  }
}
