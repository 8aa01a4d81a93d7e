#!/usr/bin/env bash
# The stiff reaction–diffusion gradient (bench/stiff_pde.cpp: Brusselator, 2000 states, t ∈ [0, 10]):
# costate's rodas5p with its sparse (banded) LU against CVODES' BDF with its banded solver, in the
# same run, each method in its own process so that each peak resident size is its own. Accuracy of
# dL/dθ (3 values) and of three components of dL/dz0 against costate at rtol 1e-10. Prints a table.
#
# Usage (from anywhere): bash bench/stiff_pde.sh [reps]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build"
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release
fi
cmake --build "$build" --target bench_stiff_pde -j2
bin="$build/bench/bench_stiff_pde"
[[ -x "$bin" ]] || { echo "stiff_pde.sh: $bin was not built (needs Google Benchmark's bench/ directory, CVODES and Eigen)" >&2; exit 1; }
reps="${1:-5}"
ref="$("$bin" reference 1e-10 1 2>/dev/null)"
{
  echo "$ref"
  for rtol in 1e-5 1e-6 1e-7; do "$bin" costate "$rtol" "$reps" 2>/dev/null; done
  for rtol in 1e-6 1e-7 1e-8; do "$bin" cvodes "$rtol" "$reps" 2>/dev/null; done
} | python3 -c '
import sys
rows = [l.split() for l in sys.stdin if l.strip()]
ref = [float(x) for x in rows[0][8:14]]
print("| method | rtol | time (best of runs) | peak RSS | steps fwd + bwd | dL/dθ worst rel. error | dL/dz0 worst rel. error |")
print("|---|---:|---:|---:|---:|---:|---:|")
for r in rows[1:]:
    g = [float(x) for x in r[8:14]]
    eth = max(abs(a - b) / abs(b) for a, b in zip(g[:3], ref[:3]))
    ez = max(abs(a - b) / abs(b) for a, b in zip(g[3:], ref[3:]))
    print(f"| {r[0]} | {r[1]} | {float(r[2])*1e3:.0f} ms | {int(r[3])/1024:.1f} MiB | {r[4]} + {r[5]} | {eth:.1e} | {ez:.1e} |")
'
