#!/usr/bin/env bash
# Configures and builds Eddy (Release) into build/; the CLI is build/eddy.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j2
