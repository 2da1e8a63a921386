/**
 * Seeded, platform-independent random numbers: xoshiro128** (Blackman &
 * Vigna) seeded through splitmix32. Only 32-bit integer operations
 * (Math.imul, shifts) touch the state, so a seed yields the same stream on
 * every machine and every JavaScript engine. Normals use the Box-Muller
 * transform; Math.log/Math.cos in V8 are fdlibm ports, so normals are
 * reproducible across V8 platforms too.
 *
 * Used for initialisation (§3), dropout masks and data augmentation (§5).
 * The full state (`getState`/`setState`) is small and JSON-serialisable so
 * a checkpoint can resume a run exactly.
 */
export interface RngState {
  readonly s: readonly [number, number, number, number];
  /** The second Box-Muller normal, kept so a resumed stream continues exactly. */
  readonly spare: number | null;
}

function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | null = null;

  /** `stream` selects one of many independent streams for the same seed (e.g. init vs dropout). */
  constructor(seed: number, stream = 0) {
    if (!Number.isInteger(seed) || !Number.isInteger(stream)) {
      throw new RangeError(`Rng: seed and stream must be integers (got ${seed}, ${stream})`);
    }
    // Mix both halves of a possibly 53-bit seed and the stream id.
    let x = splitmix32((seed >>> 0) ^ Math.imul(stream, 0x632be5ab));
    x = splitmix32(x ^ Math.floor(seed / 0x100000000));
    this.s0 = x = splitmix32(x);
    this.s1 = x = splitmix32(x);
    this.s2 = x = splitmix32(x);
    this.s3 = splitmix32(x);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 24 bits: exactly representable in float32. */
  uniform(): number {
    return (this.nextUint32() >>> 8) * 5.960464477539063e-8;
  }

  /** Uniform in [0, 1) with 53 bits. */
  uniform53(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) * 1.1102230246251565e-16;
  }

  /** Integer in [0, n), without modulo bias. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 0x100000000) throw new RangeError(`Rng.int: n must be an integer in [1, 2^32], got ${n}`);
    const limit = 0x100000000 - (0x100000000 % n);
    for (;;) {
      const r = this.nextUint32();
      if (r < limit) return r % n;
    }
  }

  /** Standard normal N(0, 1). */
  normal(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    const u1 = 1 - this.uniform53(); // (0, 1]: log is finite
    const u2 = this.uniform53();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.uniform53() < p;
  }

  fillUniform(out: Float32Array, low = 0, high = 1): Float32Array {
    const w = high - low;
    for (let i = 0; i < out.length; i++) out[i] = low + w * this.uniform();
    return out;
  }

  fillNormal(out: Float32Array, mean = 0, std = 1): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = mean + std * this.normal();
    return out;
  }

  /**
   * 1 with probability p, else 0: a dropout keep-mask when p is the keep
   * probability. One 32-bit draw per element (p is resolved to 2⁻³²), or one
   * bit per element when p = 1/2, since masks for fc6 and fc7 are drawn every
   * training step.
   */
  fillBernoulli(out: Float32Array, p: number): Float32Array {
    const threshold = Math.round(Math.min(Math.max(p, 0), 1) * 0x100000000);
    if (threshold === 0x80000000) {
      // p = 1/2 (the paper's dropout): each bit of a draw is a fair coin, 32 elements a draw.
      for (let i = 0; i < out.length; i += 32) {
        const bits = this.nextUint32();
        const n = Math.min(32, out.length - i);
        for (let b = 0; b < n; b++) out[i + b] = (bits >>> b) & 1;
      }
      return out;
    }
    for (let i = 0; i < out.length; i++) out[i] = this.nextUint32() < threshold ? 1 : 0;
    return out;
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }

  getState(): RngState {
    return { s: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0], spare: this.spare };
  }

  setState(state: RngState): void {
    const s = state.s;
    if (!Array.isArray(s) || s.length !== 4 || !s.every((v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff)) {
      throw new RangeError('Rng.setState: state.s must be four unsigned 32-bit integers');
    }
    if ((s[0] | s[1] | s[2] | s[3]) === 0) throw new RangeError('Rng.setState: the all-zero state is invalid for xoshiro128**');
    this.s0 = s[0] | 0;
    this.s1 = s[1] | 0;
    this.s2 = s[2] | 0;
    this.s3 = s[3] | 0;
    this.spare = state.spare ?? null;
  }

  static fromState(state: RngState): Rng {
    const r = new Rng(0);
    r.setState(state);
    return r;
  }
}
