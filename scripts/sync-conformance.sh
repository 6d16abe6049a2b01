#!/usr/bin/env bash
# Copies the reference conformance cases (../shared/conformance/cases, recorded
# from the real Siddhi) into tests/conformance/siddhi, which the tests run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
src="${1:-$root/../shared/conformance/cases}"
[ -d "$src" ] || { echo "sync-conformance: no cases at $src" >&2; exit 1; }
rm -rf "$root/tests/conformance/siddhi"
mkdir -p "$root/tests/conformance/siddhi"
cp -R "$src"/. "$root/tests/conformance/siddhi/"
echo "copied $(find "$root/tests/conformance/siddhi" -name app.siddhiql | wc -l) cases into tests/conformance/siddhi"
