/**
 * Restore and evaluate a dataset across many machines: idempotent, exactly-once jobs on BullMQ
 * and Redis. Producers enqueue one job per image (`createQueue`), workers on any machine that sees
 * the same storage take them (`createWorker`), and each job's last output file names the job, so a
 * finished image is never redone.
 *
 * @packageDocumentation
 * @module @diffmac/queue
 */
export { parseQueueUrl, type QueueConnection } from './connection';
export { canonicalJson, datasetJobId, type JobIdentity } from './job-id';
export { imageSeed } from './image-seed';
export { isJobDone, writeFileAtomic, type DoneMarker } from './atomic-write';
export { writeDoneFile } from './done-file';
export { DEFAULT_QUEUE_NAME, QUEUE_PREFIX, type DatasetJob, type StoredJobData } from './dataset-job';
export { createQueue, type CreateQueueOptions, type DatasetQueue, type EnqueueResult, type FailedJob, type WaitProgressEvent, type WaitResult } from './create-queue';
export { queueStatus, type QueueStatus } from './queue-status';
export { createWorker, type CreateWorkerOptions, type DatasetWorker, type JobContext, type JobProcessor, type WorkerEvent } from './create-worker';
export { createEvalProcessor, createQueueScoring, EVAL_JOB_KIND, EVAL_JOBS_FOLDER, type EvalJobConfig, type EvalJobPayload, type EvalProcessor, type QueueScoring, type QueueScoringOptions } from './eval-jobs';
