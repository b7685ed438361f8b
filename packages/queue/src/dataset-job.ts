/**
 * One item of a dataset run: what a worker does with it is chosen by `kind`; it is finished when
 * its `donePath` file exists and names the job (see `isJobDone`).
 */
export interface DatasetJob<P = unknown> {
  /** From `datasetJobId`: the input's path, content hash and the run's options. */
  id: string;
  /** Which processor runs it (`restore`, `eval`, ...). */
  kind: string;
  /** The item's name (the image's file stem), for progress and status lines. */
  name: string;
  /** The file the worker writes last, atomically, carrying `{ queue: { jobId } }`. */
  donePath: string;
  /** Plain JSON the processor needs (paths on the shared storage, options). */
  payload: P;
}

/** What BullMQ stores per job. */
export interface StoredJobData<P = unknown> {
  name: string;
  donePath: string;
  payload: P;
}

/** Default BullMQ queue name (one Redis database can hold several with other names). */
export const DEFAULT_QUEUE_NAME = 'diffmac';

/** Key prefix of every BullMQ key this package writes. */
export const QUEUE_PREFIX = 'diffmac';
