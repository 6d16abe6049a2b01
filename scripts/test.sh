#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: unit tests and the
# conformance cases (Release), then the unit tests and conformance cases again
# under AddressSanitizer + UBSan.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

"$root/scripts/install-deps.sh"

# The copy of the reference cases must match ../shared when it is there.
shared="$root/../shared/conformance/cases"
if [ -d "$shared" ] && ! diff -rq "$shared" "$root/tests/conformance/siddhi" >/dev/null; then
  echo "test: tests/conformance/siddhi differs from $shared; run scripts/sync-conformance.sh" >&2
  exit 1
fi

echo "== Release build and tests"
"$root/scripts/build.sh"
ctest --test-dir build --output-on-failure -j2

echo "== AddressSanitizer + UBSan build and tests"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DEDDY_SANITIZE=ON -DEDDY_BUILD_BENCH=OFF >/dev/null
cmake --build build-asan -j2 --target eddy_unit_tests eddy_conformance eddy_cli
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j2
