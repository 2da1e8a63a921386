#!/usr/bin/python3
"""Writes data/fashion-mnist-mini/: the first 800 training images of each
class of Fashion-MNIST (8,000) and the first 200 test images of each class
(2,000), as gzipped IDX files in the original format, from Debian's
dataset-fashion-mnist package. Class-balanced so that a short `mini` run sees
every class equally; file order within the subset follows the original files.
Run once: /usr/bin/python3 tools/make_fashion_mnist_mini.py (output committed).
"""
import gzip
import struct
from pathlib import Path

import numpy as np

SRC = Path('/usr/share/datasets/fashion-mnist')
OUT = Path(__file__).resolve().parent.parent / 'data' / 'fashion-mnist-mini'


def read_idx(path):
    with gzip.open(path, 'rb') as f:
        data = f.read()
    ndim = data[3]
    dims = struct.unpack('>' + 'I' * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def write_idx(path, arr):
    header = bytes([0, 0, 0x08, arr.ndim]) + struct.pack('>' + 'I' * arr.ndim, *arr.shape)
    # mtime=0: the same bytes on every run.
    with open(path, 'wb') as raw, gzip.GzipFile(fileobj=raw, mode='wb', compresslevel=9, mtime=0) as f:
        f.write(header + arr.tobytes())


def subset(prefix, out_prefix, per_class):
    images = read_idx(SRC / f'{prefix}-images-idx3-ubyte.gz')
    labels = read_idx(SRC / f'{prefix}-labels-idx1-ubyte.gz')
    keep = np.zeros(len(labels), dtype=bool)
    for c in range(10):
        keep[np.flatnonzero(labels == c)[:per_class]] = True
    write_idx(OUT / f'{out_prefix}-images-idx3-ubyte.gz', images[keep])
    write_idx(OUT / f'{out_prefix}-labels-idx1-ubyte.gz', labels[keep])
    print(out_prefix, int(keep.sum()))


OUT.mkdir(parents=True, exist_ok=True)
subset('train', 'train', 800)
subset('t10k', 't10k', 200)
