import { DiffmacError } from '@diffmac/base';
import type { ByteSource } from './byte-source';

/**
 * What the restricted unpickler asks its caller for: nothing named in a pickle is imported or
 * executed; each GLOBAL, persistent id, REDUCE and BUILD goes through these hooks, which either
 * build plain data or throw a typed error.
 */
export interface PickleHooks {
  /** Resolve `module.name` to a value of the caller's own (or throw `CHECKPOINT_FORBIDDEN_GLOBAL`). */
  global(module: string, name: string): unknown;
  /** Resolve a persistent id (BINPERSID), e.g. torch's `('storage', type, key, location, numel)`. */
  persistentLoad(pid: unknown): unknown;
  /** REDUCE: apply a value returned by `global` to its argument tuple. */
  call(callable: unknown, args: readonly unknown[]): unknown;
  /** BUILD: give `target` its state. */
  build(target: unknown, state: unknown): void;
}

/** A finished pickle: its value and the offset just past its STOP opcode. */
export interface Unpickled {
  readonly value: unknown;
  readonly end: number;
}

const OPCODE_NAMES: Record<number, string> = {
  0x28: 'MARK', 0x2e: 'STOP', 0x30: 'POP', 0x31: 'POP_MARK', 0x32: 'DUP', 0x46: 'FLOAT', 0x49: 'INT', 0x4a: 'BININT',
  0x4b: 'BININT1', 0x4c: 'LONG', 0x4d: 'BININT2', 0x4e: 'NONE', 0x50: 'PERSID', 0x51: 'BINPERSID', 0x52: 'REDUCE',
  0x53: 'STRING', 0x54: 'BINSTRING', 0x55: 'SHORT_BINSTRING', 0x56: 'UNICODE', 0x58: 'BINUNICODE', 0x61: 'APPEND',
  0x62: 'BUILD', 0x63: 'GLOBAL', 0x64: 'DICT', 0x7d: 'EMPTY_DICT', 0x65: 'APPENDS', 0x67: 'GET', 0x68: 'BINGET',
  0x69: 'INST', 0x6a: 'LONG_BINGET', 0x6c: 'LIST', 0x5d: 'EMPTY_LIST', 0x6f: 'OBJ', 0x70: 'PUT', 0x71: 'BINPUT',
  0x72: 'LONG_BINPUT', 0x73: 'SETITEM', 0x74: 'TUPLE', 0x29: 'EMPTY_TUPLE', 0x75: 'SETITEMS', 0x47: 'BINFLOAT',
  0x80: 'PROTO', 0x81: 'NEWOBJ', 0x82: 'EXT1', 0x83: 'EXT2', 0x84: 'EXT4', 0x85: 'TUPLE1', 0x86: 'TUPLE2', 0x87: 'TUPLE3',
  0x88: 'NEWTRUE', 0x89: 'NEWFALSE', 0x8a: 'LONG1', 0x8b: 'LONG4', 0x42: 'BINBYTES', 0x43: 'SHORT_BINBYTES',
  0x8c: 'SHORT_BINUNICODE', 0x8d: 'BINUNICODE8', 0x8e: 'BINBYTES8', 0x8f: 'EMPTY_SET', 0x90: 'ADDITEMS', 0x91: 'FROZENSET',
  0x92: 'NEWOBJ_EX', 0x93: 'STACK_GLOBAL', 0x94: 'MEMOIZE', 0x95: 'FRAME', 0x96: 'BYTEARRAY8', 0x97: 'NEXT_BUFFER',
  0x98: 'READONLY_BUFFER',
};

/**
 * The name of a pickle opcode byte (`'0x..'` for bytes that are no opcode).
 *
 * @example
 * pickleOpcodeName(0x52); // 'REDUCE'
 */
export function pickleOpcodeName(op: number): string {
  return OPCODE_NAMES[op] ?? `0x${op.toString(16).padStart(2, '0')}`;
}

function invalid(message: string, received: string): never {
  throw new DiffmacError('CHECKPOINT_INVALID', message, { argument: 'file', expected: 'a well-formed pickle', received });
}

/** A tuple as the unpickler returns it: a frozen array. */
export type PickleTuple = readonly unknown[];

/**
 * Whether a value came from a pickle tuple (tuples are frozen arrays; lists are not).
 *
 * @example
 * isPickleTuple(Object.freeze([1, 2])); // true
 */
export function isPickleTuple(value: unknown): value is PickleTuple {
  return Array.isArray(value) && Object.isFrozen(value);
}

