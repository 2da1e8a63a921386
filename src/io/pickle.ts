// A restricted unpickler: Python's pickle format (protocols 2–5) reduced to
// what a tensor state dict needs. A pickle is a program for a stack machine
// that may import and call any Python function (GLOBAL + REDUCE), which is
// how a hostile .pth file runs `os.system`. Here nothing is ever imported or
// run: the opcodes are interpreted over plain values, GLOBAL may name only
// the callables the caller allows (a typed stand-in implements each), and
// every other opcode or global is refused with its byte offset — before any
// of its effects could matter, since there are none.

/** Values a pickle can build here. */
export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PickleList
  | PickleTuple
  | PickleDict
  | PickleGlobal
  | PickleObject;

export interface PickleList { readonly kind: 'list'; readonly items: PickleValue[] }
export interface PickleTuple { readonly kind: 'tuple'; readonly items: readonly PickleValue[] }
export type PickleKey = string | number | bigint | boolean | null;
export interface PickleDict { readonly kind: 'dict'; readonly entries: Map<PickleKey, PickleValue> }
/** An allowed global, as pushed by GLOBAL: called by REDUCE, or passed as data (torch.FloatStorage in a persistent id). */
export interface PickleGlobal { readonly kind: 'global'; readonly module: string; readonly name: string }
/** What an allowed callable or the persistent-id hook returns (a tensor, a storage): opaque to the machine. */
export interface PickleObject { readonly kind: 'object'; readonly type: string; readonly value: unknown }

export class PickleError extends Error {
  constructor(source: string, message: string) {
    super(`${source}: ${message}`);
    this.name = 'PickleError';
  }
}

export interface UnpickleOptions {
  /** Names the file in errors. */
  readonly source: string;
  /** `module.name` → what REDUCE on it builds; a GLOBAL of any other name is refused. */
  readonly globals: ReadonlyMap<string, ((args: readonly PickleValue[]) => PickleValue) | null>;
  /** BINPERSID: the persistent id (a tuple) → the object it names (torch: a storage). Absent: persistent ids are refused. */
  readonly persistentLoad?: (pid: PickleValue) => PickleValue;
  /** Explains a refused global (e.g. that a whole pickled model is not a state dict). */
  readonly refusedGlobalHint?: (qualified: string) => string;
}

const MARK = Symbol('mark');
type Slot = PickleValue | typeof MARK;

const OPNAMES: Record<number, string> = {
  0x28: 'MARK', 0x2e: 'STOP', 0x30: 'POP', 0x31: 'POP_MARK', 0x32: 'DUP', 0x4e: 'NONE', 0x88: 'NEWTRUE', 0x89: 'NEWFALSE',
  0x4a: 'BININT', 0x4b: 'BININT1', 0x4d: 'BININT2', 0x8a: 'LONG1', 0x47: 'BINFLOAT', 0x58: 'BINUNICODE', 0x8c: 'SHORT_BINUNICODE',
  0x8d: 'BINUNICODE8', 0x54: 'BINSTRING', 0x55: 'SHORT_BINSTRING', 0x42: 'BINBYTES', 0x43: 'SHORT_BINBYTES', 0x29: 'EMPTY_TUPLE',
  0x74: 'TUPLE', 0x85: 'TUPLE1', 0x86: 'TUPLE2', 0x87: 'TUPLE3', 0x5d: 'EMPTY_LIST', 0x61: 'APPEND', 0x65: 'APPENDS', 0x6c: 'LIST',
  0x7d: 'EMPTY_DICT', 0x64: 'DICT', 0x73: 'SETITEM', 0x75: 'SETITEMS', 0x71: 'BINPUT', 0x72: 'LONG_BINPUT', 0x94: 'MEMOIZE',
  0x68: 'BINGET', 0x6a: 'LONG_BINGET', 0x63: 'GLOBAL', 0x93: 'STACK_GLOBAL', 0x52: 'REDUCE', 0x62: 'BUILD', 0x51: 'BINPERSID',
  0x80: 'PROTO', 0x95: 'FRAME',
};

/** Runs the pickle in `bytes` on plain values and returns what STOP leaves on the stack. */
export function unpickle(bytes: Uint8Array, o: UnpickleOptions): PickleValue {
  return unpickleAt(bytes, 0, o).value;
}

