#!/usr/bin/env bash
# The demo: installs missing Debian packages, builds and runs the Lotka–Volterra example.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/install_deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build -j2 --target lotka_volterra
./build/examples/lotka_volterra
