#!/usr/bin/env bash
# Ours on WebGPU (Dawn → Vulkan → the NVIDIA driver) against PyTorch CUDA on
# the same GPU, in one run: training at batch 128 and inference at batch 1
# and 128 for the paper and torchvision presets; PyTorch eager with
# cudnn.benchmark, fp32 with TF32 off and, separately, TF32 on.
#
# For a machine with an NVIDIA GPU and PyTorch with CUDA but no Node.js.
# Prepare on a machine with the repository
# built (npm install):
#   mkdir -p .gpu && cp "$(command -v node)" .gpu/node && xz -6 -f .gpu/node
#   (cd .gpu && apt-get download libvulkan1)       # the Vulkan loader, if the GPU machine lacks it
# then carry dist/, node_modules/webgpu, build/ and .gpu there and run:
#   bash bench/webgpu-cuda.sh
set -euo pipefail
cd "$(dirname "$0")/.."
NODE=node
if ! command -v node >/dev/null; then
  [ -f .gpu/node.xz ] && xz -dkf .gpu/node.xz
  chmod +x .gpu/node
  NODE=$PWD/.gpu/node
fi
if ! ldconfig -p | grep -q libvulkan.so.1; then
  for f in .gpu/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
# NVIDIA's Vulkan ICD where the container image keeps it.
for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
  if [ -f "$icd" ] && [ -z "${VK_DRIVER_FILES:-}" ]; then export VK_DRIVER_FILES=$icd VK_ICD_FILENAMES=$icd; fi
done
OUT=${OUT:-/tmp}
echo "== ours (WebGPU)"
"$NODE" dist/src/cli/main.js backends | sed -n '/^webgpu/,$p'
"$NODE" dist/bench/webgpu.js --presets paper,torchvision --batch 128 --steps 5 --infer-batches 1,128 --json | tee "$OUT/webgpu.json"
echo "== PyTorch CUDA"
(cd tools && python3 bench_torch_cuda.py --reps 5 --steps 5) | tee "$OUT/torch_cuda.json"
python3 - "$OUT/webgpu.json" "$OUT/torch_cuda.json" <<'PY'
import json, sys
ours = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
ref = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])
print(f"GPU: {ref['device']}; torch {ref['torch']}; ours on {ours['adapter']}")
print("| preset | measure | ours img/s | PyTorch fp32 | ratio | PyTorch TF32 | ratio |")
print("|---|---|---|---|---|---|---|")
for r in ours["rows"]:
    p = ref["presets"][r["preset"]]
    for label, o, key in [("train b128", r["train_img_s"], "train_img_s"), ("infer b1", r["infer"]["1"], "infer_b1_img_s"), ("infer b128", r["infer"]["128"], "infer_b128_img_s")]:
        f, t = p["fp32"][key], p["tf32"][key]
        print(f"| {r['preset']} | {label} | {o:.1f} | {f:.1f} | {o / f:.2f} | {t:.1f} | {o / t:.2f} |")
    print(f"| {r['preset']} | GPU memory, training (MiB) | {r['peak_gpu_mb']:.0f} | {p['fp32']['peak_gpu_mb']:.0f} | | | |")
PY
