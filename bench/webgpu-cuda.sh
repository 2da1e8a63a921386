#!/usr/bin/env bash
# Ours on WebGPU (Dawn → Vulkan → the NVIDIA driver) against PyTorch CUDA on
# the same GPU, in one run: training at batch 128 and inference at batch 1
# and 128 for the paper and torchvision presets; PyTorch eager with
# cudnn.benchmark in fp32 (TF32 off), TF32 and AMP. Both sides keep their
# input on the GPU and end each timed run with one synchronisation.
#
# For a machine with an NVIDIA GPU and PyTorch with CUDA but no Node.js:
#   bash bench/webgpu-cuda.sh --prepare   here, in the built repository: writes .gpu/
#                                         (a compressed Node, dist/, Dawn's linux-x64 binding,
#                                         the Vulkan loader's .deb) and prints its size (< 64 MiB)
#   bash bench/webgpu-cuda.sh             there, with .gpu/ carried beside the repository
#   bash bench/webgpu-cuda.sh --dry-run   here: --prepare, then the GPU machine's steps from the
#                                         payload alone in a scratch folder, on SwiftShader, with
#                                         PyTorch on the CPU and the mini preset at batch 4
# Environment: OUT (where the JSON and the table go; default a temporary folder),
# PYTHON (default python3), ALEXNET_GPU_PAYLOAD (the payload folder; default .gpu),
# ALEXNET_GPU_WORK (where the payload is unpacked; default a temporary folder).
#
# The run probes for a Vulkan adapter first and refuses a CPU one (SwiftShader,
# llvmpipe) outside the dry run; PyTorch runs before ours and each half on its
# own, so a failure of one still leaves the other's figures and the table.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PAYLOAD=${ALEXNET_GPU_PAYLOAD:-$ROOT/.gpu}
LIMIT_BYTES=$((64 * 1024 * 1024))
# xz -6 packs Node into 24 MB in about 40 s on 2 cores; the dry run takes -1 (28 MB, 5 s).
XZ_LEVEL=6
mode=run
case "${1:-}" in
  --prepare) mode=prepare ;;
  --dry-run) mode=dry; XZ_LEVEL=1 ;;
  "") ;;
  *) echo "usage: bash bench/webgpu-cuda.sh [--prepare | --dry-run]" >&2; exit 64 ;;
esac

say() { echo "webgpu-cuda: $*"; }
die() { echo "webgpu-cuda: $*" >&2; exit 1; }

