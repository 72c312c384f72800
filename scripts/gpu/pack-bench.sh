#!/usr/bin/env bash
# Packs the GPU half of `npm run bench` for a GPU machine without Node.js:
#   scripts/gpu/pack-bench.sh [out-dir]        (default .gpu/bench, git-ignored; ~50 MB)
# The folder holds Node + Dawn + scripts/bench/nodeWebgpuBench.ts bundled
# (../shared/tools/webgpu-node/pack.sh), the default model (shapes-clip/) and scale/
# (PyTorch's bench-step). On the GPU machine (NVIDIA driver; python3 with CUDA torch for
# the PyTorch column):
#   bash <out-dir>/run.sh [--batches 16,64] [--steps 20] [--out results.json]
# then, back here:  npm run bench -- --gpu-report results.json
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
out=$(realpath -m "${1:-$repo/.gpu/bench}")
pack="$repo/../shared/tools/webgpu-node/pack.sh"
[ -x "$pack" ] || [ -f "$pack" ] || { echo "error: $pack not found (the shared webgpu-node tools)" >&2; exit 1; }
bash "$pack" "$repo/scripts/bench/nodeWebgpuBench.ts" "$out"
mkdir -p "$out/shapes-clip" "$out/scale"
for f in config.json model.safetensors tokenizer.json tokenizer_config.json vocab.json merges.txt special_tokens_map.json; do
  [ -f "$repo/public/models/shapes-clip/$f" ] && cp "$repo/public/models/shapes-clip/$f" "$out/shapes-clip/"
done
cp "$repo/scale/cli.py" "$out/scale/"
cp -r "$repo/scale/hardneg_scale" "$out/scale/"
find "$out/scale" -name __pycache__ -prune -exec rm -rf {} +
echo "packed $out: copy it to the GPU machine and run: bash $(basename "$out")/run.sh --out results.json"
