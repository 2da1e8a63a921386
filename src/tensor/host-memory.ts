// Host float buffers. A large one (at least LARGE_BUFFER_FLOATS: the fully
// connected weights, their gradients and momenta, batch activations) is
// handed to an advisor while it is still untouched: the native backend
// registers one that asks Linux for transparent huge pages there
// (native/src/memory_advice.cpp says why and what it measured). Without an
// advisor, or for small buffers, this is `new Float32Array(n)`.

/** 4 MiB: at least one whole 2 MiB page lies inside such a buffer wherever it starts. */
export const LARGE_BUFFER_FLOATS = 1 << 20;

export type BufferAdvisor = (buffer: Float32Array) => void;

let advisor: BufferAdvisor | null = null;

/** Installs the advisor for large buffers (null: none); returns the previous one. */
export function setLargeBufferAdvisor(fn: BufferAdvisor | null): BufferAdvisor | null {
  const old = advisor;
  advisor = fn;
  return old;
}

/** `n` zeros, advised before first use where large. */
export function hostFloats(n: number): Float32Array {
  const a = new Float32Array(n);
  if (advisor && n >= LARGE_BUFFER_FLOATS) advisor(a);
  return a;
}
