import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { hostFloats, LARGE_BUFFER_FLOATS, setLargeBufferAdvisor } from '../../src/tensor/host-memory.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { nativeOrSkip } from '../helpers/native.js';

describe('host buffers', () => {
  const installed = setLargeBufferAdvisor(null);
  after(() => setLargeBufferAdvisor(installed));

  it('offers large buffers, and only those, to the advisor before anything writes them', () => {
    const seen: { length: number; zeros: boolean }[] = [];
    setLargeBufferAdvisor((b) => seen.push({ length: b.length, zeros: b.every((v) => v === 0) }));
    const small = hostFloats(LARGE_BUFFER_FLOATS - 1);
    const large = Tensor.zeros([LARGE_BUFFER_FLOATS / 4, 4]);
    assert.equal(small.length, LARGE_BUFFER_FLOATS - 1);
    assert.equal(large.size, LARGE_BUFFER_FLOATS);
    assert.deepEqual(seen, [{ length: LARGE_BUFFER_FLOATS, zeros: true }]);
    assert.ok(large.data.every((v) => v === 0));
    setLargeBufferAdvisor(null);
    hostFloats(2 * LARGE_BUFFER_FLOATS);
    assert.equal(seen.length, 1, 'no advisor: plain allocation');
  });

  const addon = nativeOrSkip();
  if (addon && process.platform === 'linux') {
    it('native advice covers the whole 2 MiB pages inside a buffer, and Linux backs them with huge pages where it offers them', () => {
      const MiB = 1 << 20;
      assert.equal(addon.adviseHugePages(new Float32Array(MiB / 4)), 0, 'a 1 MiB buffer holds no whole huge page');
      const n = (64 * MiB) / 4;
      const before = anonHugeKb();
      const b = new Float32Array(n);
      const advised = addon.adviseHugePages(b);
      // 64 MiB from any 4-byte-aligned start: 31 or 32 whole 2 MiB pages.
      assert.ok(advised === 31 * 2 * MiB || advised === 32 * 2 * MiB, `advised ${advised} bytes`);
      b.fill(1);
      const mode = thpMode();
      if (before !== null && (mode === 'always' || mode === 'madvise')) {
        const gained = (anonHugeKb() ?? 0) - before;
        assert.ok(gained >= 2048, `transparent huge pages '${mode}', but only ${gained} kB more in huge pages after touching ${advised} advised bytes`);
      }
      assert.equal(b[n - 1], 1);
    });
  }
});

/** The process's anonymous memory in transparent huge pages (kB), or null where /proc does not say. */
function anonHugeKb(): number | null {
  if (!existsSync('/proc/self/smaps_rollup')) return null;
  const m = /AnonHugePages:\s+(\d+) kB/.exec(readFileSync('/proc/self/smaps_rollup', 'utf8'));
  return m ? Number(m[1]) : null;
}

/** The bracketed mode of /sys/kernel/mm/transparent_hugepage/enabled ('always', 'madvise', 'never'), or null. */
function thpMode(): string | null {
  const f = '/sys/kernel/mm/transparent_hugepage/enabled';
  if (!existsSync(f)) return null;
  return /\[(\w+)\]/.exec(readFileSync(f, 'utf8'))?.[1] ?? null;
}
