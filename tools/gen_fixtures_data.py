#!/usr/bin/python3
"""Fixtures of the data pipeline's tests (test/data/), made with numpy and PIL:

- test/fixtures/images/{chelsea,coffee,astronaut}.jpg: three real photos from
  scikit-image's data folder (Debian python3-skimage), re-encoded as JPEG to
  keep the repository small; licences in test/fixtures/images/LICENSES.md.
- test/fixtures/data/stats-set/<class>/*.png: small generated 16×16 images
  (RGB and one greyscale), and test/fixtures/data/stats.safetensors: their
  mean image, per-channel mean, RGB covariance and its eigen-decomposition
  computed with numpy — the oracle for the statistics `prepare` computes
  (docs/paper.md §5, PCA lighting).
Run: /usr/bin/python3 tools/gen_fixtures_data.py (or npm run fixtures).
"""
import json
import struct
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
SKIMAGE = Path('/usr/lib/python3/dist-packages/skimage/data')
IMAGES = ROOT / 'test' / 'fixtures' / 'images'
DATA = ROOT / 'test' / 'fixtures' / 'data'
SIZE = 16


def write_safetensors(path, tensors, metadata):
    header = {'__metadata__': metadata}
    offset, blobs = 0, []
    for name, arr in tensors:
        data = np.ascontiguousarray(arr, dtype=np.float64).tobytes()
        header[name] = {'dtype': 'F64', 'shape': list(arr.shape), 'data_offsets': [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header)
    text += ' ' * ((8 - (8 + len(text)) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text.encode('utf-8') + b''.join(blobs))


def real_photos():
    IMAGES.mkdir(parents=True, exist_ok=True)
    for name in ['chelsea', 'coffee', 'astronaut']:
        Image.open(SKIMAGE / f'{name}.png').convert('RGB').save(IMAGES / f'{name}.jpg', quality=85)


def stats_set():
    rng = np.random.RandomState(20121203)
    images = []  # (class, name, HWC uint8 RGB as prepare sees it)
    for cls in ['a', 'b']:
        d = DATA / 'stats-set' / cls
        d.mkdir(parents=True, exist_ok=True)
        for k in range(4):
            # Correlated channels, so the covariance has a clear eigen-structure.
            base = rng.randint(0, 200, size=(SIZE, SIZE, 1))
            rgb = np.clip(base + rng.randint(0, 56, size=(SIZE, SIZE, 3)) * np.array([1, 0.5, 0.2]), 0, 255).astype(np.uint8)
            if cls == 'b' and k == 3:
                grey = rgb[:, :, 0]
                Image.fromarray(grey, 'L').save(d / f'{k}.png')
                rgb = np.repeat(grey[:, :, None], 3, axis=2)  # prepare replicates greyscale to RGB
            else:
                Image.fromarray(rgb, 'RGB').save(d / f'{k}.png')
            images.append(rgb)
    x = np.stack(images).astype(np.float64)  # [N, H, W, 3]
    mean_image = x.mean(axis=0).transpose(2, 0, 1)  # [3, H, W]
    pixels = x.reshape(-1, 3)
    mean_channel = pixels.mean(axis=0)
    cov = np.cov(pixels, rowvar=False, bias=True)
    values, vectors = np.linalg.eigh(cov)
    order = np.argsort(values)[::-1]
    values, vectors = values[order], vectors[:, order].T  # rows = eigenvectors
    vectors *= np.where(vectors.sum(axis=1, keepdims=True) < 0, -1, 1)  # the sign convention of src/data/stats.ts
    write_safetensors(DATA / 'stats.safetensors', [
        ('mean_image', mean_image), ('mean_channel', mean_channel), ('covariance', cov),
        ('eigenvalues', values), ('eigenvectors', vectors),
    ], {'images': str(len(images)), 'size': str(SIZE), 'provenance': f'tools/gen_fixtures_data.py, numpy {np.__version__}'})


real_photos()
stats_set()
print('wrote', IMAGES, DATA)
