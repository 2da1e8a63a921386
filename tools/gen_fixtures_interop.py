#!/usr/bin/python3
"""Writes test/fixtures/interop/alexnet.safetensors: whole-network logits from
PyTorch (the oracle) for the torchvision, paper and caffe presets.

Run with Debian's torch:  /usr/bin/python3 tools/gen_fixtures_interop.py  (part of `npm run fixtures`).
Neither the 61M weights nor the input are stored: every tensor is a hash
recipe (tools/fixturelib.py) that the tests regenerate bit for bit, write to a
safetensors file and load through loadWeights. Only the [2, 1000] logits are
stored, computed in float64 from the float32 weights and input.

- torchvision: torchvision.models.alexnet() itself, with the recipe weights.
- paper: built from PyTorch pieces: grouped convolutions, per-column LRN with
  the per-sum α as PyTorch's α·n (lrn_torch), the overhang rule as explicit
  bottom/right zero padding (224 + 3 = 227, so 11×11 stride 4 gives 55), and
  the paper's test-time dropout as a multiplication by 0.5.
- caffe: 227 input, LRN across all channels with α/n and k = 1.

Weights are He-uniform (U[±√(6/fan_in)]) so activations keep their scale
through the ReLUs; conv1 of the LRN presets is scaled up (CONV1_GAIN) so that the LRN inputs are
large enough for α·Σa² to matter next to k — otherwise LRN would be the
identity to within float32 and its α convention would go untested. The
script checks that the wrong α convention or no LRN at all moves the logits.
"""
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixturelib import FixtureFile, generate  # noqa: E402
from gen_fixtures import conv_geometry, lrn_torch  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "interop")
BATCH = 2
CONV1_GAIN = 40.0
BIAS_SCALE = 0.1


def recipes(names_shapes, seed0, conv1_gain=1.0):
    """One hash recipe per tensor: He-uniform weights (the first scaled by conv1_gain), small uniform biases."""
    out = {}
    for i, (name, shape) in enumerate(names_shapes):
        if name.endswith(".bias"):
            scale = BIAS_SCALE
        else:
            scale = math.sqrt(6.0 / int(np.prod(shape[1:])))
            if i == 0:
                scale *= conv1_gain
        out[name] = {"shape": list(shape), "seed": seed0 + i, "kind": "uniform", "scale": scale}
    return out


def tensors(rec):
    return {name: torch.from_numpy(generate(s).astype(np.float64)) for name, s in rec.items()}


# ---------------------------------------------------------------- the presets in PyTorch
def conv(x, w, b, stride=1, padding=(0, 0, 0, 0), groups=1, rule="floor"):
    """Per-side padding and the overhang rule as explicit zero padding, then an unpadded conv (as gen_fixtures.conv_case)."""
    t, bo, le, r, OH, OW = conv_geometry(list(x.shape), list(w.shape), (stride, stride), padding, rule)
    y = F.conv2d(F.pad(x, (le, r, t, bo)), w, b, stride=stride, groups=groups)
    assert tuple(y.shape[2:]) == (OH, OW)
    return y


def two_column_net(x, p, lrn_convention, k, lrn_groups, conv1_rule, test_dropout_scale, lrn_on=True):
    """paper and caffe share the layer list; they differ in LRN, the conv1 output rule and dropout scaling."""
    def norm(h):
        return lrn_torch(h, 5, 1e-4, 0.75, k, lrn_convention, lrn_groups) if lrn_on else h

    h = F.relu(conv(x, p["conv1.weight"], p["conv1.bias"], stride=4, rule=conv1_rule))
    assert h.shape[2] == 55, h.shape
    h = F.max_pool2d(norm(h), 3, 2)
    h = F.relu(conv(h, p["conv2.weight"], p["conv2.bias"], padding=(2, 2, 2, 2), groups=2))
    h = F.max_pool2d(norm(h), 3, 2)
    h = F.relu(conv(h, p["conv3.weight"], p["conv3.bias"], padding=(1, 1, 1, 1)))
    h = F.relu(conv(h, p["conv4.weight"], p["conv4.bias"], padding=(1, 1, 1, 1), groups=2))
    h = F.relu(conv(h, p["conv5.weight"], p["conv5.bias"], padding=(1, 1, 1, 1), groups=2))
    h = F.max_pool2d(h, 3, 2).flatten(1)
    h = F.relu(F.linear(h, p["fc6.weight"], p["fc6.bias"])) * test_dropout_scale
    h = F.relu(F.linear(h, p["fc7.weight"], p["fc7.bias"])) * test_dropout_scale
    return F.linear(h, p["fc8.weight"], p["fc8.bias"])


def two_column_shapes():
    return [
        ("conv1.weight", [96, 3, 11, 11]), ("conv1.bias", [96]),
        ("conv2.weight", [256, 48, 5, 5]), ("conv2.bias", [256]),
        ("conv3.weight", [384, 256, 3, 3]), ("conv3.bias", [384]),
        ("conv4.weight", [384, 192, 3, 3]), ("conv4.bias", [384]),
        ("conv5.weight", [256, 192, 3, 3]), ("conv5.bias", [256]),
        ("fc6.weight", [4096, 9216]), ("fc6.bias", [4096]),
        ("fc7.weight", [4096, 4096]), ("fc7.bias", [4096]),
        ("fc8.weight", [1000, 4096]), ("fc8.bias", [1000]),
    ]


def rel(a, b):
    return float(torch.linalg.norm(a - b) / torch.linalg.norm(b))


