// The native addon for tests: its absence fails the tests (a broken build must
// not pass silently) unless ALEXNET_ALLOW_NO_NATIVE=1 says it is expected.
import { registerNative } from '../../src/backend/select.js';
import type { NativeAddon } from '../../src/backend/native/addon.js';

export function nativeOrSkip(): NativeAddon | null {
  const addon = registerNative();
  if (!(addon instanceof Error)) return addon;
  if (process.env.ALEXNET_ALLOW_NO_NATIVE === '1') {
    console.log(`# native tests skipped: ${addon.message}`);
    return null;
  }
  throw new Error(`native addon unavailable (set ALEXNET_ALLOW_NO_NATIVE=1 where that is expected): ${addon.message}`);
}

/** Instruction-set paths this CPU can run, best first. */
export function isaPaths(addon: NativeAddon): string[] {
  const all = ['avx512', 'avx2', 'generic'];
  return all.slice(all.indexOf(addon.info().detectedIsa));
}
