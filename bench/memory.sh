#!/usr/bin/env bash
# Peak resident memory of one Lotka–Volterra gradient (rk4, N equal steps on t ∈ [0, 10]) for
# N = 1e2 … 1e6, each in its own process, for the checkpointed adjoint (automatic and 8 equal
# segments), backsolve, and — for contrast — a forward solve that keeps every step, as a tape would.
# With the ADOL-C peer built, also the peak memory and tape size of its discretise-then-optimise
# gradient. Writes memory.tsv (method, N, peak KiB[, tape bytes]) into $COSTATE_BENCH_OUT (default:
# the build directory); bench/run_benchmarks.sh runs it and puts the table into docs/performance.md.
#
# Usage (from anywhere): bash bench/memory.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build"
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release
else
  cmake -S "$root" -B "$build" >/dev/null
fi
cmake --build "$build" --target bench_memory -j2
if cmake --build "$build" --target help | grep -q bench_adolc; then cmake --build "$build" --target bench_adolc -j2; fi
bin="$build/bench/bench_memory"
[[ -x "$bin" ]] || { echo "memory.sh: $bin was not built (is Google Benchmark installed? bench/ is skipped without it)" >&2; exit 1; }

steps=(1e2 1e3 1e4 1e5 1e6)
methods=(checkpointed checkpointed8 backsolve solve)
declare -A peak_kib
for m in "${methods[@]}"; do
  for n in "${steps[@]}"; do
    read -r _ _ peak base grow secs loss g0 < <("$bin" "$m" "$n")
    peak_kib["$m,$n"]=$peak
  done
done

# ADOL-C: the tape of the whole RK4 solve (discretise-then-optimise), where the peer is built.
adolc="$build/bench/bench_adolc"
out="${COSTATE_BENCH_OUT:-$build}"
: > "$out/memory.tsv"
for m in "${methods[@]}"; do
  for n in "${steps[@]}"; do printf '%s\t%s\t%s\n' "$m" "$n" "${peak_kib[$m,$n]}" >> "$out/memory.tsv"; done
done
if [[ -x "$adolc" ]]; then
  for n in "${steps[@]}"; do
    line=$(cd "$out" && "$adolc" --memory "$(printf '%.0f' "$n")")
    rss=$(sed -n 's/.*peak_rss_kib=\([0-9]*\).*/\1/p' <<<"$line")
    tape=$(sed -n 's/.*tape_bytes=\([0-9]*\).*/\1/p' <<<"$line")
    printf 'adolc\t%s\t%s\t%s\n' "$n" "$rss" "$tape" >> "$out/memory.tsv"
  done
fi
echo "memory.sh: wrote $out/memory.tsv"
cat "$out/memory.tsv"
