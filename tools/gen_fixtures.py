#!/usr/bin/python3
"""Writes the op fixtures in test/fixtures/ops/ from PyTorch (the oracle).

Run with Debian's torch:  /usr/bin/python3 tools/gen_fixtures.py  (or `npm run fixtures`).
Every reference is computed in float64 from float32 inputs, so the tests
measure our float32 kernels against the exact answer. Ops PyTorch lacks are
built from its pieces: the paper's per-sum LRN α is PyTorch's α·n, per-column
LRN runs on each column's channels, and cuda-convnet's overhang output rule
is explicit asymmetric zero padding (F.pad) before the convolution.
"""
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixturelib import FixtureFile, generate  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "ops")
torch.set_num_threads(max(1, os.cpu_count() or 1))

_seed = [1000]


def spec(shape, kind="uniform", scale=1.0, **extra):
    _seed[0] += 1
    return {"shape": list(shape), "seed": _seed[0], "kind": kind, "scale": scale, **extra}


def t64(s, grad=True):
    return torch.from_numpy(generate(s).astype(np.float64)).requires_grad_(grad)


# ---------------------------------------------------------------- conv2d
def conv_geometry(x_shape, w_shape, stride, padding, rule):
    """Same resolution as src/ops/conv2d.ts: returns (top, bottom, left, right) including the overhang."""
    _, _, H, W = x_shape
    _, _, KH, KW = w_shape
    sh, sw = stride
    t, b, l, r = padding

    def out(size, p0, p1, k, s):
        span = size + p0 + p1 - k
        return 1 + (math.ceil(span / s) if rule == "overhang" else span // s)

    OH, OW = out(H, t, b, KH, sh), out(W, l, r, KW, sw)
    return t, max(b, (OH - 1) * sh + KH - H - t), l, max(r, (OW - 1) * sw + KW - W - l), OH, OW


def conv_case(ff, name, x_shape, w_shape, stride=(1, 1), padding=(0, 0, 0, 0), groups=1, rule="floor"):
    O = w_shape[0]
    t, b, l, r, OH, OW = conv_geometry(x_shape, w_shape, stride, padding, rule)
    ins = {"x": spec(x_shape), "w": spec(w_shape, scale=0.2), "b": spec([O]), "dy": spec([x_shape[0], O, OH, OW])}
    x, w, bias = t64(ins["x"]), t64(ins["w"]), t64(ins["b"])
    # Overhang and per-side padding as explicit zero padding, then an unpadded conv.
    y = F.conv2d(F.pad(x, (l, r, t, b)), w, bias, stride=stride, groups=groups)
    assert tuple(y.shape) == (x_shape[0], O, OH, OW), (name, y.shape)
    y.backward(t64(ins["dy"], False))
    attrs = {"stride": list(stride), "padding": list(padding), "groups": groups, "outputRule": rule}
    ff.add(name, attrs, ins, {"y": y.detach(), "dx": x.grad, "dw": w.grad, "db": bias.grad})


def conv_fixtures():
    ff = FixtureFile("conv2d")
    # paper preset (224 input, overhang rule for conv1), batch 2
    conv_case(ff, "paper_conv1", [2, 3, 224, 224], [96, 3, 11, 11], (4, 4), rule="overhang")
    conv_case(ff, "paper_conv2", [2, 96, 27, 27], [256, 48, 5, 5], padding=(2, 2, 2, 2), groups=2)
    conv_case(ff, "paper_conv3", [2, 256, 13, 13], [384, 256, 3, 3], padding=(1, 1, 1, 1))
    conv_case(ff, "paper_conv4", [2, 384, 13, 13], [384, 192, 3, 3], padding=(1, 1, 1, 1), groups=2)
    conv_case(ff, "paper_conv5", [2, 384, 13, 13], [256, 192, 3, 3], padding=(1, 1, 1, 1), groups=2)
    # caffe preset conv1 (227 input, no padding)
    conv_case(ff, "caffe_conv1", [2, 3, 227, 227], [96, 3, 11, 11], (4, 4))
    # torchvision preset
    conv_case(ff, "torchvision_conv1", [2, 3, 224, 224], [64, 3, 11, 11], (4, 4), padding=(2, 2, 2, 2))
    conv_case(ff, "torchvision_conv2", [2, 64, 27, 27], [192, 64, 5, 5], padding=(2, 2, 2, 2))
    conv_case(ff, "torchvision_conv3", [2, 192, 13, 13], [384, 192, 3, 3], padding=(1, 1, 1, 1))
    conv_case(ff, "torchvision_conv4", [2, 384, 13, 13], [256, 384, 3, 3], padding=(1, 1, 1, 1))
    conv_case(ff, "torchvision_conv5", [2, 256, 13, 13], [256, 256, 3, 3], padding=(1, 1, 1, 1))
    # edge cases
    conv_case(ff, "edge_overhang_odd", [3, 4, 13, 11], [6, 2, 4, 3], (3, 2), padding=(1, 0, 2, 1), groups=2, rule="overhang")
    conv_case(ff, "edge_groups4_asymmetric_pad", [2, 8, 9, 10], [12, 2, 3, 3], (2, 2), padding=(2, 1, 0, 2), groups=4)
    conv_case(ff, "edge_stride4_pad2", [1, 3, 23, 23], [4, 3, 11, 11], (4, 4), padding=(2, 2, 2, 2))
    conv_case(ff, "edge_1x1_kernel", [2, 6, 5, 7], [4, 3, 1, 1], (1, 1), groups=2)
    conv_case(ff, "edge_kernel_equals_input", [2, 3, 5, 5], [2, 3, 5, 5])
    return ff


# ---------------------------------------------------------------- linear
def linear_case(ff, name, n, i, o):
    ins = {"x": spec([n, i]), "w": spec([o, i], scale=0.05), "b": spec([o]), "dy": spec([n, o])}
    x, w, b = t64(ins["x"]), t64(ins["w"]), t64(ins["b"])
    y = F.linear(x, w, b)
    y.backward(t64(ins["dy"], False))
    ff.add(name, {}, ins, {"y": y.detach(), "dx": x.grad, "dw": w.grad, "db": b.grad})


def linear_fixtures():
    ff = FixtureFile("linear")
    linear_case(ff, "fc6", 2, 9216, 4096)
    linear_case(ff, "fc7", 2, 4096, 4096)
    linear_case(ff, "fc8", 2, 4096, 1000)
    linear_case(ff, "edge_small", 3, 7, 5)
    return ff


# ---------------------------------------------------------------- relu
def relu_fixtures():
    ff = FixtureFile("relu")
    for name, shape in [("conv1_out", [2, 96, 55, 55]), ("fc6_out", [2, 4096]), ("edge_small", [3, 5])]:
        ins = {"x": spec(shape), "dy": spec(shape)}
        x = t64(ins["x"])
        y = F.relu(x)
        y.backward(t64(ins["dy"], False))
        ff.add(name, {}, ins, {"y": y.detach(), "dx": x.grad})
    return ff


# ---------------------------------------------------------------- tanh
def tanh_fixtures():
    """§3.1's saturating baseline. Inputs up to ±4 reach the flat tails, where 1 − y² is tiny."""
    ff = FixtureFile("tanh")
    for name, shape in [("conv1_out", [2, 32, 28, 28]), ("fc6_out", [2, 1024]), ("edge_small", [3, 5])]:
        ins = {"x": spec(shape, scale=4.0), "dy": spec(shape)}
        x = t64(ins["x"])
        y = torch.tanh(x)
        y.backward(t64(ins["dy"], False))
        ff.add(name, {}, ins, {"y": y.detach(), "dx": x.grad})
    return ff


# ---------------------------------------------------------------- LRN
def lrn_torch(x, size, alpha, beta, k, convention, groups):
    """PyTorch's LRN divides α by size; the paper's per-sum α is PyTorch's α·size. Per-column: LRN on each chunk."""
    a = alpha * size if convention == "perSum" else alpha
    return torch.cat([F.local_response_norm(c, size, alpha=a, beta=beta, k=k) for c in torch.chunk(x, groups, dim=1)], dim=1)


def lrn_case(ff, name, shape, size, alpha, beta, k, convention, groups, scale):
    ins = {"x": spec(shape, scale=scale), "dy": spec(shape)}
    x = t64(ins["x"])
    y = lrn_torch(x, size, alpha, beta, k, convention, groups)
    y.backward(t64(ins["dy"], False))
    attrs = {"size": size, "alpha": alpha, "beta": beta, "k": k, "alphaConvention": convention, "groups": groups}
    ff.add(name, attrs, ins, {"y": y.detach(), "dx": x.grad})


def lrn_fixtures():
    ff = FixtureFile("lrn")
    # paper: k=2, n=5, α=1e-4 on the sum, β=0.75, within each column
    lrn_case(ff, "paper_norm1", [2, 96, 55, 55], 5, 1e-4, 0.75, 2.0, "perSum", 2, 50.0)
    lrn_case(ff, "paper_norm2", [2, 256, 27, 27], 5, 1e-4, 0.75, 2.0, "perSum", 2, 50.0)
    # caffe: k=1, α/n, across all channels
    lrn_case(ff, "caffe_norm1", [2, 96, 55, 55], 5, 1e-4, 0.75, 1.0, "dividedByN", 1, 100.0)
    # edges: first/last channel, the column boundary, an even window
    lrn_case(ff, "edge_first_last_channel", [2, 7, 3, 4], 5, 1e-3, 0.75, 2.0, "perSum", 1, 30.0)
    lrn_case(ff, "edge_group_boundary", [2, 10, 3, 3], 5, 1e-3, 0.75, 2.0, "perSum", 2, 30.0)
    lrn_case(ff, "edge_even_size", [1, 6, 2, 3], 4, 1e-2, 0.6, 1.0, "dividedByN", 1, 10.0)
    lrn_case(ff, "edge_window_wider_than_group", [1, 6, 2, 2], 7, 1e-2, 0.75, 1.5, "perSum", 3, 5.0)
    return ff


# ---------------------------------------------------------------- max pooling
def pool_case(ff, name, shape, kernel, stride, padding=0, rounding="floor", kind="uniform", levels=None):
    extra = {"levels": levels} if levels else {}
    ins = {"x": spec(shape, kind=kind, **extra)}
    x = t64(ins["x"])
    y = F.max_pool2d(x, kernel, stride, padding, ceil_mode=(rounding == "ceil"))
    ins["dy"] = spec(list(y.shape))
    y.backward(t64(ins["dy"], False))
    attrs = {"kernel": kernel, "stride": stride, "padding": padding, "rounding": rounding}
    ff.add(name, attrs, ins, {"y": y.detach(), "dx": x.grad})


def pool_fixtures():
    ff = FixtureFile("maxpool2d")
    pool_case(ff, "paper_pool1", [2, 96, 55, 55], 3, 2)
    pool_case(ff, "paper_pool2", [2, 256, 27, 27], 3, 2)
    pool_case(ff, "paper_pool5", [2, 256, 13, 13], 3, 2)
    pool_case(ff, "torchvision_pool1", [2, 64, 55, 55], 3, 2)
    pool_case(ff, "edge_ceil", [2, 3, 8, 8], 3, 2, rounding="ceil")
    pool_case(ff, "edge_ceil_padding", [1, 2, 9, 7], 3, 2, padding=1, rounding="ceil")
    pool_case(ff, "edge_ties_overlapping", [2, 4, 11, 11], 3, 2, kind="quantized", levels=3)
    pool_case(ff, "edge_non_overlapping_odd", [1, 2, 10, 9], 2, 3)
    return ff


# ---------------------------------------------------------------- dropout
def dropout_fixtures():
    """The mask is an input (our generator draws it); the oracle applies the documented scaling."""
    ff = FixtureFile("dropout")
    for name, p, scaling, training in [
        ("fc6_train_paper", 0.5, "paper", True),
        ("fc6_train_inverted", 0.5, "inverted", True),
        ("fc6_eval_paper", 0.5, "paper", False),
        ("fc6_eval_inverted", 0.5, "inverted", False),
        ("edge_p03_train_inverted", 0.3, "inverted", True),
    ]:
        shape = [2, 4096]
        ins = {"x": spec(shape), "dy": spec(shape), "mask": spec(shape, kind="mask", keep=1 - p)}
        x = t64(ins["x"])
        if training:
            m = t64(ins["mask"], False)
            y = x * m / (1 - p) if scaling == "inverted" else x * m
        else:
            y = x * (1 - p) if scaling == "paper" else x * 1.0
        y.backward(t64(ins["dy"], False))
        attrs = {"dropProbability": p, "scaling": scaling, "training": training}
        ff.add(name, attrs, ins, {"y": y.detach(), "dx": x.grad})
    return ff


# ---------------------------------------------------------------- softmax and cross-entropy
def softmax_fixtures():
    ff = FixtureFile("softmax")
    # Large logits: exp would overflow without subtracting the row maximum.
    for name, shape, scale, offset in [("fc8_logits", [2, 1000], 10.0, 0.0), ("edge_huge_logits", [4, 10], 3.0, 1000.0)]:
        ins = {"x": spec(shape, scale=scale, offset=offset), "dy": spec(shape)}
        x = t64(ins["x"])
        y = F.softmax(x, dim=1)
        y.backward(t64(ins["dy"], False))
        ff.add(name, {}, ins, {"y": y.detach(), "dx": x.grad})
    return ff


def cross_entropy_fixtures():
    ff = FixtureFile("crossEntropy")
    for name, shape, scale in [("fc8_logits", [2, 1000], 10.0), ("batch128", [128, 1000], 5.0), ("edge_huge_logits", [5, 10], 500.0)]:
        ins = {"x": spec(shape, scale=scale), "labels": spec([shape[0]], kind="labels", classes=shape[1])}
        x = t64(ins["x"])
        labels = torch.from_numpy(generate(ins["labels"]).astype(np.int64))
        loss = F.cross_entropy(x, labels)
        loss.backward()
        ff.add(name, {}, ins, {"loss": loss.detach().reshape(1), "dx": x.grad})
    return ff


# ---------------------------------------------------------------- top-k (evaluation's top-1/top-5)
def topk_fixtures():
    ff = FixtureFile("topk")
    # Its own seed range, so this file is written alone (`gen_fixtures.py topk`) without the others.
    _seed[0] = 50000
    # (name, images, views, classes, k, input kind). Quantized inputs give exact ties (the lower
    # class must come first) and view sums that float32 and float64 rank alike.
    cases = [
        ("fc8_k5", 4, 1, 1000, 5, {"kind": "uniform", "scale": 10.0}),
        ("fc8_ties_k5", 6, 1, 1000, 5, {"kind": "quantized", "levels": 8, "scale": 1.0}),
        ("fc8_tenviews_k5", 2, 10, 1000, 5, {"kind": "quantized", "levels": 16, "scale": 1.0}),
        ("edge_ties_k1", 5, 1, 7, 1, {"kind": "quantized", "levels": 2, "scale": 1.0}),
        ("edge_k_over_classes", 3, 2, 3, 5, {"kind": "quantized", "levels": 4, "scale": 1.0}),
        ("edge_tenviews_small", 3, 10, 10, 5, {"kind": "quantized", "levels": 4, "scale": 1.0}),
    ]
    for name, n, views, classes, k, kind in cases:
        extra = {key: v for key, v in kind.items() if key not in ("kind", "scale")}
        ins = {"x": spec([n * views, classes], kind["kind"], kind["scale"], **extra), "labels": spec([n], kind="labels", classes=classes)}
        x = t64(ins["x"], False)
        labels = torch.from_numpy(generate(ins["labels"]).astype(np.int64))
        mean = x.reshape(n, views, classes).sum(1) / views
        # A stable descending sort: equal scores keep ascending class order (torch.topk does not promise one).
        order = torch.sort(mean, dim=1, descending=True, stable=True).indices[:, : min(k, classes)]
        ff.add(name, {"k": k, "views": views}, ins, {"indices": order.to(torch.float64), "labelScores": mean.gather(1, labels[:, None])[:, 0]})
    return ff


# Ops whose fixtures draw from their own seed range (so one can be regenerated alone).
OWN_SEEDS = {"topk"}


def main():
    os.makedirs(OUT, exist_ok=True)
    provenance = f"torch {torch.__version__}, numpy {np.__version__}, float64 references; tools/gen_fixtures.py"
    makers = [conv_fixtures, linear_fixtures, relu_fixtures, lrn_fixtures, pool_fixtures, dropout_fixtures, softmax_fixtures, cross_entropy_fixtures,
              # Appended last: the input seeds count up across ops, so earlier files stay byte-identical.
              tanh_fixtures, topk_fixtures]
    # `gen_fixtures.py topk` writes only the named files (possible for ops with their own seed range).
    only = sys.argv[1:]
    if any(name not in OWN_SEEDS for name in only):
        sys.exit(f"only {', '.join(sorted(OWN_SEEDS))} can be written alone (the others' input seeds depend on every file before them)")
    for make in makers:
        if only and make.__name__.removesuffix("_fixtures") not in only:
            continue
        ff = make()
        path = os.path.join(OUT, f"{ff.op}.safetensors")
        ff.write(path, provenance)
        print(f"{os.path.relpath(path)}: {len(ff.cases)} cases, {os.path.getsize(path) / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
