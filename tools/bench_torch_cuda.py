#!/usr/bin/env python3
"""PyTorch CUDA side of bench/webgpu-cuda.sh: the same two networks as
tools/bench_torch.py (paper with per-column LRN, torchvision) trained with
SGD at batch 128 and run for inference at batch 1 and 128, eager mode with
cudnn.benchmark = True, in fp32 with TF32 off and again with TF32 on.
Prints one JSON line. Medians of --reps timed runs after a warm-up."""
import argparse
import json
import statistics
import time

import torch
import torch.nn.functional as F

from bench_torch import paper_net, torchvision_net


def rate(fn, images, reps):
    fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        times.append(time.perf_counter() - t0)
    return images / statistics.median(times)


def measure(preset, tf32, reps, steps):
    torch.backends.cuda.matmul.allow_tf32 = tf32
    torch.backends.cudnn.allow_tf32 = tf32
    net, size = paper_net() if preset == "paper" else torchvision_net()
    net = net.cuda()
    opt = torch.optim.SGD(net.parameters(), lr=0.001, momentum=0.9, weight_decay=5e-4)
    x = torch.randn(128, 3, size, size, device="cuda")
    y = torch.randint(0, 1000, (128,), device="cuda")

    def train():
        for _ in range(steps):
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(net(x), y).backward()
            opt.step()

    out = {"train_img_s": rate(train, 128 * steps, reps)}
    net.eval()
    with torch.no_grad():
        for b in (1, 128):
            xb = x[:b].contiguous()
            out[f"infer_b{b}_img_s"] = rate(lambda: [net(xb) for _ in range(steps)], b * steps, reps)
    torch.cuda.reset_peak_memory_stats()
    net.train()
    train()
    out["peak_gpu_mb"] = torch.cuda.max_memory_allocated() / 2**20
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--steps", type=int, default=5)
    a = ap.parse_args()
    torch.backends.cudnn.benchmark = True
    res = {"torch": torch.__version__, "device": torch.cuda.get_device_name(0), "presets": {}}
    for p in ("paper", "torchvision"):
        res["presets"][p] = {"fp32": measure(p, False, a.reps, a.steps), "tf32": measure(p, True, a.reps, a.steps)}
    print(json.dumps(res))


if __name__ == "__main__":
    main()
