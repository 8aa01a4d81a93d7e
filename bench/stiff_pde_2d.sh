#!/usr/bin/env bash
# The stiff 2-D reaction–diffusion gradient (bench/stiff_pde_2d.cpp: Brusselator on a 32×32 grid behind
# zero-flux walls, 2048 states, t ∈ [0, 10]): costate's rodas5p with its sparse LU (Eigen's SparseLU as
# it chooses, and its banded LU: bench_stiff_pde_2d_band) against CVODES' BDF with its banded solver,
# each method in its own process so that each peak resident size is its own. Accuracy of dL/dθ
# (3 values) and of three components of dL/dz0 against costate at rtol 1e-10. Prints a table.
#
# Usage (from anywhere): bash bench/stiff_pde_2d.sh [reps]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build"
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release
fi
cmake --build "$build" --target bench_stiff_pde_2d bench_stiff_pde_2d_band -j2
bin="$build/bench/bench_stiff_pde_2d"
[[ -x "$bin" ]] || { echo "stiff_pde_2d.sh: $bin was not built (needs Google Benchmark's bench/ directory, CVODES and Eigen)" >&2; exit 1; }
reps="${1:-3}"
ref="$("$bin" reference 1e-10 1 2>/dev/null)"
{
  echo "$ref"
  for rtol in 1e-6 1e-7 1e-8; do "$bin" costate "$rtol" "$reps" 2>/dev/null; done
  for rtol in 1e-6 1e-7; do "$bin"_band costate "$rtol" "$reps" 2>/dev/null | sed 's/^costate/costate-band/'; done
  for rtol in 1e-7 1e-8 1e-9; do "$bin" cvodes "$rtol" "$reps" 2>/dev/null; done
} | python3 -c '
import sys
rows = [l.split() for l in sys.stdin if l.strip()]
ref = [float(x) for x in rows[0][7:14]]
print("| method | rtol | time (best of runs) | peak RSS | steps fwd + bwd | dL/dθ worst rel. error | dL/dz0 worst rel. error |")
print("|---|---:|---:|---:|---:|---:|---:|")
for r in rows[1:]:
    g = [float(x) for x in r[7:14]]
    eth = max(abs(a - b) / abs(b) for a, b in zip(g[1:4], ref[1:4]))
    ez = max(abs(a - b) / abs(b) for a, b in zip(g[4:], ref[4:]))
    print(f"| {r[0]} | {r[1]} | {float(r[2])*1e3:.0f} ms | {int(r[3])/1024:.1f} MiB | {r[4]} + {r[5]} | {eth:.1e} | {ez:.1e} |")
'
