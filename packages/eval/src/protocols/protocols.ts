import { DiffmacError } from '@diffmac/base';
import type { AngleUnit } from '../identity/identity';
import type { ChannelOrder } from '../lpips/image-tensor';

/** The evaluation conventions of the field, by name (PROTOCOLS.md §3). */
export type ProtocolName = 'basicsr' | 'vqfr' | 'restoreformer++' | 'pmrf';

/** What a protocol fixes. Every number a protocol produced should be reported with its name. */
export interface Protocol {
  readonly name: ProtocolName;
  /** One line: whose scripts this reproduces. */
  readonly description: string;
  /** What it changes against plain BasicSR, one item per convention. */
  readonly changes: readonly string[];
  /** PSNR/SSIM: match each restored channel's mean and std to the ground truth first (VQFR). */
  readonly meanStdCorrection: boolean;
  /** LPIPS trunk the protocol's papers use (the caller supplies a trunk of that kind). */
  readonly lpipsNet: 'alex' | 'vgg';
  /** Channel order fed to the LPIPS trunk. */
  readonly lpipsChannelOrder: ChannelOrder;
  /** Identity angle unit. */
  readonly identityUnit: AngleUnit;
  /** Pairs whose identity angle is under this many degrees are left out of the mean (VQFR: 1). */
  readonly identityDropBelowDegrees: number | undefined;
}

const table: Readonly<Record<ProtocolName, Protocol>> = {
  basicsr: {
    name: 'basicsr',
    description: "BasicSR's calculate_psnr / calculate_ssim / calculate_niqe as they are: the plain reference",
    changes: ['nothing: RGB (or Y) on the images as given, crop_border 0, mean of per-image scores', 'LPIPS AlexNet on RGB (pyiqa default), identity in degrees over all pairs'],
    meanStdCorrection: false,
    lpipsNet: 'alex',
    lpipsChannelOrder: 'rgb',
    identityUnit: 'degrees',
    identityDropBelowDegrees: undefined,
  },
  vqfr: {
    name: 'vqfr',
    description: "VQFR's metric_paper scripts (calculate_psnr_ssim.py with --correct_mean_var on, calculate_lpips.py, calculate_cos_dist.py)",
    changes: [
      "PSNR/SSIM: each restored channel's mean and std are matched to the ground truth's (twice) before scoring",
      'LPIPS with the VGG trunk',
      'identity angle in degrees; pairs under 1 degree are dropped from the mean (and counted)',
    ],
    meanStdCorrection: true,
    lpipsNet: 'vgg',
    lpipsChannelOrder: 'rgb',
    identityUnit: 'degrees',
    identityDropBelowDegrees: 1,
  },
  'restoreformer++': {
    name: 'restoreformer++',
    description: "RestoreFormer++'s evaluation scripts",
    changes: ['LPIPS with the AlexNet trunk fed BGR channel order, as its script does', 'identity angle in radians, over all pairs'],
    meanStdCorrection: false,
    lpipsNet: 'alex',
    lpipsChannelOrder: 'bgr',
    identityUnit: 'radians',
    identityDropBelowDegrees: undefined,
  },
  pmrf: {
    name: 'pmrf',
    description: "PMRF's evaluation: RGB, no colour correction",
    changes: ['PSNR/SSIM on RGB with no correction', 'LPIPS with the VGG trunk', 'identity in degrees over all pairs'],
    meanStdCorrection: false,
    lpipsNet: 'vgg',
    lpipsChannelOrder: 'rgb',
    identityUnit: 'degrees',
    identityDropBelowDegrees: undefined,
  },
};

/**
 * A named protocol; unknown names get `UNKNOWN_PROTOCOL` listing the valid ones.
 *
 * @example
 * getProtocol('vqfr').meanStdCorrection; // true
 */
export function getProtocol(name: string): Protocol {
  const p = (table as Record<string, Protocol | undefined>)[name];
  if (!p) {
    const valid = Object.keys(table).join(', ');
    throw new DiffmacError('UNKNOWN_PROTOCOL', `Unknown protocol ${JSON.stringify(name)}; valid: ${valid}`, { argument: 'protocol', expected: valid, received: JSON.stringify(name) });
  }
  return p;
}

/**
 * Every protocol, in table order.
 *
 * @example
 * listProtocols().map((p) => p.name); // ['basicsr', 'vqfr', 'restoreformer++', 'pmrf']
 */
export function listProtocols(): Protocol[] {
  return Object.values(table);
}

/**
 * The protocol's rule for leaving scores out of a metric's mean, as a threshold in the metric's
 * own unit (scores strictly under it are dropped and counted), or undefined when every score
 * counts. Today only VQFR has one: identity angles (`deg`) under 1°. The one place the rule is
 * written: the metric API and the folder runner both read it here.
 *
 * @example
 * dropBelowFor(getProtocol('vqfr'), 'deg'); // 1
 * dropBelowFor(getProtocol('vqfr'), 'deg', { unit: 'radians' }); // 0.01745...
 */
export function dropBelowFor(protocol: Protocol, metric: string, override: { unit?: AngleUnit; dropBelowDegrees?: number | null } = {}): number | undefined {
  if (metric !== 'deg') return undefined;
  const degrees = override.dropBelowDegrees === undefined ? protocol.identityDropBelowDegrees : (override.dropBelowDegrees ?? undefined);
  if (degrees === undefined) return undefined;
  return (override.unit ?? protocol.identityUnit) === 'degrees' ? degrees : (degrees * Math.PI) / 180;
}
