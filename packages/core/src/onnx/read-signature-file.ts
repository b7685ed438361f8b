/**
 * Read an ONNX file's signature without loading its weights: a small protobuf scanner walks the
 * ModelProto on disk, decodes only the graph's inputs, outputs, initialiser names and the model
 * header, and seeks over everything else (node lists, raw tensor data). A 1.3 GB text encoder is
 * checked with a few hundred kilobytes of reads.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { DiffmacError } from '@diffmac/base';
import { onnxModelSignature, type OnnxModelSignature } from './model-signature';
import { onnx } from './proto';

const WINDOW = 1 << 16;

class FileScanner {
  pos = 0;
  private buffer = new Uint8Array(0);
  private start = 0;

  constructor(
    private readonly fh: FileHandle,
    readonly size: number,
    private readonly source: string,
  ) {}

  corrupt(why: string): DiffmacError {
    return new DiffmacError('ONNX_CORRUPT', `${this.source} is not a valid ONNX model: ${why} at byte ${this.pos}`, {
      argument: this.source,
      expected: 'an ONNX ModelProto',
      received: `${this.size} bytes that do not decode`,
    });
  }

  /** Make [pos, pos + n) readable from the buffer (n at most the window, clipped at end). */
  private async ensure(n: number): Promise<void> {
    const end = Math.min(this.pos + n, this.size);
    if (this.pos >= this.start && end <= this.start + this.buffer.length) return;
    const length = Math.min(Math.max(WINDOW, n), this.size - this.pos);
    const buffer = new Uint8Array(length);
    const { bytesRead } = await this.fh.read(buffer, 0, length, this.pos);
    this.buffer = buffer.subarray(0, bytesRead);
    this.start = this.pos;
  }

  async varint(): Promise<number> {
    await this.ensure(10);
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const index = this.pos - this.start;
      if (index >= this.buffer.length) throw this.corrupt('truncated varint');
      const byte = this.buffer[index]!;
      this.pos++;
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
    throw this.corrupt('overlong varint');
  }

  async bytes(n: number): Promise<Uint8Array> {
    if (this.pos + n > this.size) throw this.corrupt(`field of ${n} bytes past the end`);
    if (n > WINDOW) {
      const out = new Uint8Array(n);
      await this.fh.read(out, 0, n, this.pos);
      this.pos += n;
      return out;
    }
    await this.ensure(n);
    const index = this.pos - this.start;
    this.pos += n;
    return this.buffer.slice(index, index + n);
  }

  /** Skip one field's value of wire type `wire`. */
  async skip(wire: number): Promise<void> {
    if (wire === 0) await this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 5) this.pos += 4;
    else if (wire === 2) {
      const length = await this.varint();
      this.pos += length;
    }
    else throw this.corrupt(`unsupported wire type ${wire}`);
    if (this.pos > this.size) throw this.corrupt('field past the end');
  }
}

async function scanTensorName(s: FileScanner, end: number): Promise<string> {
  let name = '';
  while (s.pos < end) {
    const tag = await s.varint();
    if (tag >>> 3 === 8 && (tag & 7) === 2) name = new TextDecoder().decode(await s.bytes(await s.varint()));
    else await s.skip(tag & 7);
  }
  if (s.pos !== end) throw s.corrupt('tensor overruns its length');
  return name;
}

/**
 * The signature of the ONNX file at `path`, read without loading its weights. Throws
 * `ONNX_CORRUPT` naming `source` (default: the path) when the file is not a model protobuf with a
 * graph.
 *
 * @example
 * const sig = await readOnnxSignatureFile('bundle/text_encoder/model.onnx');
 * sig.inputs; // [{ name: 'input_ids', dtype: 'int32', shape: ['batch', 'sequence'] }]
 */
export async function readOnnxSignatureFile(path: string, source = path): Promise<OnnxModelSignature> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const s = new FileScanner(fh, size, source);
    const model = onnx.ModelProto.create();
    const graph = onnx.GraphProto.create();
    let sawGraph = false;
    const initialisers = new Set<string>();
    while (s.pos < size) {
      const tag = await s.varint();
      const field = tag >>> 3;
      const wire = tag & 7;
      if (field === 0) throw s.corrupt('field number 0');
      if (field === 1 && wire === 0) model.irVersion = await s.varint();
      else if (field === 2 && wire === 2) model.producerName = new TextDecoder().decode(await s.bytes(await s.varint()));
      else if (field === 8 && wire === 2) model.opsetImport.push(onnx.OperatorSetIdProto.decode(await s.bytes(await s.varint())));
      else if (field === 14 && wire === 2) model.metadataProps.push(onnx.StringStringEntryProto.decode(await s.bytes(await s.varint())));
      else if (field === 7 && wire === 2) {
        sawGraph = true;
        const graphLength = await s.varint();
        const end = s.pos + graphLength;
        if (end > size) throw s.corrupt('graph past the end');
        while (s.pos < end) {
          const gtag = await s.varint();
          const gfield = gtag >>> 3;
          const gwire = gtag & 7;
          if (gfield === 0) throw s.corrupt('field number 0');
          if ((gfield === 11 || gfield === 12) && gwire === 2) {
            const info = onnx.ValueInfoProto.decode(await s.bytes(await s.varint()));
            (gfield === 11 ? graph.input : graph.output).push(info);
          } else if (gfield === 5 && gwire === 2) {
            const tensorLength = await s.varint();
            const tensorEnd = s.pos + tensorLength;
            initialisers.add(await scanTensorName(s, tensorEnd));
          } else await s.skip(gwire);
        }
        if (s.pos !== end) throw s.corrupt('graph overruns its length');
      } else await s.skip(wire);
    }
    if (!sawGraph) throw s.corrupt('no graph');
    graph.input = graph.input.filter((i) => !initialisers.has(i.name ?? ''));
    model.graph = graph;
    return onnxModelSignature(model, size, source);
  } catch (error) {
    if (error instanceof DiffmacError) throw error;
    throw new DiffmacError('ONNX_CORRUPT', `${source} is not a valid ONNX model: ${(error as Error).message}`, {
      argument: source,
      expected: 'an ONNX ModelProto',
      cause: error,
    });
  } finally {
    await fh.close();
  }
}
