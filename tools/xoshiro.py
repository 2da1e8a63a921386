"""Bit-exact Python port of src/tensor/random.ts (xoshiro128** seeded through
splitmix32), limited to what fixtures need: the integer stream and the
dropout keep-mask of fillBernoulli at p = 1/2 (one bit per element). With
it a PyTorch reference applies exactly the dropout masks our trainer draws.
"""
import numpy as np

M = 0xFFFFFFFF


def _splitmix32(x):
    x = (x + 0x9E3779B9) & M
    z = x
    z = ((z ^ (z >> 16)) * 0x85EBCA6B) & M
    z = ((z ^ (z >> 13)) * 0xC2B2AE35) & M
    return (z ^ (z >> 16)) & M


def _rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & M


class Rng:
    def __init__(self, seed, stream=0):
        x = _splitmix32(((seed & M) ^ ((stream * 0x632BE5AB) & M)) & M)
        x = _splitmix32(x ^ ((seed // 0x100000000) & M))
        self.s = [0, 0, 0, 0]
        for i in range(4):
            x = _splitmix32(x)
            self.s[i] = x
        if not any(self.s):
            self.s[0] = 1

    def next_u32(self):
        s0, s1, s2, s3 = self.s
        result = (_rotl((s1 * 5) & M, 7) * 9) & M
        t = (s1 << 9) & M
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = _rotl(s3, 11)
        self.s = [s0, s1, s2, s3]
        return result

    def keep_mask_half(self, n):
        """fillBernoulli(out, 0.5): element i+b of each 32-block is bit b of one draw."""
        out = np.zeros(n, dtype=np.float64)
        for i in range(0, n, 32):
            bits = self.next_u32()
            for b in range(min(32, n - i)):
                out[i + b] = (bits >> b) & 1
        return out
