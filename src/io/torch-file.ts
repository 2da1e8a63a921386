// PyTorch's torch.save files without Python: a zip holding `<name>/data.pkl`
// (the pickled object, tensors as persistent ids) and one raw little-endian
// storage per tensor as `<name>/data/<key>` (PyTorch ≥ 1.6), or the legacy
// format before it (five pickles in a row — magic number, protocol 1001,
// system info, the object, the storage keys — then each storage as an int64
// element count and its bytes), which older published weights use. The pickle is read by the
// restricted unpickler (pickle.ts) with only the globals a state dict needs;
// a pickle naming anything else (os.system, a model class) is refused.
import { ZipReader, looksLikeZip, type InflateRaw } from './zip.js';
import { isDict, isGlobal, isObject, isTuple, unpickle, unpickleAt, type PickleValue, type UnpickleOptions } from './pickle.js';
import { bf16ToF32, f16ToF32 } from './halffloat.js';

export class TorchFileError extends Error {
  constructor(source: string, message: string) {
    super(`${source}: ${message}`);
    this.name = 'TorchFileError';
  }
}

type StorageDtype = 'F32' | 'F64' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

const STORAGES: Readonly<Record<string, readonly [StorageDtype, number]>> = {
  FloatStorage: ['F32', 4], DoubleStorage: ['F64', 8], HalfStorage: ['F16', 2], BFloat16Storage: ['BF16', 2],
  LongStorage: ['I64', 8], IntStorage: ['I32', 4], ShortStorage: ['I16', 2], CharStorage: ['I8', 1], ByteStorage: ['U8', 1], BoolStorage: ['BOOL', 1],
};

interface StorageRef { readonly dtype: StorageDtype; readonly itemSize: number; readonly key: string; readonly numel: number }
interface TensorRef { readonly storage: StorageRef; readonly offset: number; readonly size: readonly number[]; readonly stride: readonly number[] }

export interface TorchTensor {
  readonly shape: readonly number[];
  /** float32 values in C order (widened from F16/BF16 exactly, rounded from F64). */
  readonly data: Float32Array;
  /** The stored dtype. */
  readonly dtype: 'F32' | 'F64' | 'F16' | 'BF16';
}

export interface TorchStateDict {
  /** In the file's order. */
  readonly tensors: Map<string, TorchTensor>;
  /** Where the dict was: '' (the whole file) or the checkpoint key ('state_dict'). */
  readonly path: string;
}

const ints = (v: PickleValue, what: string, source: string): number[] => {
  if (!isTuple(v) || !v.items.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0)) throw new TorchFileError(source, `${what} is not a tuple of non-negative integers`);
  return v.items as number[];
};

function globalsFor(source: string): Map<string, ((args: readonly PickleValue[]) => PickleValue) | null> {
  const g = new Map<string, ((args: readonly PickleValue[]) => PickleValue) | null>();
  g.set('collections.OrderedDict', (args) => {
    if (args.length) throw new TorchFileError(source, 'OrderedDict called with arguments (not a state dict)');
    return { kind: 'dict', entries: new Map() };
  });
  g.set('torch._utils._rebuild_tensor_v2', (args) => {
    // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
    if (args.length < 4 || !isObject(args[0], 'storage') || typeof args[1] !== 'number') throw new TorchFileError(source, '_rebuild_tensor_v2 with unexpected arguments');
    const size = ints(args[2], 'a tensor size', source), stride = ints(args[3], 'a tensor stride', source);
    if (size.length !== stride.length) throw new TorchFileError(source, `a tensor of size [${size}] has ${stride.length} strides`);
    const t: TensorRef = { storage: args[0].value as StorageRef, offset: args[1], size, stride };
    return { kind: 'object', type: 'tensor', value: t };
  });
  // nn.Parameter in checkpoints: (tensor, requires_grad, backward_hooks)
  g.set('torch._utils._rebuild_parameter', (args) => {
    if (!args.length || !isObject(args[0], 'tensor')) throw new TorchFileError(source, '_rebuild_parameter without a tensor');
    return args[0];
  });
  for (const name of Object.keys(STORAGES)) g.set(`torch.${name}`, null);
  return g;
}

