#!/usr/bin/env bash
# Trains the neural ODE on the spiral (examples/neural_ode_spiral.cpp): installs missing Debian
# packages, builds, runs in build/spiral/ and leaves spiral_loss.png and spiral_fit.png there.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/install_deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build -j2 --target neural_ode_spiral
mkdir -p build/spiral
cd build/spiral
../examples/neural_ode_spiral
echo "plots: $(pwd)/spiral_loss.png $(pwd)/spiral_fit.png"
