#!/usr/bin/python3
"""Golden training regression: the first 10 losses of the `mini`
network (every layer type: two columns, per-column LRN, overlapping pooling,
dropout) trained with the paper's SGD update, computed by PyTorch in float64.

Weights, inputs and labels are regenerated on both sides from the counter
hash (fixturelib.generate); the dropout masks are the ones our trainer draws
(tools/xoshiro.py is a bit-exact port of src/tensor/random.ts). Writes
test/fixtures/train/golden-mini.json.

Run with Debian's torch:  /usr/bin/python3 tools/gen_fixtures_train.py
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixturelib import generate  # noqa: E402
from xoshiro import Rng  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "train", "golden-mini.json")

BATCH, STEPS, CLASSES = 8, 10, 10
LR, MOMENTUM, DECAY = 0.01, 0.9, 0.0005
DROPOUT_SEED, DROPOUT_STREAM = 7, 2  # the trainer's dropout stream (RNG_STREAMS.dropout)

# name: (shape, uniform scale) — scale √3·σ gives σ, the mini preset's.
PARAMS = [
    ("conv1.weight", [32, 3, 5, 5], 0.002), ("conv1.bias", [32], 0.05),
    ("conv2.weight", [64, 16, 5, 5], 0.07), ("conv2.bias", [64], 0.05),
    ("conv3.weight", [96, 64, 3, 3], 0.06), ("conv3.bias", [96], 0.05),
    ("conv4.weight", [96, 48, 3, 3], 0.07), ("conv4.bias", [96], 0.05),
    ("conv5.weight", [128, 48, 3, 3], 0.07), ("conv5.bias", [128], 0.05),
    ("fc6.weight", [1024, 512], 0.044), ("fc6.bias", [1024], 0.05),
    ("fc7.weight", [1024, 1024], 0.044), ("fc7.bias", [1024], 0.05),
    ("fc8.weight", [10, 1024], 0.01), ("fc8.bias", [10], 0.05),
]


def specs():
    params = []
    for i, (name, shape, std) in enumerate(PARAMS):
        s = {"shape": shape, "seed": 5000 + i, "kind": "uniform", "scale": std * 3 ** 0.5}
        if name.endswith(".bias"):
            s["offset"] = 0.05  # positive biases, as the preset's
        params.append({"name": name, "spec": s})
    steps = []
    for k in range(STEPS):
        steps.append({
            "x": {"shape": [BATCH, 3, 28, 28], "seed": 6000 + k, "kind": "uniform", "scale": 120.0},
            "labels": {"shape": [BATCH], "seed": 7000 + k, "kind": "labels", "scale": 1.0, "classes": CLASSES},
        })
    return params, steps


def lrn_columns(x):
    # The paper's LRN (α per sum = PyTorch's α·n, k = 2) within each of the two columns.
    return torch.cat([F.local_response_norm(c, 5, alpha=1e-4 * 5, beta=0.75, k=2.0) for c in torch.chunk(x, 2, dim=1)], dim=1)


def forward(p, x, masks):
    h = F.relu(F.conv2d(x, p["conv1.weight"], p["conv1.bias"], padding=2))
    h = F.max_pool2d(lrn_columns(h), 3, 2)
    h = F.relu(F.conv2d(h, p["conv2.weight"], p["conv2.bias"], padding=2, groups=2))
    h = F.max_pool2d(lrn_columns(h), 3, 2)
    h = F.relu(F.conv2d(h, p["conv3.weight"], p["conv3.bias"], padding=1))
    h = F.relu(F.conv2d(h, p["conv4.weight"], p["conv4.bias"], padding=1, groups=2))
    h = F.relu(F.conv2d(h, p["conv5.weight"], p["conv5.bias"], padding=1, groups=2))
    h = F.max_pool2d(h, 3, 2).flatten(1)
    # Paper dropout while training: keep-mask, no rescaling (×0.5 at test time).
    h = F.relu(F.linear(h, p["fc6.weight"], p["fc6.bias"])) * masks[0]
    h = F.relu(F.linear(h, p["fc7.weight"], p["fc7.bias"])) * masks[1]
    return F.linear(h, p["fc8.weight"], p["fc8.bias"])


def main():
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    params, steps = specs()
    p = {e["name"]: torch.from_numpy(generate(e["spec"]).astype(np.float64)).requires_grad_(True) for e in params}
    v = {k: torch.zeros_like(t) for k, t in p.items()}
    rng = Rng(DROPOUT_SEED, DROPOUT_STREAM)
    losses = []
    for s in steps:
        x = torch.from_numpy(generate(s["x"]).astype(np.float64))
        y = torch.from_numpy(generate(s["labels"]).astype(np.int64))
        # Masks in the order the layers draw them: fc6's, then fc7's.
        masks = [torch.from_numpy(rng.keep_mask_half(BATCH * 1024).reshape(BATCH, 1024)) for _ in range(2)]
        loss = F.cross_entropy(forward(p, x, masks), y)
        for t in p.values():
            t.grad = None
        loss.backward()
        with torch.no_grad():
            for k, t in p.items():
                # docs/paper.md §4: v ← μv − λεw − ε∂L/∂w;  w ← w + v
                v[k] = MOMENTUM * v[k] - DECAY * LR * t - LR * t.grad
                t += v[k]
        losses.append(loss.item())
    out = {
        "provenance": f"tools/gen_fixtures_train.py, torch {torch.__version__}, float64",
        "preset": "mini",
        "learningRate": LR, "momentum": MOMENTUM, "weightDecay": DECAY,
        "dropout": {"seed": DROPOUT_SEED, "stream": DROPOUT_STREAM},
        "params": params,
        "steps": steps,
        "losses": losses,
        "finalWeightNorms": {k: float(t.detach().norm()) for k, t in p.items()},
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1)
    print("losses", losses)


if __name__ == "__main__":
    main()