function persistentLoad(source: string) {
  return (pid: PickleValue): PickleValue => {
    // ('storage', torch.FloatStorage, key, location, numel[, view_metadata (legacy format)])
    if (!isTuple(pid) || pid.items.length < 5 || pid.items[0] !== 'storage') throw new TorchFileError(source, 'a persistent id that is not a tensor storage');
    const [, type, key, , numel, view] = pid.items;
    if (view !== undefined && view !== null) throw new TorchFileError(source, 'a legacy storage view (view_metadata) is not supported; re-save the file with a current PyTorch');
    if (!isGlobal(type) || type.module !== 'torch' || !STORAGES[type.name]) throw new TorchFileError(source, 'a storage of an unknown type');
    if (typeof key !== 'string' || !/^\d+$/.test(key) || typeof numel !== 'number' || !Number.isInteger(numel) || numel < 0) throw new TorchFileError(source, 'a storage with a malformed key or size');
    const [dtype, itemSize] = STORAGES[type.name];
    const s: StorageRef = { dtype, itemSize, key, numel };
    return { kind: 'object', type: 'storage', value: s };
  };
}

/** The one `<prefix>/data.pkl` of the archive (prefix: `archive`, or the saved file's name). */
function archivePrefix(zip: ZipReader, source: string): string {
  const pkls = [...zip.entries.keys()].filter((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (pkls.length !== 1) throw new TorchFileError(source, pkls.length ? `${pkls.length} data.pkl entries; expected one` : 'a zip, but not a torch.save file (no <name>/data.pkl inside)');
  return pkls[0].slice(0, -'/data.pkl'.length);
}

function materialise(t: TensorRef, raw: Uint8Array, name: string, source: string): TorchTensor {
  const { storage: s } = t;
  if (raw.length !== s.numel * s.itemSize) throw new TorchFileError(source, `${name}: storage ${s.key} has ${raw.length} bytes, ${s.numel} × ${s.itemSize} expected; the file is damaged`);
  if (s.dtype !== 'F32' && s.dtype !== 'F64' && s.dtype !== 'F16' && s.dtype !== 'BF16') throw new TorchFileError(source, `${name} is ${s.dtype}, not a floating-point tensor; weights must be float32, float64, float16 or bfloat16`);
  const n = t.size.reduce((a, b) => a * b, 1);
  let maxIndex = t.offset;
  for (let d = 0; d < t.size.length; d++) if (t.size[d] > 0) maxIndex += (t.size[d] - 1) * t.stride[d];
  if (n > 0 && maxIndex >= s.numel) throw new TorchFileError(source, `${name}: size [${t.size}] with strides [${t.stride}] at offset ${t.offset} reads past its ${s.numel}-element storage; the file is damaged`);
  const copy = new Uint8Array(raw); // aligned
  const all: Float32Array | Float64Array = s.dtype === 'F32' ? new Float32Array(copy.buffer) : s.dtype === 'F64' ? new Float64Array(copy.buffer)
    : s.dtype === 'F16' ? f16ToF32(new Uint16Array(copy.buffer)) : bf16ToF32(new Uint16Array(copy.buffer));
  let contiguous = true;
  for (let d = t.size.length - 1, step = 1; d >= 0; step *= t.size[d], d--) if (t.size[d] !== 1 && t.stride[d] !== step) contiguous = false;
  if (contiguous) return { shape: [...t.size], data: Float32Array.from(all.subarray(t.offset, t.offset + n)), dtype: s.dtype };
  const out = new Float32Array(n);
  // Walk the tensor in C order through its strides (views and transposes are stored as their whole storage).
  const idx = new Array<number>(t.size.length).fill(0);
  for (let i = 0; i < n; i++) {
    let src = t.offset;
    for (let d = 0; d < idx.length; d++) src += idx[d] * t.stride[d];
    out[i] = all[src];
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d] < t.size[d]) break;
      idx[d] = 0;
    }
  }
  return { shape: [...t.size], data: out, dtype: s.dtype };
}

const isTensorDict = (v: PickleValue): boolean => isDict(v) && v.entries.size > 0 && [...v.entries.values()].every((x) => isObject(x, 'tensor'));

const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;

