#!/usr/bin/env bash
# The 2-D Brusselator's sensitivity maps (examples/brusselator_2d.cpp): installs missing Debian packages
# (Eigen and gnuplot among them), builds, runs in build/brusselator_2d/ and leaves brusselator_2d_u.png
# and brusselator_2d_sensitivity.png there.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/install_deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build -j2 --target brusselator_2d
mkdir -p build/brusselator_2d
cd build/brusselator_2d
../examples/brusselator_2d
echo "plots: $(pwd)/brusselator_2d_u.png $(pwd)/brusselator_2d_sensitivity.png"
