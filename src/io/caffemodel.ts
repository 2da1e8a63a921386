// Caffe's .caffemodel (a NetParameter protobuf) and .binaryproto (a
// BlobProto, e.g. ilsvrc_2012_mean.binaryproto), read with the schemaless
// wire reader. Field numbers from caffe.proto:
//   NetParameter   name 1, layers 2 (V1LayerParameter, the 2014 format of
//                  bvlc_alexnet.caffemodel), layer 100 (LayerParameter)
//   LayerParameter name 1, type 2 (string), blobs 7
//   V1LayerParameter name 4, type 5 (enum), blobs 6
//   BlobProto      num 1, channels 2, height 3, width 4 (legacy 4-D shape),
//                  data 5 (float), shape 7 (BlobShape: dim 1), double_data 8
import { readMessage, readDoubles, readFloats, readVarints, fieldString, ProtobufError, type ProtoField } from './protobuf-reader.js';

export interface CaffeBlob {
  /** BlobShape dims, else the legacy (num, channels, height, width). */
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface CaffeLayer {
  readonly name: string;
  /** LayerParameter.type ('Convolution'), or the V1 enum number as a string. */
  readonly type: string;
  readonly blobs: readonly CaffeBlob[];
}

export interface CaffeNet {
  readonly name: string;
  readonly layers: readonly CaffeLayer[];
}

function concatFloats(parts: Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0];
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** One BlobProto message. */
export function readBlob(buf: Uint8Array, source: string, base = 0): CaffeBlob {
  const legacy = [1, 1, 1, 1];
  let hasLegacy = false;
  let shape: number[] | null = null;
  const floats: Float32Array[] = [];
  const doubles: Float64Array[] = [];
  for (const f of readMessage(buf, source, base)) {
    if (f.field >= 1 && f.field <= 4 && f.varint !== undefined) {
      legacy[f.field - 1] = Number(f.varint);
      hasLegacy = true;
    } else if (f.field === 5) floats.push(readFloats(f, source));
    else if (f.field === 8) doubles.push(readDoubles(f, source));
    else if (f.field === 7 && f.bytes) {
      shape = [];
      for (const d of readMessage(f.bytes, source, f.offset)) if (d.field === 1) shape.push(...readVarints(d, source));
    }
  }
  const data = floats.length ? concatFloats(floats) : doubles.length ? Float32Array.from(doubles.flatMap((d) => Array.from(d))) : new Float32Array(0);
  const dims = shape ?? (hasLegacy ? legacy : [data.length]);
  const n = dims.reduce((a, b) => a * b, 1);
  if (n !== data.length) throw new ProtobufError(source, `a blob of shape [${dims.join(', ')}] holds ${data.length} values, expected ${n}; the file is damaged`);
  return { shape: dims, data };
}

function readLayer(f: ProtoField, v1: boolean, source: string): CaffeLayer {
  let name = '', type = '';
  const blobs: CaffeBlob[] = [];
  for (const g of readMessage(f.bytes!, source, f.offset)) {
    if (g.field === (v1 ? 4 : 1) && g.bytes) name = fieldString(g);
    else if (g.field === (v1 ? 5 : 2)) type = v1 ? String(g.varint ?? '') : fieldString(g);
    else if (g.field === (v1 ? 6 : 7) && g.bytes) blobs.push(readBlob(g.bytes, source, g.offset));
  }
  return { name, type, blobs };
}

/** The layers of a .caffemodel, in file order (V1 and current layers alike). */
export function readCaffeModel(bytes: Uint8Array, source: string): CaffeNet {
  let name = '';
  const layers: CaffeLayer[] = [];
  for (const f of readMessage(bytes, source)) {
    if (f.field === 1 && f.bytes) name = fieldString(f);
    else if ((f.field === 2 || f.field === 100) && f.bytes) layers.push(readLayer(f, f.field === 2, source));
  }
  if (layers.length === 0) throw new ProtobufError(source, 'no layers: not a .caffemodel (Caffe NetParameter)');
  return { name, layers };
}
