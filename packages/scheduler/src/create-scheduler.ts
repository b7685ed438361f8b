/**
 * `createScheduler(className, config)` and `fromConfig(json)`: the entry points of the class layer.
 */
import { resolveConfig } from './config';
import { SchedulerError } from './errors';
import { findSampler, listSamplers } from './registry';
import type { CreateSchedulerOptions, Scheduler, SchedulerConfig } from './types';

/**
 * Create a scheduler from a diffusers class name and a `scheduler_config.json` object (snake_case
 * keys). Missing keys take diffusers' defaults, unknown keys are reported through `options.logger`,
 * invalid values throw a `SchedulerError` naming the key and the valid choices.
 *
 * @example
 * const s = createScheduler('DPMSolverMultistepScheduler', pipeline.scheduler_config, { logger: { warn: (m) => log(m) } });
 * s.setTimesteps(25);
 */
export function createScheduler(className: string, config: SchedulerConfig = {}, options: CreateSchedulerOptions = {}): Scheduler {
  const entry = typeof className === 'string' ? findSampler(className) : undefined;
  if (!entry) {
    const valid = listSamplers().join(', ');
    throw new SchedulerError('UNKNOWN_SCHEDULER', `Unknown scheduler class ${JSON.stringify(className)}; expected one of ${valid}`, {
      argument: 'className',
      expected: valid,
      received: JSON.stringify(className) ?? String(className),
    });
  }
  return entry.create(resolveConfig(className, config, options.logger));
}

/**
 * Create a scheduler from a config that names its class (`_class_name`), as `toConfig()` returns and
 * diffusers saves it. `fromConfig(s.toConfig())` gives an equal scheduler.
 *
 * @example
 * const copy = fromConfig(s.toConfig());
 * const swapped = fromConfig({ ...s.toConfig(), _class_name: 'EulerDiscreteScheduler' });
 */
export function fromConfig(config: SchedulerConfig, options: CreateSchedulerOptions = {}): Scheduler {
  const className = config?._class_name;
  if (typeof className !== 'string') {
    throw new SchedulerError('INVALID_CONFIG', `Expected a string for config._class_name (one of ${listSamplers().join(', ')}), received ${JSON.stringify(className) ?? 'undefined'}`, {
      argument: 'config._class_name',
      expected: listSamplers().join(', '),
      received: JSON.stringify(className) ?? 'undefined',
    });
  }
  return createScheduler(className, config, options);
}
