// Bit-for-bit mirror of the input generator in tools/fixturelib.py, so fixture
// inputs are regenerated here instead of being stored.

export interface InputSpec {
  readonly shape: number[];
  readonly seed: number;
  readonly kind: 'uniform' | 'quantized' | 'labels' | 'mask';
  readonly scale: number;
  readonly offset?: number;
  readonly levels?: number;
  readonly classes?: number;
  readonly keep?: number;
}

export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hashAt(base: number, i: number): number {
  return fmix32((Math.imul(i, 0x9e3779b1) + base) | 0);
}

function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function generateFloat(spec: InputSpec): Float32Array {
  const n = sizeOf(spec.shape);
  const base = fmix32(spec.seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = (hashAt(base, i) >>> 8) * 2 ** -24;
    switch (spec.kind) {
      case 'uniform': out[i] = (2 * u - 1) * spec.scale + (spec.offset ?? 0); break;
      case 'quantized': out[i] = (Math.floor(u * spec.levels!) / spec.levels!) * spec.scale; break;
      case 'mask': out[i] = u < spec.keep! ? 1 : 0; break;
      default: throw new Error(`generateFloat: kind ${spec.kind} is not a float input`);
    }
  }
  return out;
}

export function generateLabels(spec: InputSpec): Int32Array {
  const n = sizeOf(spec.shape);
  const base = fmix32(spec.seed);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = hashAt(base, i) % spec.classes!;
  return out;
}