class Reader {
  private chunk: Uint8Array = new Uint8Array(0);
  private chunkStart = 0;
  constructor(
    private readonly source: ByteSource,
    public pos: number,
  ) {}
  private ensure(n: number): void {
    if (this.pos >= this.chunkStart && this.pos + n <= this.chunkStart + this.chunk.length) return;
    if (this.pos + n > this.source.size) invalid(`Truncated pickle: ${n} bytes needed at offset ${this.pos}`, `${this.source.size} bytes`);
    const length = Math.min(Math.max(n, 65536), this.source.size - this.pos);
    this.chunk = this.source.read(this.pos, length);
    this.chunkStart = this.pos;
  }
  bytes(n: number): Uint8Array {
    if (!(n >= 0) || !Number.isSafeInteger(n)) invalid(`Bad pickle length ${n}`, String(n));
    this.ensure(n);
    const at = this.pos - this.chunkStart;
    this.pos += n;
    return this.chunk.subarray(at, at + n);
  }
  byte(): number {
    return this.bytes(1)[0] as number;
  }
  u16(): number {
    const b = this.bytes(2);
    return (b[0] as number) | ((b[1] as number) << 8);
  }
  u32(): number {
    const b = this.bytes(4);
    return ((b[0] as number) | ((b[1] as number) << 8) | ((b[2] as number) << 16)) + (b[3] as number) * 0x1000000;
  }
  i32(): number {
    const b = this.bytes(4);
    return (b[0] as number) | ((b[1] as number) << 8) | ((b[2] as number) << 16) | ((b[3] as number) << 24);
  }
  u64(): number {
    const lo = this.u32();
    const hi = this.u32();
    const v = hi * 0x100000000 + lo;
    if (!Number.isSafeInteger(v)) invalid('Pickle length does not fit a safe integer', String(v));
    return v;
  }
  line(): string {
    const parts: number[] = [];
    for (;;) {
      const c = this.byte();
      if (c === 0x0a) break;
      parts.push(c);
      if (parts.length > 4096) invalid('Unterminated pickle text line', `${parts.length} bytes`);
    }
    return String.fromCharCode(...parts);
  }
}

function littleSigned(b: Uint8Array): number | bigint {
  if (b.length === 0) return 0;
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i] as number);
  if ((b[b.length - 1] as number) & 0x80) v -= 1n << BigInt(8 * b.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}


/**
 * Run one pickle (protocols 0–5, data opcodes only) from `start` in `source`. Opcodes that would
 * construct arbitrary objects (INST, OBJ, NEWOBJ, NEWOBJ_EX, EXT*, out-of-band buffers) are refused
 * with `CHECKPOINT_FORBIDDEN_OPCODE`; GLOBAL/STACK_GLOBAL, BINPERSID, REDUCE and BUILD go through
 * `hooks`. Dicts become `Map`s (insertion order kept), lists arrays, tuples frozen arrays, bytes
 * `Uint8Array`s, integers numbers (bigint beyond 2^53).
 *
 * @example
 * const { value } = unpickle(bytesSource(pkl), 0, hooks);
 */
