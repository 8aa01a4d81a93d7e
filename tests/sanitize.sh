#!/usr/bin/env bash
# The test suite under sanitizers, built apart from the main build (build-sanitize/).
#
#   bash tests/sanitize.sh          all of tests/ under AddressSanitizer + UndefinedBehaviorSanitizer,
#                                   and the concurrent-gradient test under ThreadSanitizer (before a
#                                   release: ~30 minutes to build on 2 cores)
#   bash tests/sanitize.sh ci       what CI runs within its budget: the ThreadSanitizer test, and
#                                   ASan + UBSan on the tests of the parts that allocate and index
#                                   (the solve layer: checkpoints, dense output, observations) and on
#                                   the evaluation plan
#
# Compiler: $CXX, default clang++-16 (its sanitizer runtimes are libclang-rt-16-dev). Any report
# fails the run (halt_on_error, UBSan without recovery).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}
cxx=${CXX:-clang++-16}
bash tests/install_deps.sh
out=build-sanitize
mkdir -p "$out"
flags=(-std=c++20 -O1 -g -fno-omit-frame-pointer -Iinclude -DCATCH_CONFIG_FAST_COMPILE)
export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 TSAN_OPTIONS=halt_on_error=1

# name, sanitizer flags, sources: compiles each source (two at a time), links, runs.
build_and_run() {
  local name=$1 san=$2
  shift 2
  mkdir -p "$out/$name"
  local objs=()
  for src in tests/main.cpp "$@"; do
    local obj="$out/$name/$(tr / _ <<< "$src").o" opt=()
    objs+=("$obj")
    # Catch2's runner is not under test: at -O0 it compiles in 12-14 s instead of 30-56 s.
    [ "$src" != tests/main.cpp ] || opt=(-O0)
    "$cxx" "${flags[@]}" "${opt[@]}" $san -c "$src" -o "$obj" &
    while (( $(jobs -rp | wc -l) >= 2 )); do wait -n; done
  done
  for p in $(jobs -p); do wait "$p"; done
  "$cxx" $san "${objs[@]}" -o "$out/$name/tests" -pthread
  echo "== $name: running"
  "$out/$name/tests"
}

build_and_run thread "-fsanitize=thread" tests/concurrency/test_threads.cpp
asan="-fsanitize=address,undefined -fno-sanitize-recover=all"
if [ "$mode" = ci ]; then
  build_and_run address_undefined "$asan" tests/solve/test_gradient.cpp tests/solve/test_checkpointed.cpp \
    tests/solve/test_observations.cpp tests/solve/test_errors.cpp tests/solve/test_dense.cpp tests/expr/test_plan.cpp
else
  build_and_run address_undefined "$asan" $(sed -n '/set(COSTATE_TEST_SOURCES/,/)/p' tests/CMakeLists.txt | grep -o '[a-z_/]*\.cpp' | sed 's|^|tests/|')
fi
