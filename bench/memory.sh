#!/usr/bin/env bash
# Peak resident memory of one Lotka–Volterra gradient (rk4, N equal steps on t ∈ [0, 10]) for
# N = 1e2 … 1e6, each in its own process, for the checkpointed adjoint (automatic and 8 equal
# segments), backsolve, and — for contrast — a forward solve that keeps every step, as a tape would.
# Writes the table into README.md between
#   <!-- memory:begin -->
#   <!-- memory:end -->
# (COSTATE_BENCH_README=path writes into another file; without the markers the table is printed only.)
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
bin="$build/bench/bench_memory"
[[ -x "$bin" ]] || { echo "memory.sh: $bin was not built (is Google Benchmark installed? bench/ is skipped without it)" >&2; exit 1; }

steps=(1e2 1e3 1e4 1e5 1e6)
methods=(checkpointed checkpointed8 backsolve solve)
declare -A growth
for m in "${methods[@]}"; do
  for n in "${steps[@]}"; do
    read -r _ _ peak base grow secs loss g0 < <("$bin" "$m" "$n")
    growth["$m,$n"]=$((peak / 1024)).$(( (peak % 1024) * 10 / 1024 ))
  done
done

cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
cxx="$(c++ --version | head -1)"
{
  echo "Peak resident memory of the whole process, in MiB (getrusage; the program, libc and libstdc++ alone"
  echo "take about 3.2 MiB). Lotka–Volterra, rk4 with N equal steps on t ∈ [0, 10], one gradient per"
  echo "process. \`bash bench/memory.sh\`, $(date -u +%Y-%m-%d), $cpu, $cxx."
  echo
  printf '| method |'; for n in "${steps[@]}"; do printf ' N = %s |' "$n"; done; echo
  printf '|---|'; for n in "${steps[@]}"; do printf -- '---:|'; done; echo
  declare -A label=([checkpointed]='`checkpointed{}` (default)' [checkpointed8]='`checkpointed{8}`'
                    [backsolve]='`backsolve`' [solve]='forward solve keeping every step (a tape'"'"'s floor)')
  for m in "${methods[@]}"; do
    printf '| %s |' "${label[$m]}"
    for n in "${steps[@]}"; do printf ' %s |' "${growth[$m,$n]}"; done
    echo
  done
} > "$build/memory_table.md"

readme="${COSTATE_BENCH_README:-$root/README.md}"
if [[ -f "$readme" ]] && grep -q '<!-- memory:begin -->' "$readme" && grep -q '<!-- memory:end -->' "$readme"; then
  python3 - "$readme" "$build/memory_table.md" <<'PY'
import sys
readme, table = sys.argv[1], open(sys.argv[2]).read()
s = open(readme).read()
a = s.index('<!-- memory:begin -->') + len('<!-- memory:begin -->')
b = s.index('<!-- memory:end -->')
open(readme, 'w').write(s[:a] + '\n' + table + s[b:])
PY
  echo "memory.sh: wrote the table into $readme"
fi
cat "$build/memory_table.md"