export function unpickle(source: ByteSource, start: number, hooks: PickleHooks): Unpickled {
  const r = new Reader(source, start);
  const memo = new Map<number, unknown>();
  let stack: unknown[] = [];
  const marks: unknown[][] = [];
  const pop = (): unknown => {
    if (stack.length === 0) invalid('Pickle stack underflow', `offset ${r.pos}`);
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length === 0) invalid('Pickle stack underflow', `offset ${r.pos}`);
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const items = stack;
    const prev = marks.pop();
    if (prev === undefined) invalid('Pickle MARK missing', `offset ${r.pos}`);
    stack = prev;
    return items;
  };
  const get = (i: number): unknown => {
    if (!memo.has(i)) invalid(`Pickle memo ${i} read before it was written`, String(i));
    return memo.get(i);
  };
  const setItems = (target: unknown, items: unknown[]): void => {
    if (!(target instanceof Map)) invalid('Pickle SETITEM(S) on a non-dict', typeof target);
    if (items.length % 2) invalid('Pickle SETITEMS with an odd item count', String(items.length));
    for (let i = 0; i < items.length; i += 2) target.set(items[i], items[i + 1]);
  };
  const append = (target: unknown, items: unknown[]): void => {
    if (!Array.isArray(target) || Object.isFrozen(target)) invalid('Pickle APPEND(S) on a non-list', typeof target);
    for (const item of items) target.push(item);
  };
  const text = (b: Uint8Array, encoding: 'utf-8' | 'latin1') => new TextDecoder(encoding).decode(b);
  for (;;) {
    const at = r.pos;
    const op = r.byte();
    switch (op) {
      case 0x80: // PROTO
        if (r.byte() > 5) invalid('Unsupported pickle protocol', `offset ${at}`);
        break;
      case 0x95: // FRAME: a length prefix only
        r.u64();
        break;
      case 0x2e: // STOP
        if (marks.length) invalid('Pickle ended inside a MARK', `offset ${at}`);
        return { value: pop(), end: r.pos };
      case 0x28: // MARK
        marks.push(stack);
        stack = [];
        break;
      case 0x30: // POP
        if (stack.length) stack.pop();
        else popMark();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4a: // BININT
        stack.push(r.i32());
        break;
      case 0x4b: // BININT1
        stack.push(r.byte());
        break;
      case 0x4d: // BININT2
        stack.push(r.u16());
        break;
      case 0x8a: // LONG1
        stack.push(littleSigned(r.bytes(r.byte())));
        break;
      case 0x8b: { // LONG4
        const n = r.i32();
        if (n < 0 || n > 64) invalid('Pickle LONG4 too long for a checkpoint', String(n));
        stack.push(littleSigned(r.bytes(n)));
        break;
      }
      case 0x49: { // INT (text; "00"/"01" are False/True)
        const s = r.line();
        stack.push(s === '00' ? false : s === '01' ? true : Number.parseInt(s, 10));
        break;
      }
      case 0x4c: // LONG (text)
        stack.push(Number.parseInt(r.line().replace(/L$/, ''), 10));
        break;
      case 0x46: // FLOAT (text)
        stack.push(Number.parseFloat(r.line()));
        break;
      case 0x47: { // BINFLOAT (big-endian double)
        const b = r.bytes(8);
        stack.push(new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, false));
        break;
      }
      case 0x58: // BINUNICODE
        stack.push(text(r.bytes(r.u32()), 'utf-8'));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(text(r.bytes(r.byte()), 'utf-8'));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(text(r.bytes(r.u64()), 'utf-8'));
        break;
      case 0x54: { // BINSTRING (Python 2 str: read as latin-1)
        const n = r.i32();
        if (n < 0) invalid('Negative BINSTRING length', String(n));
        stack.push(text(r.bytes(n), 'latin1'));
        break;
      }
      case 0x55: // SHORT_BINSTRING
        stack.push(text(r.bytes(r.byte()), 'latin1'));
        break;
      case 0x42: // BINBYTES
        stack.push(r.bytes(r.u32()).slice());
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(r.bytes(r.byte()).slice());
        break;
      case 0x8e: // BINBYTES8
      case 0x96: // BYTEARRAY8
        stack.push(r.bytes(r.u64()).slice());
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push(Object.freeze([]));
        break;
      case 0x74: { // TUPLE (pop the mark before touching `stack`: it is replaced)
        const items = Object.freeze(popMark());
        stack.push(items);
        break;
      }
      case 0x85: // TUPLE1
        stack.push(Object.freeze([pop()]));
        break;
      case 0x86: { // TUPLE2
        const b = pop();
        stack.push(Object.freeze([pop(), b]));
        break;
      }
      case 0x87: { // TUPLE3
        const c = pop();
        const b = pop();
        stack.push(Object.freeze([pop(), b, c]));
        break;
      }
      case 0x6c: { // LIST
        const items = popMark();
        stack.push(items);
        break;
      }
      case 0x64: { // DICT
        const d = new Map();
        setItems(d, popMark());
        stack.push(d);
        break;
      }
      case 0x61: { // APPEND
        const v = pop();
        append(top(), [v]);
        break;
      }
      case 0x65: { // APPENDS
        const items = popMark();
        append(top(), items);
        break;
      }
      case 0x73: { // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: { // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x71: // BINPUT
        memo.set(r.byte(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(r.u32(), top());
        break;
      case 0x70: // PUT (text)
        memo.set(Number.parseInt(r.line(), 10), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
        stack.push(get(r.byte()));
        break;
      case 0x6a: // LONG_BINGET
        stack.push(get(r.u32()));
        break;
      case 0x67: // GET (text)
        stack.push(get(Number.parseInt(r.line(), 10)));
        break;
      case 0x63: { // GLOBAL
        const module = r.line();
        const name = r.line();
        stack.push(hooks.global(module, name));
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') invalid('STACK_GLOBAL needs two strings', `${typeof module}, ${typeof name}`);
        stack.push(hooks.global(module, name));
        break;
      }
      case 0x51: // BINPERSID
        stack.push(hooks.persistentLoad(pop()));
        break;
      case 0x52: { // REDUCE
        const args = pop();
        const fn = pop();
        if (!isPickleTuple(args)) invalid('REDUCE arguments are not a tuple', typeof args);
        stack.push(hooks.call(fn, args));
        break;
      }
      case 0x62: { // BUILD
        const state = pop();
        hooks.build(top(), state);
        break;
      }
      default: {
        const name = pickleOpcodeName(op);
        if (OPCODE_NAMES[op] === undefined) invalid(`Not a pickle opcode: ${name} at offset ${at}`, name);
        throw new DiffmacError('CHECKPOINT_FORBIDDEN_OPCODE', `Refused pickle opcode ${name} at offset ${at}: a checkpoint reader builds data only`, {
          argument: 'file',
          expected: 'data opcodes (dicts, lists, tuples, numbers, strings, allowed globals)',
          received: name,
        });
      }
    }
  }
}
