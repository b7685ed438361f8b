/**
 * Scheduler configs: per-class defaults exactly as diffusers' constructors have them (snake_case
 * keys), validation of every value, and reporting of unknown keys through an injected logger.
 */
import { SchedulerError } from './errors';
import type { ConfigValue, Logger, ResolvedConfig, SchedulerConfig } from './types';

/** How one config key is checked. */
export type OptionSpec =
  | { readonly kind: 'int'; readonly default: number; readonly min?: number }
  | { readonly kind: 'number'; readonly default: number | null; readonly min?: number; readonly max?: number; readonly positive?: boolean; readonly nullable?: boolean; readonly allowInfinite?: boolean }
  | { readonly kind: 'boolean'; readonly default: boolean }
  | { readonly kind: 'enum'; readonly default: string | null; readonly choices: readonly (string | null)[] }
  | { readonly kind: 'number-array'; readonly default: readonly number[] | null; readonly nullable?: boolean }
  | { readonly kind: 'int-array'; readonly default: readonly number[] };

/** The options of one scheduler class, by snake_case key. */
export type ConfigSpec = Readonly<Record<string, OptionSpec>>;

const int = (d: number, min = 0): OptionSpec => ({ kind: 'int', default: d, min });
const num = (d: number | null, extra: { min?: number; max?: number; positive?: boolean; nullable?: boolean; allowInfinite?: boolean } = {}): OptionSpec => ({ kind: 'number', default: d, ...extra });
const bool = (d: boolean): OptionSpec => ({ kind: 'boolean', default: d });
const oneOf = (d: string | null, choices: readonly (string | null)[]): OptionSpec => ({ kind: 'enum', default: d, choices });

/** The beta schedules diffusers knows. */
export const BETA_SCHEDULES = ['linear', 'scaled_linear', 'squaredcos_cap_v2'] as const;
/** Prediction types diffusers knows. */
export const PREDICTION_TYPES = ['epsilon', 'v_prediction', 'sample'] as const;
/** Timestep spacings diffusers knows. */
export const TIMESTEP_SPACINGS = ['leading', 'trailing', 'linspace'] as const;

function betas(start: number, end: number, schedule: string, schedules: readonly string[] = BETA_SCHEDULES): Record<string, OptionSpec> {
  return {
    num_train_timesteps: int(1000, 1),
    beta_start: num(start, { min: 0, max: 1 }),
    beta_end: num(end, { min: 0, max: 1 }),
    beta_schedule: oneOf(schedule, schedules),
    trained_betas: { kind: 'number-array', default: null, nullable: true },
  };
}

const prediction = (choices: readonly string[] = PREDICTION_TYPES): Record<string, OptionSpec> => ({ prediction_type: oneOf('epsilon', choices) });
const spacing = (d: string, offset = 0): Record<string, OptionSpec> => ({ timestep_spacing: oneOf(d, TIMESTEP_SPACINGS), steps_offset: int(offset, 0) });
const thresholding = (): Record<string, OptionSpec> => ({
  thresholding: bool(false),
  dynamic_thresholding_ratio: num(0.995, { min: 0, max: 1, positive: true }),
  sample_max_value: num(1.0, { positive: true }),
});
const sigmaFamilies = (): Record<string, OptionSpec> => ({
  use_karras_sigmas: bool(false),
  use_exponential_sigmas: bool(false),
  use_beta_sigmas: bool(false),
});
const flow = (): Record<string, OptionSpec> => ({
  use_flow_sigmas: bool(false),
  flow_shift: num(1.0, { positive: true }),
});
const shifting = (): Record<string, OptionSpec> => ({
  use_dynamic_shifting: bool(false),
  time_shift_type: oneOf('exponential', ['exponential', 'linear']),
});

const lcmLike = (): ConfigSpec => ({
  ...betas(0.00085, 0.012, 'scaled_linear'),
  original_inference_steps: int(50, 1),
  clip_sample: bool(false),
  clip_sample_range: num(1.0, { positive: true }),
  set_alpha_to_one: bool(true),
  steps_offset: int(0, 0),
  ...prediction(),
  ...thresholding(),
  timestep_spacing: oneOf('leading', TIMESTEP_SPACINGS),
  timestep_scaling: num(10.0, { positive: true }),
  rescale_betas_zero_snr: bool(false),
});

/**
 * Per-class config specs, in the order of diffusers' constructor arguments, with diffusers' defaults.
 * Classes of the DPM-Solver family, UniPC and DEIS are listed here too so that every class has one
 * source of defaults.
 */