/** The legacy format: the object's pickle and a reader of its storages (by key). */
function readLegacy(bytes: Uint8Array, source: string, o: UnpickleOptions): { root: PickleValue; storage: (key: string) => Uint8Array } {
  const plain: UnpickleOptions = { source, globals: new Map() };
  const magic = unpickleAt(bytes, 0, plain);
  if (magic.value !== LEGACY_MAGIC) throw new TorchFileError(source, 'not a torch.save file (neither a zip archive nor the legacy format\'s magic number); expected a .pth/.pt written by torch.save');
  const proto = unpickleAt(bytes, magic.end, plain);
  if (proto.value !== 1001) throw new TorchFileError(source, `legacy torch.save protocol ${String(proto.value)}; only 1001 is read`);
  const info = unpickleAt(bytes, proto.end, plain);
  if (isDict(info.value) && info.value.entries.get('little_endian') === false) throw new TorchFileError(source, 'saved on a big-endian machine; only little-endian files are read');
  const obj = unpickleAt(bytes, info.end, o);
  const keys = unpickleAt(bytes, obj.end, plain);
  const list = keys.value;
  if (typeof list !== 'object' || list === null || !('kind' in list) || list.kind !== 'list' || !list.items.every((k) => typeof k === 'string')) throw new TorchFileError(source, 'the legacy storage key list is malformed');
  // Storages follow in key order, each an int64 element count and the bytes; their item size comes from the pickle.
  const at = new Map<string, { offset: number; numel: number }>();
  let p = keys.end;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sizes = new Map<string, number>();
  const collect = (v: PickleValue): void => {
    if (isObject(v, 'tensor')) {
      const s = (v.value as TensorRef).storage;
      sizes.set(s.key, s.itemSize);
    } else if (isDict(v)) for (const x of v.entries.values()) collect(x);
  };
  collect(obj.value);
  for (const key of list.items as string[]) {
    if (p + 8 > bytes.length) throw new TorchFileError(source, `truncated: storage ${key} starts past the end of the file; download or copy it again`);
    const numel = Number(dv.getBigInt64(p, true));
    const item = sizes.get(key) ?? 4;
    if (numel < 0 || p + 8 + numel * item > bytes.length) throw new TorchFileError(source, `truncated: storage ${key} (${numel} elements) runs past the end of the file; download or copy it again`);
    at.set(key, { offset: p + 8, numel });
    p += 8 + numel * item;
  }
  return {
    root: obj.value,
    storage: (key) => {
      const s = at.get(key);
      if (!s) throw new TorchFileError(source, `storage ${key} is not in the file's storage list; the file is damaged`);
      return bytes.subarray(s.offset, s.offset + s.numel * (sizes.get(key) ?? 4));
    },
  };
}

/**
 * The state dict of a torch.save file: the whole file when it is a dict of
 * tensors, else the `state_dict` (or `model_state_dict`) entry of a checkpoint.
 */
export function readTorchStateDict(bytes: Uint8Array, source: string, inflateRaw?: InflateRaw): TorchStateDict {
  const options = (pkl: string): UnpickleOptions => ({
    source: pkl ? `${source} (${pkl})` : source,
    globals: globalsFor(source),
    persistentLoad: persistentLoad(source),
    refusedGlobalHint: (q) => (/^torch\.nn\.|^torchvision\.|^__main__\./.test(q)
      ? `it holds a pickled model object (${q}), not a state dict; in Python save torch.save(model.state_dict(), 'weights.pth')`
      : ''),
  });
  let root: PickleValue;
  let storage: (key: string) => Uint8Array;
  if (looksLikeZip(bytes)) {
    const zip = new ZipReader(bytes, source, inflateRaw);
    const prefix = archivePrefix(zip, source);
    const order = zip.entries.has(`${prefix}/byteorder`) ? new TextDecoder().decode(zip.read(`${prefix}/byteorder`)).trim() : 'little';
    if (order !== 'little') throw new TorchFileError(source, `storages are ${order}-endian; only little-endian files are read`);
    root = unpickle(zip.read(`${prefix}/data.pkl`), options(`${prefix}/data.pkl`));
    storage = (key) => zip.read(`${prefix}/data/${key}`);
  } else if (bytes.length >= 2 && bytes[0] === 0x80 && bytes[1] <= 5) {
    ({ root, storage } = readLegacy(bytes, source, options('')));
  } else {
    throw new TorchFileError(source, 'not a torch.save file (not a zip archive); expected a .pth/.pt written by torch.save');
  }
  let dict: PickleValue = root;
  let path = '';
  if (!isTensorDict(root)) {
    const key = isDict(root) ? ['state_dict', 'model_state_dict'].find((k) => isTensorDict(root.entries.get(k) ?? null)) : undefined;
    if (!key || !isDict(root)) {
      const keys = isDict(root) ? [...root.entries.keys()].map(String).slice(0, 10).join(', ') : typeof root;
      throw new TorchFileError(source, `no state dict: expected a dict of tensors, or a checkpoint with a 'state_dict' entry; found ${isDict(root) ? `keys ${keys}` : keys}`);
    }
    dict = root.entries.get(key)!;
    path = key;
  }
  const tensors = new Map<string, TorchTensor>();
  for (const [k, v] of (dict as { entries: Map<unknown, PickleValue> }).entries) {
    const name = String(k);
    const t = (v as { value: TensorRef }).value;
    tensors.set(name, materialise(t, storage(t.storage.key), name, source));
  }
  return { tensors, path };
}
