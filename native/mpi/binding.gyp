{
  "targets": [
    {
      "target_name": "alexnet_mpi",
      "sources": ["mpi_addon.cpp"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "OMPI_SKIP_MPICXX=1", "MPICH_SKIP_MPICXX=1"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-std=c++17", "-O2", "-fexceptions", "<!@(node ../../tools/mpi-flags.mjs --compile)"],
      "libraries": ["<!@(node ../../tools/mpi-flags.mjs --link)"]
    }
  ]
}
