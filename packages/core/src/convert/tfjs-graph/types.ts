/** The parts of a TFJS graph-model `model.json` the converter reads. */

/** A TensorFlow attribute value as TFJS's JSON stores it (strings are base64). */
interface TfAttr {
  readonly s?: string;
  readonly i?: string | number;
  readonly f?: number;
  readonly b?: boolean;
  readonly type?: string;
  readonly shape?: { readonly dim?: readonly { readonly size?: string | number }[]; readonly unknownRank?: boolean };
  readonly list?: { readonly s?: readonly string[]; readonly i?: readonly (string | number)[]; readonly f?: readonly number[] };
  readonly tensor?: { readonly dtype?: string; readonly tensorShape?: { readonly dim?: readonly { readonly size?: string | number }[] } };
}

/** One node of `modelTopology.node`. */
export interface TfNode {
  readonly name: string;
  readonly op: string;
  readonly input?: readonly string[];
  readonly attr?: Readonly<Record<string, TfAttr>>;
}

/** Where a value of the TF graph lives in the ONNX graph being built. */
export interface GraphValue {
  /** ONNX value name. */
  readonly name: string;
  /** `nchw`: a 4-D TF (NHWC) tensor held transposed to NCHW; `plain`: held in TF's own layout. */
  readonly layout: 'nchw' | 'plain';
  /** Rank in TF terms, when known. */
  readonly rank: number | undefined;
  readonly dtype: 'float32' | 'int64' | 'bool';
  /** For a 1-D value (a shape), its length when known. */
  readonly length?: number | undefined;
  /** The values when this is a constant (TF int32 values are kept here as numbers). */
  readonly constant?: { readonly values: Float32Array | Int32Array; readonly shape: readonly number[] };
}

/** Read a base64 string attribute. */
export function attrString(node: TfNode, key: string): string | undefined {
  const s = node.attr?.[key]?.s;
  return s === undefined ? undefined : Buffer.from(s, 'base64').toString('utf8');
}

/** Read an integer-list attribute. */
export function attrInts(node: TfNode, key: string): number[] | undefined {
  const l = node.attr?.[key]?.list;
  if (!l) return undefined;
  return (l.i ?? []).map((v) => Number(v));
}

/** Read an integer attribute. */
export function attrInt(node: TfNode, key: string): number | undefined {
  const v = node.attr?.[key]?.i;
  return v === undefined ? undefined : Number(v);
}

/** Read a boolean attribute. */
export function attrBool(node: TfNode, key: string): boolean {
  return node.attr?.[key]?.b === true;
}

/** Read a string-list attribute (base64-decoded). */
export function attrStrings(node: TfNode, key: string): string[] {
  return (node.attr?.[key]?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString('utf8'));
}
