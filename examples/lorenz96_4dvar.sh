#!/usr/bin/env bash
# 4D-Var on Lorenz-96 (examples/lorenz96_4dvar.cpp): installs missing Debian packages (NLopt among
# them), builds, runs in build/lorenz96_4dvar/ and leaves lorenz96_4dvar_cost.png,
# lorenz96_4dvar_state.png and lorenz96_4dvar_forecast.png there.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/install_deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build -j2 --target lorenz96_4dvar
mkdir -p build/lorenz96_4dvar
cd build/lorenz96_4dvar
../examples/lorenz96_4dvar
echo "plots: $(pwd)/lorenz96_4dvar_cost.png $(pwd)/lorenz96_4dvar_state.png $(pwd)/lorenz96_4dvar_forecast.png"
