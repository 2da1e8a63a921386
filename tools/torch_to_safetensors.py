#!/usr/bin/python3
"""Converts a PyTorch AlexNet state dict to a safetensors file that
`loadWeights` / `alexnet export --weights` read, without the `safetensors`
Python package (Debian has none): only torch, numpy and tools/safetensors_lite.py.

  /usr/bin/python3 tools/torch_to_safetensors.py --torchvision alexnet-torchvision.safetensors
      torchvision's ImageNet weights (IMAGENET1K_V1; downloaded once into ~/.cache/torch)
  /usr/bin/python3 tools/torch_to_safetensors.py --state-dict model.pt [--preset NAME] out.safetensors
      a state dict saved with torch.save (or a whole model, or a checkpoint with a 'state_dict' key)

Tensors keep their PyTorch names (features.0.weight, …) and layouts, as float32.
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_lite import write_safetensors  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--torchvision", action="store_true", help="torchvision.models.alexnet(weights='IMAGENET1K_V1')")
    src.add_argument("--state-dict", metavar="FILE", help="a torch.save'd state dict, model or checkpoint")
    ap.add_argument("--preset", help="preset to record in the metadata (default: torchvision with --torchvision, none otherwise)")
    ap.add_argument("out", help="the .safetensors file to write")
    a = ap.parse_args()
    if a.torchvision:
        import torchvision

        sd = torchvision.models.alexnet(weights="IMAGENET1K_V1").state_dict()
        preset = a.preset or "torchvision"
    else:
        obj = torch.load(a.state_dict, map_location="cpu")
        if isinstance(obj, torch.nn.Module):
            obj = obj.state_dict()
        sd = obj.get("state_dict", obj) if isinstance(obj, dict) else None
        if not isinstance(sd, dict):
            sys.exit(f"{a.state_dict}: not a state dict, model or checkpoint")
        preset = a.preset
    tensors = [(name, t.detach().to(torch.float32).contiguous().numpy()) for name, t in sd.items()]
    write_safetensors(a.out, tensors, {"preset": preset} if preset else None)
    print(f"wrote {a.out}: {len(tensors)} tensors, {sum(t.size for _, t in tensors):,} parameters")


if __name__ == "__main__":
    main()
