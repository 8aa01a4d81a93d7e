#!/usr/bin/env bash
# Installs the Debian 12 packages of the benchmark peers, only those that are missing (idempotent;
# run as root): ADOL-C (tape-based AD), SUNDIALS (CVODES), gnuplot (the README's plots), pkg-config (to find ADOL-C).
set -euo pipefail
packages=(libadolc-dev libsundials-dev gnuplot-nox pkg-config)
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
