#!/usr/bin/env bash
# The test command: installs missing Debian packages, then builds everything and runs all tests with
# g++ (build/) and with clang-16 (build-clang/), then what CI affords of the sanitizer runs
# (tests/sanitize.sh ci: ThreadSanitizer on concurrent gradients, ASan + UBSan on the solve layer).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/install_deps.sh
for cxx in g++ clang++-16; do
  dir=build
  [ "$cxx" = g++ ] || dir=build-clang
  echo "== $cxx: $dir/"
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="$cxx"
  cmake --build "$dir" -j2
  ctest --test-dir "$dir" -j2 --output-on-failure
done
bash tests/sanitize.sh ci
