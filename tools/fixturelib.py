"""Shared pieces of the fixture generators: the counter-based input generator
(mirrored bit-for-bit by test/helpers/hashfill.ts), sampling of large
tensors, and the fixture file (written with safetensors_lite).

Inputs are never stored: both sides regenerate them from (seed, shape, kind,
scale). Outputs are stored as float32, whole when they have at most
SAMPLE_COUNT elements, otherwise as SAMPLE_COUNT elements at jittered,
evenly spread indices (same rule in test/helpers/fixtures.ts) plus the
whole tensor's L2 norm in the metadata.
"""
import json

import numpy as np

from safetensors_lite import write_safetensors

SAMPLE_COUNT = 32768  # a power of two: k*N/SAMPLE_COUNT is exact in float64 on the TypeScript side
M32 = np.uint64(0xFFFFFFFF)


def fmix32(h):
    """MurmurHash3's 32-bit finaliser on a uint32 array (wrapping arithmetic)."""
    h = np.asarray(h, dtype=np.uint32).copy()
    h ^= h >> np.uint32(16)
    h = (h.astype(np.uint64) * np.uint64(0x85EBCA6B) & M32).astype(np.uint32)
    h ^= h >> np.uint32(13)
    h = (h.astype(np.uint64) * np.uint64(0xC2B2AE35) & M32).astype(np.uint32)
    h ^= h >> np.uint32(16)
    return h


def hash_u32(seed, n):
    """h_i = fmix32(i * 0x9E3779B1 + fmix32(seed)) for i in [0, n)."""
    base = np.uint64(int(fmix32(np.array([seed], dtype=np.uint32))[0]))
    i = np.arange(n, dtype=np.uint64)
    return fmix32(((i * np.uint64(0x9E3779B1) + base) & M32).astype(np.uint32))


def generate(spec):
    """Regenerates one input from its recipe: {shape, seed, kind, scale, offset?, levels?, classes?, keep?}."""
    shape = spec["shape"]
    n = int(np.prod(shape)) if shape else 1
    h = hash_u32(spec["seed"], n)
    u = (h >> np.uint32(8)).astype(np.float64) * 2.0 ** -24  # exact 24-bit uniform in [0, 1)
    kind = spec["kind"]
    if kind == "uniform":  # offset + scale * U[-1, 1)
        v = (2.0 * u - 1.0) * spec["scale"] + spec.get("offset", 0.0)
        return v.astype(np.float32).reshape(shape)
    if kind == "quantized":  # few distinct values, so max pooling meets ties
        levels = spec["levels"]
        v = np.floor(u * levels) / levels * spec["scale"]
        return v.astype(np.float32).reshape(shape)
    if kind == "labels":
        return (h % np.uint32(spec["classes"])).astype(np.int32).reshape(shape)
    if kind == "mask":
        return (u < spec["keep"]).astype(np.float32).reshape(shape)
    raise ValueError(kind)


def sample_indices(n):
    step = n // SAMPLE_COUNT
    k = np.arange(SAMPLE_COUNT, dtype=np.int64)
    jitter = fmix32(k.astype(np.uint32)).astype(np.int64) % step
    return (k * n) // SAMPLE_COUNT + jitter


class FixtureFile:
    """Collects cases for one op and writes them as one safetensors file."""

    def __init__(self, op):
        self.op = op
        self.cases = []
        self.tensors = []  # (name, float32/int32 array)

    def add(self, name, attrs, inputs, outputs):
        outs = {}
        for key, value in outputs.items():
            arr = np.asarray(value, dtype=np.float64)
            flat = arr.reshape(-1)
            entry = {"shape": list(arr.shape), "norm": float(np.linalg.norm(flat))}
            if flat.size > SAMPLE_COUNT:
                entry["sampled"] = True
                flat = flat[sample_indices(flat.size)]
            else:
                entry["sampled"] = False
            self.tensors.append((f"{name}/{key}", flat.astype(np.float32)))
            outs[key] = entry
        self.cases.append({"name": name, "attrs": attrs, "inputs": inputs, "outputs": outs})

    def write(self, path, provenance):
        write_safetensors(path, self.tensors, {"op": self.op, "cases": json.dumps(self.cases), "provenance": provenance})
