#!/usr/bin/python3
"""PyTorch's figures for `npm run bench`: the same networks, batches and
steps as bench/worker.ts, in one process per preset. Prints one JSON object.

Run by the bench with Debian's torch and OpenBLAS selected for this process
only (LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread); the BLAS
actually loaded is reported from /proc/self/maps.

  /usr/bin/python3 tools/bench_torch.py --preset paper --threads 2 --reps 3
"""
import argparse
import json
import os
import resource
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class ColumnLRN(nn.Module):
    """The paper's LRN: within each column; PyTorch's α is divided by n, so α·n gives the per-sum α."""

    def __init__(self, columns):
        super().__init__()
        self.columns = columns
        self.lrn = nn.LocalResponseNorm(5, alpha=1e-4 * 5, beta=0.75, k=2.0)

    def forward(self, x):
        return torch.cat([self.lrn(c) for c in torch.chunk(x, self.columns, dim=1)], dim=1)


def paper_net():
    """docs/paper.md §1; a 227 input without padding equals 224 with the overhang rule."""
    return nn.Sequential(
        nn.Conv2d(3, 96, 11, 4), nn.ReLU(inplace=True), ColumnLRN(2), nn.MaxPool2d(3, 2),
        nn.Conv2d(96, 256, 5, padding=2, groups=2), nn.ReLU(inplace=True), ColumnLRN(2), nn.MaxPool2d(3, 2),
        nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(384, 384, 3, padding=1, groups=2), nn.ReLU(inplace=True),
        nn.Conv2d(384, 256, 3, padding=1, groups=2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
        nn.Flatten(),
        nn.Linear(9216, 4096), nn.ReLU(inplace=True), nn.Dropout(0.5),
        nn.Linear(4096, 4096), nn.ReLU(inplace=True), nn.Dropout(0.5),
        nn.Linear(4096, 1000),
    ), 227


def torchvision_net():
    try:
        import torchvision
        return torchvision.models.alexnet(), 224
    except ImportError:  # the same layers, written out (torchvision.models.alexnet)
        return nn.Sequential(
            nn.Conv2d(3, 64, 11, 4, 2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
            nn.Conv2d(64, 192, 5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
            nn.Conv2d(192, 384, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
            nn.AdaptiveAvgPool2d((6, 6)), nn.Flatten(),
            nn.Dropout(0.5), nn.Linear(9216, 4096), nn.ReLU(inplace=True),
            nn.Dropout(0.5), nn.Linear(4096, 4096), nn.ReLU(inplace=True),
            nn.Linear(4096, 1000),
        ), 224


def mini_net():
    """The mini preset (28×28 inputs, 10 classes; alexnet info --preset mini), for short runs."""
    return nn.Sequential(
        nn.Conv2d(3, 32, 5, padding=2), nn.ReLU(inplace=True), ColumnLRN(2), nn.MaxPool2d(3, 2),
        nn.Conv2d(32, 64, 5, padding=2, groups=2), nn.ReLU(inplace=True), ColumnLRN(2), nn.MaxPool2d(3, 2),
        nn.Conv2d(64, 96, 3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(96, 96, 3, padding=1, groups=2), nn.ReLU(inplace=True),
        nn.Conv2d(96, 128, 3, padding=1, groups=2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
        nn.Flatten(),
        nn.Linear(512, 1024), nn.ReLU(inplace=True), nn.Dropout(0.5),
        nn.Linear(1024, 1024), nn.ReLU(inplace=True), nn.Dropout(0.5),
        nn.Linear(1024, 10),
    ), 28


NETS = {"paper": paper_net, "torchvision": torchvision_net, "mini": mini_net}


def blas_loaded():
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1] if "/" in line else ""
            if "blas" in os.path.basename(path).lower():
                libs.add(os.path.realpath(path))
    return sorted(libs)


def median_rate(fn, batch, reps, warmup=1):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return batch / statistics.median(times), times


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--preset", choices=["paper", "torchvision"], required=True)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--train-batch", type=int, default=128)
    ap.add_argument("--infer-batches", default="1,32,128")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    net, size = paper_net() if args.preset == "paper" else torchvision_net()
    out = {"preset": args.preset, "torch": torch.__version__, "threads": torch.get_num_threads()}

    # Training first, so the peak resident memory is that of a batch-128 training step.
    net.train()
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    x = torch.randn(args.train_batch, 3, size, size)
    y = torch.randint(0, 1000, (args.train_batch,))

    def step():
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(net(x), y).backward()
        opt.step()

    rate, times = median_rate(step, args.train_batch, args.reps)
    out["train"] = {"batch": args.train_batch, "img_s": rate, "seconds": times}
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["blas"] = blas_loaded()
    del opt

    net.eval()
    out["infer"] = {}
    with torch.no_grad():
        for b in [int(v) for v in args.infer_batches.split(",")]:
            xb = torch.randn(b, 3, size, size)
            reps = max(args.reps, 50) if b == 1 else args.reps  # as bench/timing.ts inferReps
            rate, times = median_rate(lambda: net(xb), b, reps)
            out["infer"][str(b)] = {"img_s": rate, "seconds": times}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
