#!/usr/bin/env bash
# Installs the Debian packages Eddy needs to build, test and run its demo.
# Idempotent and quiet when everything is already there. Run as root (or with sudo).
set -euo pipefail

packages=(
  g++ cmake ninja-build ccache pkg-config
  antlr4 libantlr4-runtime-dev        # grammar tool (generates C++ at build time) and runtime
  libboost-dev nlohmann-json3-dev libsimdjson-dev
  libpaho-mqttpp-dev libpaho-mqtt-dev libssl-dev
  doctest-dev libbenchmark-dev
  mosquitto mosquitto-clients
  python3
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root (missing: ${missing[*]})" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
