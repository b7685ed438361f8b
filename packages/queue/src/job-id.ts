import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so equal options always give the same text
 * (typed arrays are written as plain arrays).
 *
 * @example
 * canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }); // '{"a":[2,{"c":4,"d":3}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  const norm = (v: unknown): unknown => {
    if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
    if (Array.isArray(v)) return v.map(norm);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) if ((v as Record<string, unknown>)[k] !== undefined) out[k] = norm((v as Record<string, unknown>)[k]);
      return out;
    }
    return v;
  };
  return JSON.stringify(norm(value));
}

/** What makes a job unique: its kind, the input's path and content, and the run's options. */
export interface JobIdentity {
  /** `restore`, `eval`, ... */
  kind: string;
  /** The input's path (as every machine sees it on the shared storage). */
  input: string;
  /** sha256 of the input's bytes (and of a second input, for a pair). */
  contentHash: string;
  /** Every option that changes the result (model, preset, steps, seed, output folder, ...). */
  options: unknown;
}

/**
 * The job id of one dataset item: `<kind>-<sha256 of path, content hash and options>`. Enqueuing
 * the same image with the same options again gives the same id, so BullMQ adds it once; a changed
 * file or option gives a new job.
 *
 * @example
 * datasetJobId({ kind: 'restore', input: '/data/lq/0001.png', contentHash, options: { seed: 7 } }); // 'restore-3f2a…'
 */
export function datasetJobId(identity: JobIdentity): string {
  const hash = createHash('sha256').update(canonicalJson({ input: identity.input, content: identity.contentHash, options: identity.options })).digest('hex');
  return `${identity.kind}-${hash}`;
}