export const CONFIG_SPECS: Readonly<Record<string, ConfigSpec>> = {
  DDPMScheduler: {
    ...betas(0.0001, 0.02, 'linear', [...BETA_SCHEDULES, 'sigmoid']),
    variance_type: oneOf('fixed_small', ['fixed_small', 'fixed_small_log', 'fixed_large', 'fixed_large_log', 'learned', 'learned_range']),
    clip_sample: bool(true),
    ...prediction(),
    ...thresholding(),
    clip_sample_range: num(1.0, { positive: true }),
    timestep_spacing: oneOf('leading', TIMESTEP_SPACINGS),
    steps_offset: int(0, 0),
    rescale_betas_zero_snr: bool(false),
  },
  DDIMScheduler: {
    ...betas(0.0001, 0.02, 'linear'),
    clip_sample: bool(true),
    set_alpha_to_one: bool(true),
    steps_offset: int(0, 0),
    ...prediction(),
    ...thresholding(),
    clip_sample_range: num(1.0, { positive: true }),
    timestep_spacing: oneOf('leading', TIMESTEP_SPACINGS),
    rescale_betas_zero_snr: bool(false),
  },
  PNDMScheduler: {
    ...betas(0.0001, 0.02, 'linear'),
    skip_prk_steps: bool(false),
    set_alpha_to_one: bool(false),
    prediction_type: oneOf('epsilon', ['epsilon', 'v_prediction']),
    ...spacing('leading'),
  },
  LCMScheduler: lcmLike(),
  TCDScheduler: lcmLike(),
  EulerDiscreteScheduler: {
    ...betas(0.0001, 0.02, 'linear'),
    ...prediction(),
    interpolation_type: oneOf('linear', ['linear', 'log_linear']),
    ...sigmaFamilies(),
    sigma_min: num(null, { nullable: true, positive: true }),
    sigma_max: num(null, { nullable: true, positive: true }),
    timestep_spacing: oneOf('linspace', TIMESTEP_SPACINGS),
    timestep_type: oneOf('discrete', ['discrete', 'continuous']),
    steps_offset: int(0, 0),
    rescale_betas_zero_snr: bool(false),
    final_sigmas_type: oneOf('zero', ['zero', 'sigma_min']),
  },
  EulerAncestralDiscreteScheduler: {
    ...betas(0.0001, 0.02, 'linear'),
    prediction_type: oneOf('epsilon', ['epsilon', 'v_prediction']),
    ...spacing('linspace'),
    rescale_betas_zero_snr: bool(false),
  },
  HeunDiscreteScheduler: {
    ...betas(0.00085, 0.012, 'linear'),
    ...prediction(),
    ...sigmaFamilies(),
    clip_sample: bool(false),
    clip_sample_range: num(1.0, { positive: true }),
    ...spacing('linspace'),
  },
  LMSDiscreteScheduler: {
    ...betas(0.0001, 0.02, 'linear'),
    ...sigmaFamilies(),
    ...prediction(),
    ...spacing('linspace'),
  },
  KDPM2DiscreteScheduler: {
    ...betas(0.00085, 0.012, 'linear'),
    ...sigmaFamilies(),
    ...prediction(),
    ...spacing('linspace'),
  },
  DPMSolverMultistepScheduler: {
    ...betas(0.0001, 0.02, 'linear'),
    solver_order: int(2, 1),
    ...prediction(['epsilon', 'v_prediction', 'sample', 'flow_prediction']),
    ...thresholding(),
    algorithm_type: oneOf('dpmsolver++', ['dpmsolver', 'dpmsolver++', 'sde-dpmsolver', 'sde-dpmsolver++']),
    solver_type: oneOf('midpoint', ['midpoint', 'heun']),
    lower_order_final: bool(true),
    euler_at_final: bool(false),
    ...sigmaFamilies(),
    use_lu_lambdas: bool(false),
    ...flow(),
    final_sigmas_type: oneOf('zero', ['zero', 'sigma_min']),
    lambda_min_clipped: num(-Infinity, { allowInfinite: true }),
    variance_type: oneOf(null, [null, 'learned', 'learned_range']),
    ...spacing('linspace'),
    rescale_betas_zero_snr: bool(false),
    ...shifting(),
  },
  DPMSolverSinglestepScheduler: {
    ...betas(0.0001, 0.02, 'linear'),
    solver_order: int(2, 1),
    ...prediction(['epsilon', 'v_prediction', 'sample', 'flow_prediction']),
    ...thresholding(),
    algorithm_type: oneOf('dpmsolver++', ['dpmsolver', 'dpmsolver++', 'sde-dpmsolver++']),
    solver_type: oneOf('midpoint', ['midpoint', 'heun']),
    lower_order_final: bool(true),
    ...sigmaFamilies(),
    ...flow(),
    final_sigmas_type: oneOf('zero', ['zero', 'sigma_min']),
    lambda_min_clipped: num(-Infinity, { allowInfinite: true }),
    variance_type: oneOf(null, [null, 'learned', 'learned_range']),
    ...shifting(),
  },
  UniPCMultistepScheduler: {
    ...betas(0.0001, 0.02, 'linear'),
    solver_order: int(2, 1),
    ...prediction(['epsilon', 'v_prediction', 'sample', 'flow_prediction']),
    ...thresholding(),
    predict_x0: bool(true),
    solver_type: oneOf('bh2', ['bh1', 'bh2']),
    lower_order_final: bool(true),
    disable_corrector: { kind: 'int-array', default: [] },
    solver_p: oneOf(null, [null]),
    ...sigmaFamilies(),
    ...flow(),
    ...spacing('linspace'),
    final_sigmas_type: oneOf('zero', ['zero', 'sigma_min']),
    rescale_betas_zero_snr: bool(false),
    ...shifting(),
    sigma_min: num(null, { nullable: true, positive: true }),
    sigma_max: num(null, { nullable: true, positive: true }),
    shift_terminal: num(null, { nullable: true }),
  },
  DEISMultistepScheduler: {
    ...betas(0.0001, 0.02, 'linear'),
    solver_order: int(2, 1),
    ...prediction(['epsilon', 'v_prediction', 'sample', 'flow_prediction']),
    ...thresholding(),
    algorithm_type: oneOf('deis', ['deis']),
    solver_type: oneOf('logrho', ['logrho']),
    lower_order_final: bool(true),
    ...sigmaFamilies(),
    ...flow(),
    ...spacing('linspace'),
    ...shifting(),
  },
};

