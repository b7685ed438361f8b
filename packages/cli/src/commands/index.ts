import type { Command } from '../command';
import { alignCommand } from './align';
import { bundleCommand } from './bundle';
import { demoCommand } from './demo';
import { degradeCommand } from './degrade';
import { restoreCommand } from './restore';
import { evalCommand } from './eval';
import { selfcheckCommand } from './selfcheck';
import { upscaleCommand } from './upscale';
import { convertCommand } from './convert';

/** Every `diffmac` subcommand, in the order `--help` lists them. */
export const commands: readonly Command[] = [alignCommand, bundleCommand, convertCommand, degradeCommand, demoCommand, evalCommand, restoreCommand, selfcheckCommand, upscaleCommand];