/** One pickle starting at `start` (files that hold several in a row); `end` is the byte after its STOP. */
export function unpickleAt(bytes: Uint8Array, start: number, o: UnpickleOptions): { value: PickleValue; end: number } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: Slot[] = [];
  const memo = new Map<number, PickleValue>();
  let p = start;
  let at = 0;
  const fail = (message: string): never => {
    throw new PickleError(o.source, `pickle byte ${at}: ${message}`);
  };
  const need = (n: number) => {
    if (p + n > bytes.length) fail('truncated pickle (the data ends inside an instruction); the file is damaged');
  };
  const u8 = () => { need(1); return bytes[p++]; };
  const take = (n: number) => { need(n); const b = bytes.subarray(p, p + n); p += n; return b; };
  const utf8 = (b: Uint8Array) => new TextDecoder('utf-8', { fatal: true }).decode(b);
  const pop = (): PickleValue => {
    const v = stack.pop();
    if (v === undefined || v === MARK) fail('stack underflow (malformed pickle)');
    return v as PickleValue;
  };
  const top = (): PickleValue => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) fail('stack underflow (malformed pickle)');
    return v as PickleValue;
  };
  const popMark = (): PickleValue[] => {
    const i = stack.lastIndexOf(MARK);
    if (i < 0) fail('no MARK on the stack (malformed pickle)');
    const items = stack.splice(i) as Slot[];
    return items.slice(1) as PickleValue[];
  };
  const asKey = (k: PickleValue): PickleKey => {
    if (k === null || typeof k === 'string' || typeof k === 'number' || typeof k === 'bigint' || typeof k === 'boolean') return k;
    return fail('a dict key that is not a string or number');
  };
  const setItems = (d: PickleValue, kv: PickleValue[]) => {
    if (typeof d !== 'object' || d === null || !('kind' in d) || d.kind !== 'dict') fail('SETITEM(S) on something that is not a dict');
    if (kv.length % 2) fail('SETITEMS with an odd number of items');
    for (let i = 0; i < kv.length; i += 2) (d as PickleDict).entries.set(asKey(kv[i]), kv[i + 1]);
  };
  const append = (l: PickleValue, items: PickleValue[]) => {
    if (typeof l !== 'object' || l === null || !('kind' in l) || l.kind !== 'list') fail('APPEND(S) on something that is not a list');
    (l as PickleList).items.push(...items);
  };
  const global = (module: string, name: string): PickleGlobal => {
    const q = `${module}.${name}`;
    if (!o.globals.has(q)) {
      const hint = o.refusedGlobalHint?.(q);
      fail(`refused global '${q}': a weights file needs only ${[...o.globals.keys()].filter((k) => !k.endsWith('Storage')).join(', ')} and torch's storage types; this pickle names other Python code (it was not run)${hint ? `; ${hint}` : ''}`);
    }
    return { kind: 'global', module, name };
  };
  const memoKey = (k: number) => {
    if (!memo.has(k)) fail(`memo entry ${k} read before it was written (malformed pickle)`);
    return memo.get(k)!;
  };

  for (;;) {
    at = p;
    const op = u8();
    switch (op) {
      case 0x80: u8(); break; // PROTO n
      case 0x95: take(8); break; // FRAME: a length prefix only
      case 0x2e: { // STOP
        const v = pop();
        return { value: v, end: p };
      }
      case 0x28: stack.push(MARK); break;
      case 0x30: pop(); break;
      case 0x31: popMark(); break;
      case 0x32: stack.push(top()); break;
      case 0x4e: stack.push(null); break;
      case 0x88: stack.push(true); break;
      case 0x89: stack.push(false); break;
      case 0x4a: need(4); stack.push(dv.getInt32(p, true)); p += 4; break;
      case 0x4b: stack.push(u8()); break;
      case 0x4d: need(2); stack.push(dv.getUint16(p, true)); p += 2; break;
      case 0x8a: { // LONG1: n-byte little-endian two's complement
        const b = take(u8());
        let v = 0n;
        for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
        if (b.length && b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
        stack.push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case 0x47: need(8); stack.push(dv.getFloat64(p, false)); p += 8; break;
      case 0x58: { need(4); const n = dv.getUint32(p, true); p += 4; stack.push(utf8(take(n))); break; }
      case 0x8c: stack.push(utf8(take(u8()))); break;
      case 0x8d: { need(8); const n = Number(dv.getBigUint64(p, true)); p += 8; stack.push(utf8(take(n))); break; }
      case 0x54: { need(4); const n = dv.getInt32(p, true); p += 4; if (n < 0) fail('negative string length'); stack.push(new TextDecoder('latin1').decode(take(n))); break; }
      case 0x55: stack.push(new TextDecoder('latin1').decode(take(u8()))); break;
      case 0x42: { need(4); const n = dv.getUint32(p, true); p += 4; stack.push(take(n).slice()); break; }
      case 0x43: stack.push(take(u8()).slice()); break;
      case 0x29: stack.push({ kind: 'tuple', items: [] }); break;
      case 0x74: stack.push({ kind: 'tuple', items: popMark() }); break;
      case 0x85: { const a = pop(); stack.push({ kind: 'tuple', items: [a] }); break; }
      case 0x86: { const b = pop(), a = pop(); stack.push({ kind: 'tuple', items: [a, b] }); break; }
      case 0x87: { const c = pop(), b = pop(), a = pop(); stack.push({ kind: 'tuple', items: [a, b, c] }); break; }
      case 0x5d: stack.push({ kind: 'list', items: [] }); break;
      case 0x6c: stack.push({ kind: 'list', items: popMark() }); break;
      case 0x61: { const v = pop(); append(top(), [v]); break; }
      case 0x65: { const items = popMark(); append(top(), items); break; }
      case 0x7d: stack.push({ kind: 'dict', entries: new Map() }); break;
      case 0x64: { const d: PickleDict = { kind: 'dict', entries: new Map() }; setItems(d, popMark()); stack.push(d); break; }
      case 0x73: { const v = pop(), k = pop(); setItems(top(), [k, v]); break; }
      case 0x75: { const kv = popMark(); setItems(top(), kv); break; }
      case 0x71: memo.set(u8(), top()); break;
      case 0x72: need(4); memo.set(dv.getUint32(p, true), top()); p += 4; break;
      case 0x94: memo.set(memo.size, top()); break;
      case 0x68: stack.push(memoKey(u8())); break;
      case 0x6a: need(4); stack.push(memoKey(dv.getUint32(p, true))); p += 4; break;
      case 0x63: { // GLOBAL "module\nname\n"
        const line = () => {
          const end = bytes.indexOf(0x0a, p);
          if (end < 0) fail('truncated GLOBAL');
          const s = new TextDecoder('latin1').decode(bytes.subarray(p, end));
          p = end + 1;
          return s;
        };
        const module = line();
        stack.push(global(module, line()));
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop(), module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings');
        stack.push(global(module as string, name as string));
        break;
      }
      case 0x52: { // REDUCE: call an allowed global with a tuple of arguments
        const args = pop(), fn = pop();
        if (typeof fn !== 'object' || fn === null || !('kind' in fn) || fn.kind !== 'global') fail('REDUCE on something that is not an allowed global');
        if (typeof args !== 'object' || args === null || !('kind' in args) || args.kind !== 'tuple') fail('REDUCE without an argument tuple');
        const g = fn as PickleGlobal;
        const impl = o.globals.get(`${g.module}.${g.name}`);
        if (!impl) fail(`'${g.module}.${g.name}' is data here, not something to call`);
        stack.push(impl!((args as PickleTuple).items));
        break;
      }
      case 0x62: { // BUILD: object state; only a dict's attributes (a state dict's _metadata), which are dropped
        const state = pop();
        const obj = top();
        const isDict = (v: PickleValue) => typeof v === 'object' && v !== null && 'kind' in v && v.kind === 'dict';
        if (!isDict(obj) || !(isDict(state) || state === null)) fail('BUILD on something other than a dict (only a state dict\'s attributes are accepted)');
        break;
      }
      case 0x51: { // BINPERSID
        const pid = pop();
        if (!o.persistentLoad) fail('persistent ids are not allowed here');
        stack.push(o.persistentLoad!(pid));
        break;
      }
      default:
        fail(`refused opcode ${OPNAMES[op] ?? `0x${op.toString(16).padStart(2, '0')}`}${OPNAMES[op] ? '' : ' (unknown)'}: only the opcodes of a tensor state dict are read`);
    }
  }
}

/** Convenience type guards for readers of the result. */
export const isDict = (v: PickleValue): v is PickleDict => typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && v.kind === 'dict';
export const isTuple = (v: PickleValue): v is PickleTuple => typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && v.kind === 'tuple';
export const isObject = (v: PickleValue, type: string): v is PickleObject => typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && v.kind === 'object' && v.type === type;
export const isGlobal = (v: PickleValue): v is PickleGlobal => typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && v.kind === 'global';