function show(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function invalid(className: string, key: string, expected: string, value: unknown): SchedulerError {
  return new SchedulerError('INVALID_CONFIG', `${className}: expected ${expected} for config.${key}, received ${show(value)}`, {
    argument: `config.${key}`,
    expected,
    received: show(value),
  });
}

/** diffusers writes non-finite floats as strings in some configs; accept them as numbers. */
function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value === 'Infinity' || value === 'inf') return Infinity;
  if (value === '-Infinity' || value === '-inf') return -Infinity;
  return undefined;
}

function checkValue(className: string, key: string, spec: OptionSpec, value: unknown): ConfigValue {
  switch (spec.kind) {
    case 'int': {
      const min = spec.min ?? 0;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw invalid(className, key, `an integer >= ${min}`, value);
      return value;
    }
    case 'number': {
      if (value === null && spec.nullable) return null;
      const v = asNumber(value);
      const expected = [spec.allowInfinite ? 'a number' : 'a finite number', spec.positive ? '> 0' : '', spec.min !== undefined ? `>= ${spec.min}` : '', spec.max !== undefined ? `<= ${spec.max}` : '', spec.nullable ? 'or null' : '']
        .filter(Boolean)
        .join(' ');
      if (v === undefined || Number.isNaN(v) || (!spec.allowInfinite && !Number.isFinite(v))) throw invalid(className, key, expected, value);
      if ((spec.positive && !(v > 0)) || (spec.min !== undefined && v < spec.min) || (spec.max !== undefined && v > spec.max)) throw invalid(className, key, expected, value);
      return v;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw invalid(className, key, 'true or false', value);
      return value;
    case 'enum':
      if (!spec.choices.includes(value as string | null)) throw invalid(className, key, `one of ${spec.choices.map(show).join(', ')}`, value);
      return value as string | null;
    case 'number-array': {
      if (value === null && spec.nullable) return null;
      if (!Array.isArray(value) && !ArrayBuffer.isView(value)) throw invalid(className, key, spec.nullable ? 'an array of finite numbers or null' : 'an array of finite numbers', value);
      const arr = Array.from(value as ArrayLike<unknown>);
      if (!arr.every((x) => typeof x === 'number' && Number.isFinite(x))) throw invalid(className, key, 'an array of finite numbers', value);
      return arr as number[];
    }
    case 'int-array': {
      if (!Array.isArray(value) || !value.every((x) => typeof x === 'number' && Number.isInteger(x))) throw invalid(className, key, 'an array of integers', value);
      return [...(value as number[])];
    }
  }
}

/**
 * The names of the classes that have a config spec.
 *
 * @example
 * configClassNames().includes('DDIMScheduler'); // true
 */
export function configClassNames(): string[] {
  return Object.keys(CONFIG_SPECS);
}

/**
 * Apply diffusers' defaults for `className` to `config`, validate every value, and report unknown
 * keys through `logger` (keys starting with `_`, such as `_class_name`, are metadata and ignored).
 * Values diffusers writes as `"-Infinity"` strings are accepted as numbers.
 *
 * @example
 * const cfg = resolveConfig('DDIMScheduler', { beta_schedule: 'scaled_linear', clip_sample: false, foo: 1 }, { warn: (m) => warnings.push(m) });
 * cfg.set_alpha_to_one; // true (diffusers' default); warnings: ['DDIMScheduler: unknown config key "foo" ignored ...']
 */
export function resolveConfig(className: string, config: SchedulerConfig | undefined, logger?: Logger): ResolvedConfig {
  const spec = CONFIG_SPECS[className];
  if (!spec) {
    throw new SchedulerError('UNKNOWN_SCHEDULER', `Unknown scheduler class ${show(className)}; expected one of ${configClassNames().join(', ')}`, {
      argument: 'className',
      expected: configClassNames().join(', '),
      received: show(className),
    });
  }
  if (config !== undefined && (config === null || typeof config !== 'object' || Array.isArray(config))) {
    throw new SchedulerError('INVALID_CONFIG', `${className}: expected a plain object for config, received ${show(config)}`, { argument: 'config', expected: 'a plain object', received: show(config) });
  }
  const out: Record<string, ConfigValue> = {};
  for (const [key, option] of Object.entries(spec)) {
    const value = config?.[key];
    out[key] = value === undefined ? (option.default as ConfigValue) : checkValue(className, key, option, value);
  }
  for (const key of Object.keys(config ?? {})) {
    if (key.startsWith('_') || key in spec) continue;
    logger?.warn(`${className}: unknown config key "${key}" ignored (known keys: ${Object.keys(spec).join(', ')})`);
  }
  return Object.freeze(out);
}

/**
 * Reject a value diffusers accepts but this port does not implement, naming the key and the
 * implemented values.
 *
 * @example
 * requireSupported('EulerDiscreteScheduler', cfg, 'use_beta_sigmas', [false]); // throws UNSUPPORTED_OPTION when true
 */
export function requireSupported(className: string, config: ResolvedConfig, key: string, supported: readonly ConfigValue[]): void {
  const value = config[key];
  if (supported.some((s) => s === value)) return;
  throw new SchedulerError('UNSUPPORTED_OPTION', `${className}: config.${key} = ${show(value)} is not implemented by @diffmac/scheduler; supported: ${supported.map(show).join(', ')}`, {
    argument: `config.${key}`,
    expected: supported.map(show).join(', '),
    received: show(value),
  });
}

/**
 * Typed read of a resolved config value.
 *
 * @example
 * const T = configNumber(cfg, 'num_train_timesteps'); // 1000
 */
export function configNumber(config: ResolvedConfig, key: string): number {
  const v = config[key];
  if (typeof v !== 'number') throw new SchedulerError('INVALID_CONFIG', `config.${key} is not a number (${show(v)})`, { argument: `config.${key}`, expected: 'a number', received: show(v) });
  return v;
}

/**
 * Typed read of a resolved config value that may be null.
 *
 * @example
 * const smin = configNumberOrNull(cfg, 'sigma_min'); // null unless set
 */
export function configNumberOrNull(config: ResolvedConfig, key: string): number | null {
  const v = config[key];
  return v === null || v === undefined ? null : configNumber(config, key);
}

/**
 * Typed read of a resolved string (enum) value.
 *
 * @example
 * const p = configString(cfg, 'prediction_type'); // 'epsilon'
 */
export function configString(config: ResolvedConfig, key: string): string {
  const v = config[key];
  if (typeof v !== 'string') throw new SchedulerError('INVALID_CONFIG', `config.${key} is not a string (${show(v)})`, { argument: `config.${key}`, expected: 'a string', received: show(v) });
  return v;
}

/**
 * Typed read of a resolved boolean value.
 *
 * @example
 * if (configBoolean(cfg, 'clip_sample')) clamp(x0);
 */
export function configBoolean(config: ResolvedConfig, key: string): boolean {
  return config[key] === true;
}

/**
 * Return a copy of a resolved config with some values replaced (used where diffusers' `set_timesteps`
 * rewrites its own config, e.g. DPM-Solver singlestep's `lower_order_final`).
 *
 * @example
 * const next = withConfig(cfg, { lower_order_final: true });
 */
export function withConfig(config: ResolvedConfig, changes: Readonly<Record<string, ConfigValue>>): ResolvedConfig {
  return Object.freeze({ ...config, ...changes });
}
