/** The golden data folder in use (absolute path): $DIFFMAC_GOLDEN, else ../shared/golden if present, else the repository's golden/. */
export function goldenRoot(): string;
/** A path inside the golden data, e.g. goldenPath('metrics', 'expected.json'). */
export function goldenPath(...parts: string[]): string;
/** A folder inside the golden data as a file URL ending in '/'. */
export function goldenUrl(...parts: string[]): URL;
/** Whether the folder in use is the repository's own copy (which leaves out non-redistributable cases). */
export function usingVendoredGolden(): boolean;
