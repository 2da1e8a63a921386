{
  "targets": [
    {
      "target_name": "alexnet_native",
      "sources": [
        "native/src/addon.cpp",
        "native/src/cpu.cpp",
        "native/src/threadpool.cpp",
        "native/src/gemm.cpp",
        "native/src/transpose.cpp",
        "native/src/ukernel_generic.cpp",
        "native/src/ukernel_avx2.cpp",
        "native/src/ukernel_avx512.cpp",
        "native/src/conv.cpp",
        "native/src/conv_col2im.cpp",
        "native/src/conv_gemm.cpp",
        "native/src/conv_pack.cpp",
        "native/src/conv_wgrad.cpp",
        "native/src/padded_input.cpp",
        "native/src/conv_direct.cpp",
        "native/src/conv_lanes.cpp",
        "native/src/winograd.cpp",
        "native/src/winograd5.cpp",
        "native/src/winograd_avx512.cpp",
        "native/src/winograd_grad.cpp",
        "native/src/linear.cpp",
        "native/src/linear_stream.cpp",
        "native/src/lrn.cpp",
        "native/src/pool.cpp",
        "native/src/pool_avx512.cpp",
        "native/src/elementwise.cpp",
        "native/src/memory_advice.cpp"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      # -ffp-contract=fast (GCC's default for C++, spelled out): wherever the
      # code being compiled has FMA (the AVX-512 and AVX2 kernels; the plain
      # loops' AVX-512 variants, isa_targets.h), GCC may fuse a*b + c into one
      # rounding. Results are therefore per build and ISA path: one build gives
      # the same bits on any x86-64 machine running the same path (detected, or
      # ALEXNET_ISA / setIsa) at any thread count, while different paths, or
      # another compiler version, differ in the last bits. The generic path has
      # no FMA on x86-64 and rounds every product. -ffp-contract=off would make
      # the fusing explicit (intrinsics only) but changes the AVX-512 path's
      # results (Winograd 5x5, LRN, SGD, small-batch linear).
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions", "-fno-math-errno", "-fno-trapping-math", "-ffp-contract=fast", "-pthread"],
      "ldflags": ["-pthread"]
    }
  ]
}
