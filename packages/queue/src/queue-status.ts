import type { Queue } from 'bullmq';
import type { StoredJobData } from './dataset-job';

/** Counts and rates of a dataset queue, as `diffmac queue status` prints them. */
export interface QueueStatus {
  name: string;
  /** Waiting, delayed (retry backoff) and prioritised jobs. */
  waiting: number;
  active: number;
  done: number;
  failed: number;
  /** Jobs finished per minute over the last ten minutes (0 when none finished). */
  throughputPerMinute: number;
  /** Seconds until waiting + active jobs are done at that rate (undefined with no rate). */
  etaSeconds: number | undefined;
  /** Median milliseconds a job ran (processing start to finish) over the recent ones. */
  medianJobMs: number | undefined;
  /** The latest failures (at most 20). */
  failures: { id: string; name: string; reason: string; attempts: number }[];
}

/**
 * Read the counts, throughput, ETA and latest failures of a BullMQ queue.
 *
 * @example
 * const s = await queueStatus(queue); // { waiting: 12, active: 2, done: 26, failed: 0, throughputPerMinute: 31.5, ... }
 */
export async function queueStatus(queue: Queue<StoredJobData, unknown, string>, now = Date.now()): Promise<QueueStatus> {
  const counts = await queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed');
  const waiting = (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0);
  const recent = (await queue.getJobs(['completed'], 0, 199)).filter((j) => j && j.finishedOn !== undefined && now - j.finishedOn < 10 * 60_000);
  let throughputPerMinute = 0;
  let medianJobMs: number | undefined;
  if (recent.length > 0) {
    const first = Math.min(...recent.map((j) => j.processedOn ?? j.finishedOn!));
    const span = Math.max(now - first, 1);
    throughputPerMinute = (recent.length * 60_000) / span;
    const times = recent.map((j) => j.finishedOn! - (j.processedOn ?? j.finishedOn!)).sort((a, b) => a - b);
    medianJobMs = times[Math.floor(times.length / 2)];
  }
  const left = waiting + (counts.active ?? 0);
  const failedJobs = await queue.getJobs(['failed'], 0, 19);
  return {
    name: queue.name,
    waiting,
    active: counts.active ?? 0,
    done: counts.completed ?? 0,
    failed: counts.failed ?? 0,
    throughputPerMinute,
    etaSeconds: throughputPerMinute > 0 ? (left * 60) / throughputPerMinute : left === 0 ? 0 : undefined,
    medianJobMs,
    failures: failedJobs.filter(Boolean).map((j) => ({ id: j.id ?? '', name: j.data?.name ?? j.name, reason: j.failedReason ?? '', attempts: j.attemptsMade })),
  };
}