def sensitivity(preset, y, variants):
    """Each plausible mistake must move the logits far beyond the tests' 1e-4 tolerance."""
    for what, v in variants.items():
        r = rel(v, y)
        print(f"  {preset}: {what} changes the logits by {r:.3g} (relative)")
        assert r > 1e-3, (preset, what, r)


def two_column_inputs(seed, size):
    """Weight recipes (seeds from `seed`), the input recipe, and both as float64 tensors."""
    rec = recipes(two_column_shapes(), seed, CONV1_GAIN)
    x_spec = {"shape": [BATCH, 3, size, size], "seed": seed + 100, "kind": "uniform", "scale": 1.0}
    return rec, x_spec, tensors(rec), torch.from_numpy(generate(x_spec).astype(np.float64))


def paper_case(ff):
    # The overhang rule for conv1 is 3 extra zero rows/columns at the bottom/right: 224 + 3 = 227 = 54·4 + 11.
    assert conv_geometry([BATCH, 3, 224, 224], [96, 3, 11, 11], (4, 4), (0, 0, 0, 0), "overhang")[:4] == (0, 3, 0, 3)
    rec, x_spec, p, x = two_column_inputs(7000, 224)
    y = two_column_net(x, p, "perSum", 2.0, 2, "overhang", 0.5)
    # Sensitivity: the fixture must tell the α conventions and LRN on/off apart.
    sensitivity("paper", y, {
        "α divided by n": two_column_net(x, p, "dividedByN", 2.0, 2, "overhang", 0.5),
        "no LRN": two_column_net(x, p, "perSum", 2.0, 2, "overhang", 0.5, lrn_on=False),
        "LRN across columns": two_column_net(x, p, "perSum", 2.0, 1, "overhang", 0.5),
    })
    ff.add("paper", {"preset": "paper"}, {"x": x_spec, **rec}, {"logits": y})


def caffe_case(ff):
    rec, x_spec, p, x = two_column_inputs(8000, 227)
    y = two_column_net(x, p, "dividedByN", 1.0, 1, "floor", 1.0)
    sensitivity("caffe", y, {
        "α per sum": two_column_net(x, p, "perSum", 1.0, 1, "floor", 1.0),
        "no LRN": two_column_net(x, p, "dividedByN", 1.0, 1, "floor", 1.0, lrn_on=False),
    })
    ff.add("caffe", {"preset": "caffe"}, {"x": x_spec, **rec}, {"logits": y})


def torchvision_case(ff):
    model = torchvision.models.alexnet()  # architecture only; weights come from the recipes
    rec = recipes([(n, list(t.shape)) for n, t in model.state_dict().items()], 6000)
    model.load_state_dict({n: t.float() for n, t in tensors(rec).items()})
    model = model.double().eval()
    x_spec = {"shape": [BATCH, 3, 224, 224], "seed": 6100, "kind": "uniform", "scale": 1.0}
    with torch.no_grad():
        y = model(torch.from_numpy(generate(x_spec).astype(np.float64)))
    ff.add("torchvision", {"preset": "torchvision"}, {"x": x_spec, **rec}, {"logits": y})


# ---------------------------------------------------------------- .npy files written by numpy
def npy_fixtures():
    """Small arrays in every layout numpy writes, as oracles for src/io/npy.ts. Each holds
    arange(n) (booleans: arange(n) % 3 == 0) in C order, reshaped, so the test knows the values."""
    from numpy.lib import format as npformat

    d = os.path.join(OUT, "npy")
    os.makedirs(d, exist_ok=True)
    for name, dtype, shape, order, version in [
        ("f4_2x3x4", "<f4", (2, 3, 4), "C", (1, 0)),
        ("f8_be_3x5", ">f8", (3, 5), "C", (1, 0)),
        ("i4_fortran_2x3x4", "<i4", (2, 3, 4), "F", (1, 0)),
        ("i8_v2_7", "<i8", (7,), "C", (2, 0)),
        ("u1_v3_4x4", "|u1", (4, 4), "C", (3, 0)),
        ("u2_be_fortran_3x2", ">u2", (3, 2), "F", (1, 0)),
        ("f2_5", "<f2", (5,), "C", (1, 0)),
        ("b1_2x5", "|b1", (2, 5), "C", (1, 0)),
        ("f4_scalar", "<f4", (), "C", (1, 0)),
        ("f4_empty_0x3", "<f4", (0, 3), "C", (1, 0)),
    ]:
        n = int(np.prod(shape))
        base = np.arange(n) % 3 == 0 if dtype == "|b1" else np.arange(n)
        a = np.asarray(base.astype(np.dtype(dtype)).reshape(shape), order=order)
        with open(os.path.join(d, f"{name}.npy"), "wb") as f:
            npformat.write_array(f, a, version=version)
    print(f"{os.path.relpath(d)}: numpy .npy oracles")


def main():
    os.makedirs(OUT, exist_ok=True)
    npy_fixtures()
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    ff = FixtureFile("alexnet")
    with torch.no_grad():
        for case in [torchvision_case, paper_case, caffe_case]:
            case(ff)
            c = ff.cases[-1]
            print(f"{c['name']}: logits norm {c['outputs']['logits']['norm']:.4g}")
    path = os.path.join(OUT, "alexnet.safetensors")
    ff.write(path, f"torch {torch.__version__}, torchvision {torchvision.__version__}, float64; tools/gen_fixtures_interop.py")
    print(f"{os.path.relpath(path)}: {len(ff.cases)} cases, {os.path.getsize(path) / 1e3:.1f} kB")


if __name__ == "__main__":
    main()
