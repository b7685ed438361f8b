import { writeFileAtomic } from './atomic-write';

/**
 * Write a job's done file: `content` plus `queue: { jobId, worker, attempt }`, as indented JSON,
 * atomically. Write it after every other output of the job.
 *
 * @example
 * await writeDoneFile(ctx.donePath, summary, ctx);
 */
export async function writeDoneFile(file: string, content: Record<string, unknown>, ctx: { jobId: string; worker: string; attempt: number }): Promise<void> {
  const json = { ...content, queue: { jobId: ctx.jobId, worker: ctx.worker, attempt: ctx.attempt } };
  await writeFileAtomic(file, `${JSON.stringify(json, null, 2)}\n`);
}
