// The slow checks `npm test` leaves out by default: layer-size cases on a CPU
// Vulkan driver and trainings on the reference kernels, which the fast checks
// cover in smaller shapes or on the native kernels. ALEXNET_TEST_FULL=1 runs
// them too (a few extra minutes on 2 cores).
export const FULL_TESTS = process.env.ALEXNET_TEST_FULL === '1';

/** A skip reason naming the flag, or false when the full checks run. */
export const unlessFull = (what: string): string | false => (FULL_TESTS ? false : `${what}: ALEXNET_TEST_FULL=1 runs it`);
