#!/usr/bin/env bash
# Installs the Debian 12 packages costate needs, only those that are missing (idempotent; run as root).
# Further packages named as arguments are installed the same way (bench/install_peers.sh).
set -euo pipefail
packages=(cmake g++ clang-16 libclang-rt-16-dev make libboost-dev catch2 libbenchmark-dev python3 gnuplot-nox libxtensor-dev libnlopt-cxx-dev libeigen3-dev time doxygen "$@")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
