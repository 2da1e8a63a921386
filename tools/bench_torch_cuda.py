#!/usr/bin/env python3
"""PyTorch side of bench/webgpu-cuda.sh: the networks of tools/bench_torch.py
trained with SGD and run for inference, eager mode with cudnn.benchmark, in
fp32 with TF32 off, with TF32 on, and with automatic mixed precision (fp16
autocast and a gradient scaler on CUDA; bf16 autocast on the CPU, which has
no TF32). The input stays on the device, as on our side. Prints one JSON
line. Medians of --reps timed runs of --steps steps, after a warm-up.
--device cpu runs the same code on the CPU (the script's dry run)."""
import argparse
import json
import statistics
import time

import torch
import torch.nn.functional as F

from bench_torch import NETS


def rate(fn, images, reps, sync):
    fn()
    sync()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - t0)
    return images / statistics.median(times)


def measure(preset, mode, a):
    dev = torch.device(a.device)
    cuda = dev.type == "cuda"
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    if cuda:
        torch.backends.cuda.matmul.allow_tf32 = mode == "tf32"
        torch.backends.cudnn.allow_tf32 = mode == "tf32"
    amp = mode == "amp"
    amp_dtype = torch.float16 if cuda else torch.bfloat16
    net, size = NETS[preset]()
    classes = 10 if preset == "mini" else 1000
    net = net.to(dev)
    opt = torch.optim.SGD(net.parameters(), lr=0.001, momentum=0.9, weight_decay=5e-4)
    scaler = torch.cuda.amp.GradScaler() if amp and cuda else None
    x = torch.randn(a.batch, 3, size, size, device=dev)
    y = torch.randint(0, classes, (a.batch,), device=dev)

    def step():
        opt.zero_grad(set_to_none=True)
        with torch.autocast(dev.type, dtype=amp_dtype, enabled=amp):
            loss = F.cross_entropy(net(x), y)
        if scaler:
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
        else:
            loss.backward()
            opt.step()

    def train():
        for _ in range(a.steps):
            step()

    out = {"train_img_s": rate(train, a.batch * a.steps, a.reps, sync), "infer": {}}
    net.eval()
    with torch.no_grad(), torch.autocast(dev.type, dtype=amp_dtype, enabled=amp):
        for b in a.infer_batches:
            xb = x[:b].contiguous()
            out["infer"][str(b)] = rate(lambda: [net(xb) for _ in range(a.steps)], xb.shape[0] * a.steps, a.reps, sync)
    if cuda:
        torch.cuda.reset_peak_memory_stats()
        net.train()
        train()
        out["peak_gpu_mb"] = torch.cuda.max_memory_allocated() / 2**20
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--presets", default="paper,torchvision")
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--infer-batches", default="1,128")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--steps", type=int, default=5)
    a = ap.parse_args()
    a.infer_batches = [int(b) for b in a.infer_batches.split(",")]
    torch.backends.cudnn.benchmark = True
    cuda = a.device.startswith("cuda")
    name = torch.cuda.get_device_name(0) if cuda else "cpu"
    res = {"torch": torch.__version__, "device": name, "presets": {}}
    modes = ("fp32", "tf32", "amp") if cuda else ("fp32", "amp")
    for p in a.presets.split(","):
        res["presets"][p] = {m: measure(p, m, a) for m in modes}
    print(json.dumps(res))


if __name__ == "__main__":
    main()
