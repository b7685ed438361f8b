import { DiffmacError } from '@diffmac/core';
import { MibError } from '@diffmac/mib';
import { SchedulerError } from '@diffmac/scheduler';

/** One offline check of one package; `run` resolves to a short description of what it saw. */
export interface SelfCheck {
  package: string;
  name: string;
  run(signal: AbortSignal): Promise<string>;
}

export interface SelfCheckResult {
  package: string;
  name: string;
  ok: boolean;
  detail: string;
  ms: number;
}

function errorShape(make: () => Error & { code: string }): string {
  const e = make();
  if (!e.code) throw new Error('typed error has no code');
  return `typed errors carry codes (${e.code})`;
}

/** The checks `diffmac selfcheck` runs, one or more per package. */
export const selfChecks: readonly SelfCheck[] = [
  { package: '@diffmac/scheduler', name: 'loads', run: async () => errorShape(() => new SchedulerError('SELFCHECK', 'x')) },
  { package: '@diffmac/mib', name: 'loads', run: async () => errorShape(() => new MibError('SELFCHECK', 'x')) },
  { package: '@diffmac/core', name: 'loads', run: async () => errorShape(() => new DiffmacError('SELFCHECK', 'x')) },
];