prepare() {
  [ -f "$ROOT/dist/bench/webgpu.js" ] || die "dist/ is not built: run npm install (or npm run build) first"
  local dawn=$ROOT/node_modules/webgpu/dist/linux-x64/dawn.node
  [ -f "$dawn" ] || die "node_modules/webgpu has no linux-x64 dawn.node: run npm ci"
  rm -rf "$PAYLOAD" && mkdir -p "$PAYLOAD"
  xz "-$XZ_LEVEL" -T0 -c "$(command -v node)" > "$PAYLOAD/node.xz" || die "could not compress node"
  # Only what bench/webgpu.js loads: compiled sources without maps or declarations, the
  # package file (the package root is found by it), and one platform of the webgpu package.
  (cd "$ROOT" && XZ_OPT="-$XZ_LEVEL" tar -cJf "$PAYLOAD/app.tar.xz" --exclude='*.map' --exclude='*.d.ts' \
    package.json dist/src dist/bench node_modules/webgpu/package.json node_modules/webgpu/index.js \
    node_modules/webgpu/dist/linux-x64) || die "could not pack dist/ and the webgpu package"
  if (cd "$PAYLOAD" && apt-get download libvulkan1 >/dev/null 2>&1); then :; else
    say "warning: apt-get download libvulkan1 failed; the GPU machine must have the Vulkan loader"
  fi
  local bytes
  bytes=$(du -cb "$PAYLOAD"/* | tail -1 | cut -f1)
  say "payload $PAYLOAD: $(ls "$PAYLOAD" | tr '\n' ' ')— $((bytes / 1024 / 1024)) MiB ($bytes bytes, limit $LIMIT_BYTES)"
  [ "$bytes" -lt "$LIMIT_BYTES" ] || die "the payload is over the 64 MiB carry limit"
}

# Unpacks the payload into $1 and sets NODE; the Vulkan loader from the .deb where the system lacks it.
unpack() {
  local work=$1
  [ -f "$PAYLOAD/app.tar.xz" ] || die "no payload at $PAYLOAD: run bash bench/webgpu-cuda.sh --prepare where the repository is built, and carry .gpu"
  rm -rf "$work" && mkdir -p "$work"
  tar -xJf "$PAYLOAD/app.tar.xz" -C "$work" || die "could not unpack app.tar.xz"
  if command -v xz >/dev/null; then xz -dc "$PAYLOAD/node.xz" > "$work/node"
  else ${PYTHON:-python3} -c 'import lzma,sys; sys.stdout.buffer.write(lzma.open(sys.argv[1]).read())' "$PAYLOAD/node.xz" > "$work/node"; fi
  chmod +x "$work/node"
  NODE=$work/node
  "$NODE" --version >/dev/null || die "the carried node does not run here (it needs glibc and libstdc++ of the machine it came from or newer)"
  # grep without -q reads all of ldconfig's output (-q would stop early, and pipefail would see SIGPIPE).
  if ! ldconfig -p 2>/dev/null | grep 'libvulkan.so.1' >/dev/null; then
    [ "$mode" = dry ] && die "no Vulkan loader (libvulkan.so.1) here: apt-get install libvulkan1 (the dry run never installs into /)"
    local deb
    deb=$(ls "$PAYLOAD"/libvulkan1_*.deb 2>/dev/null | head -1)
    [ -n "$deb" ] || die "no Vulkan loader (libvulkan.so.1) here and none carried"
    dpkg -x "$deb" / && ldconfig
    say "Vulkan loader installed from $(basename "$deb")"
  fi
}

# NVIDIA's Vulkan ICD where the image keeps it; without one the driver was mounted without graphics.
find_icd() {
  [ -n "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ] && return 0
  for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$icd" ]; then export VK_DRIVER_FILES=$icd VK_ICD_FILENAMES=$icd; say "Vulkan ICD $icd"; return 0; fi
  done
  say "no NVIDIA Vulkan ICD file found: the container needs NVIDIA_DRIVER_CAPABILITIES to include 'graphics' (e.g. all)"
  return 1
}

if [ "$mode" = prepare ]; then prepare; exit; fi

OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
if [ "$mode" = dry ]; then
  prepare || exit 1
  export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
  # Debian's python3-torch, not a pyenv python3 earlier on the PATH.
  [ -z "${PYTHON:-}" ] && [ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3
  TORCH_ARGS=(--device cpu --presets mini --batch 4 --infer-batches 1,4 --reps 1 --steps 1)
  OURS_ARGS=(--presets mini --batch 4 --infer-batches 1,4 --steps 1)
else
  TORCH_ARGS=(--device cuda --presets paper,torchvision --batch 128 --infer-batches 1,128 --reps 5 --steps 5)
  OURS_ARGS=(--presets paper,torchvision --batch 128 --infer-batches 1,128 --steps 5)
fi
PYTHON=${PYTHON:-python3}
WORK=${ALEXNET_GPU_WORK:-$(mktemp -d)/alexnet-gpu}
unpack "$WORK"
[ "$mode" = dry ] || find_icd || true

say "== PyTorch (${TORCH_ARGS[1]})"
(cd "$ROOT/tools" && "$PYTHON" bench_torch_cuda.py "${TORCH_ARGS[@]}") > "$OUT/torch.json" 2> "$OUT/torch.err"
torch_rc=$?
[ $torch_rc -eq 0 ] || { say "PyTorch failed ($torch_rc):"; tail -20 "$OUT/torch.err"; }

say "== ours (WebGPU), from $WORK"
(cd "$WORK" && "$NODE" dist/bench/webgpu.js --probe) > "$OUT/probe.json" 2> "$OUT/probe.err"
probe_rc=$?
cat "$OUT/probe.json"
ours_rc=1
if [ $probe_rc -eq 2 ]; then say "no WebGPU adapter: $(cat "$OUT/probe.err" | tail -3)"
elif [ $probe_rc -eq 3 ] && [ "$mode" != dry ]; then say "refusing a CPU adapter on the GPU machine: Vulkan found no GPU driver"
elif [ $probe_rc -ne 0 ] && [ $probe_rc -ne 3 ]; then say "the probe failed ($probe_rc): $(tail -5 "$OUT/probe.err")"
else
  (cd "$WORK" && "$NODE" dist/bench/webgpu.js "${OURS_ARGS[@]}" --json) > "$OUT/webgpu.json" 2> "$OUT/webgpu.err"
  ours_rc=$?
  [ $ours_rc -eq 0 ] || { say "ours failed ($ours_rc):"; tail -20 "$OUT/webgpu.err"; }
fi

"$PYTHON" - "$OUT/webgpu.json" "$OUT/torch.json" <<'PY' | tee "$OUT/table.md"
import json, sys
def last_json(path):
    try:
        return json.loads(open(path).read().strip().splitlines()[-1])
    except (OSError, IndexError, ValueError):
        return None
ours, ref = last_json(sys.argv[1]), last_json(sys.argv[2])
print(f"GPU: {ref['device'] if ref else '?'}; torch {ref['torch'] if ref else '?'}; ours on {ours['adapter'] if ours else '(no figures)'}")
modes = [m for m in ("fp32", "tf32", "amp") if ref and any(m in p for p in ref["presets"].values())]
row = lambda cells: print("| " + " | ".join(cells) + " |")
row(["preset", "measure", "ours img/s"] + [c for m in modes for c in (f"PyTorch {m}", "ratio")])
print("|---|---|---|" + "---|---|" * len(modes))
presets = list(dict.fromkeys([r["preset"] for r in (ours or {}).get("rows", [])] + list((ref or {}).get("presets", {}))))
fmt = lambda v: "—" if v is None else f"{v:.1f}"
for name in presets:
    o = next((r for r in (ours or {}).get("rows", []) if r["preset"] == name), None)
    p = (ref or {}).get("presets", {}).get(name, {})
    measures = [("train", "train")] + [(f"infer b{b}", b) for b in (o["infer"] if o else p.get("fp32", {}).get("infer", {}))]
    for label, key in measures:
        ov = (o["train_img_s"] if key == "train" else o["infer"].get(key)) if o else None
        cells = []
        for m in modes:
            r = p.get(m)
            rv = None if r is None else (r["train_img_s"] if key == "train" else r["infer"].get(key))
            cells += [fmt(rv), "—" if ov is None or not rv else f"{ov / rv:.2f}"]
        row([name, label, fmt(ov)] + cells)
PY
say "figures in $OUT (torch.json, webgpu.json, table.md)"
[ $torch_rc -eq 0 ] && [ $ours_rc -eq 0 ]
