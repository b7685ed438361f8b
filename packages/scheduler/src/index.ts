/**
 * Diffusion sampler maths, step-for-step equal to diffusers: every common scheduler plus a k-diffusion-style functional layer. No dependencies.
 *
 * @packageDocumentation
 * @module @diffmac/scheduler
 */
export { SchedulerError } from './errors';
// The seeded generators moved to @diffmac/base; re-exported here for one release.
export { createRng, type NoiseSource, type Rng, type RngOptions } from '@diffmac/base';
export type { ConfigValue, CreateSchedulerOptions, Logger, ResolvedConfig, Scheduler, SchedulerConfig, SchedulerConfigJson, StepOptions, StepResult } from './types';
export { BETA_SCHEDULES, CONFIG_SPECS, PREDICTION_TYPES, TIMESTEP_SPACINGS, configBoolean, configClassNames, configNumber, configNumberOrNull, configString, requireSupported, resolveConfig, withConfig, type ConfigSpec, type OptionSpec } from './config';
export { betasForConfig, cosineBetas, cumprodF32, linspaceF32, noiseScheduleForConfig, rescaleZeroTerminalSnr, type NoiseSchedule, type NoiseScheduleOptions } from './noise-schedule';
export { checkNumInferenceSteps, discreteTimesteps, multistepTimesteps, numpyArange, numpyLinspace, roundHalfEven, sigmaFamilyTimesteps, type TimestepSpacing } from './timesteps';
export { betaSigmas, exponentialSigmas, finalSigma, interpolateSigmas, karrasSigmas, logSigmaTable, npInterp, sigmaTable, logMidpointFloat32, sigmaToAlphaSigmaT, sigmaToT, sigmaToTFloat32 } from './sigmas';
export { checkFiniteNumber, checkNonNegative, checkTensor, checkTensorShape, finiteProbe, missingRng, nearTimestep, notReady, throwIfNotFinite, timestepIndex, TIMESTEP_MATCH_TOLERANCE } from './validate';
export { clampInPlace, dynamicThresholdInPlace, epsFromX0, sigmaPredict, vpCombine, vpPredict, type PredictionType } from './maths/prediction';
export { BaseScheduler, perItem } from './schedulers/base';
export { DDIMScheduler, clipOrThreshold, vpStep } from './schedulers/ddim';
export { DDPMScheduler } from './schedulers/ddpm';
export { PNDMScheduler, pndmTransfer } from './schedulers/pndm';
export { LCMScheduler, consistencyScalings, consistencyTimesteps } from './schedulers/lcm';
export { TCDScheduler } from './schedulers/tcd';
export { SigmaSchedulerBase, type SigmaSchedule } from './schedulers/sigma-base';
export { EulerDiscreteScheduler, type EulerStepOptions } from './schedulers/euler';
export { EulerAncestralDiscreteScheduler } from './schedulers/euler-ancestral';
export { HeunDiscreteScheduler } from './schedulers/heun';
export { LMSDiscreteScheduler, type LmsStepOptions } from './schedulers/lms';
export { KDPM2DiscreteScheduler } from './schedulers/kdpm2';
export { betaQuantile, incompleteBeta, logGamma } from './maths/beta-distribution';
export { ancestralSigmas, derivative, eulerAncestralStep, eulerStep, heunCorrect, lmsCoefficients, lmsStep, scaleBySigma } from './maths/k-diffusion';
export { DPMSolverMultistepScheduler, requireCommonSupport, sigmaAddNoise, zeroSnrSafeSchedule } from './schedulers/dpm-solver-multistep';
export { DPMSolverSinglestepScheduler } from './schedulers/dpm-solver-singlestep';
export { UniPCMultistepScheduler } from './schedulers/unipc';
export { DEISMultistepScheduler } from './schedulers/deis';
export { combineInto, dataPredictionInto, noisePredictionInto, vpAlpha, vpLambda, vpQuantitiesInto, vpToVeCoefficientsInPlace, type PredictionKind } from './maths/dpm-solver-core';
export { DPM_COEFFICIENT_COUNT, dpmSolverMultistepCoefficientsInto, dpmSolverMultistepOrder, dpmSolverSinglestepCoefficientsInto, dpmSolverSinglestepOrders, isDataPredictionAlgorithm, isSdeAlgorithm, type DpmAlgorithm, type DpmSolverType } from './maths/dpm-solver';
export { clippedTimestepCount, exponentialIntegratorSchedule, type ExponentialIntegratorScheduleOptions, type FinalSigmaRule } from './maths/dpm-solver-schedule';
export { createUniPCScratch, uniPCCoefficientsInto, uniPCOrder, type UniPCScratch, type UniPCSolverType } from './maths/unipc';
export { deisCoefficientsInto, deisOrder } from './maths/deis';
export type { Denoiser, DiffusionModel, FunctionalSamplerName, MultistepSampleOptions, SampleOptions, SampleStepEvent } from './functional/types';
export { epsilonDenoiser, modelDenoiser, sampleDenoiser, vPredictionDenoiser, type ModelDenoiserOptions } from './functional/denoisers';
export { sampleEuler } from './functional/euler';
export { sampleEulerAncestral } from './functional/euler-ancestral';
export { sampleHeun } from './functional/heun';
export { sampleLms, type LmsSampleOptions } from './functional/lms';
export { sampleDpmpp2m, sampleDpmpp2mSde, sampleDpmpp3m, sampleDpmpp3mSde } from './functional/dpm-solver';
export { sampleUniPC, type UniPCSampleOptions } from './functional/unipc';
export { sampleDeis, type DeisSampleOptions } from './functional/deis';
export { FUNCTIONAL_SAMPLERS, sample, type FunctionalSampleOptions, type FunctionalSamplerEntry } from './functional/sample';
export { functionalSigmas } from './functional/sigmas';
export { SAMPLERS, findSampler, listSamplers, type SamplerEntry } from './registry';
export { createScheduler, fromConfig } from './create-scheduler';
