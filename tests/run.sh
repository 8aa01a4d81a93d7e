#!/usr/bin/env bash
# The test command: installs missing Debian packages, then builds everything and runs all tests with
# g++ (build/) and with clang-16 (build-clang/; without the benchmarks and their smoke tests, which
# the g++ build already compiles and runs: they would add about two minutes to a CI budget of 30,
# and without the tests labelled `once` in tests/CMakeLists.txt, which do not depend on the compiler),
# then what CI affords of the sanitizer runs
# (tests/sanitize.sh ci: ThreadSanitizer on concurrent gradients, ASan + UBSan on the solve layer).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/install_deps.sh
for cxx in g++ clang++-16; do
  dir=build
  extra=()
  skip=()
  [ "$cxx" = g++ ] || { dir=build-clang; extra=(-DCOSTATE_BUILD_BENCHMARKS=OFF); skip=(-LE once); }
  echo "== $cxx: $dir/"
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="$cxx" "${extra[@]}"
  cmake --build "$dir" -j2
  ctest --test-dir "$dir" -j2 --output-on-failure "${skip[@]}"
done
bash tests/sanitize.sh ci
