#!/bin/sh
# The bench kit: our WGSL kernels and models on this machine's GPU through Dawn (Vulkan), against onnxruntime-web.
# Needs only an x86-64 Linux with a Vulkan driver (and xz or python3 to unpack, once). Usage, from any folder:
#   sh /path/to/bench-kit/run.sh [--kernels] [--software] [--runs N] [--out FILE]
# Prints the table and writes the report as JSON (default: bench-kit-<time>.json in the current folder).
set -eu
kit=$(cd "$(dirname "$0")" && pwd)

# Unpack the xz-compressed files once, beside themselves.
unxz_to() { # <file.xz> <target>
  if command -v xz >/dev/null 2>&1; then xz -dc "$1" > "$2.partial"
  elif command -v python3 >/dev/null 2>&1; then python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2.partial"
  else echo "bench kit: unpacking needs xz (xz-utils) or python3; neither is installed." >&2; exit 1
  fi
  mv "$2.partial" "$2"
}
for packed in bin/node.xz app/node_modules/webgpu/dist/linux-x64/dawn.node.xz \
  app/node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm.xz \
  app/node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.wasm.xz; do
  target="$kit/${packed%.xz}"
  [ -f "$target" ] || { echo "bench kit: unpacking ${packed%.xz}" >&2; unxz_to "$kit/$packed" "$target"; }
done
chmod +x "$kit/bin/node"

# The Vulkan loader: the system's if it has one, else the kit's copy.
if ! (ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1'); then
  [ -f "$kit/lib/libvulkan.so.1" ] && export LD_LIBRARY_PATH="$kit/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
# NVIDIA containers keep their ICD outside the loader's search path.
if [ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ] && [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi

exec "$kit/bin/node" "$kit/app/bench.mjs" "$@"
