#!/usr/bin/env bash
# Regenerates docs/performance.md's tables and docs/compile-time.md's from one run, on this machine:
#   1. installs the peers' Debian packages where missing (bench/install_peers.sh: ADOL-C, SUNDIALS,
#      gnuplot), configures build/ (Release) and builds every benchmark, timing the compilation of
#      each benchmark translation unit;
#   2. runs each benchmark binary once (7 repetitions, randomly interleaved, the fastest of them): costate,
#      hand-written, ADOL-C and CVODES;
#   3. measures peak memory against the number of steps (bench/memory.sh, one process per point);
#   4. writes the tables between <!-- bench:begin --> and <!-- bench:end --> in docs/performance.md
#      and the plots into bench/plots/ (bench/report.py), then the compile-time tables into
#      docs/compile-time.md (bench/compile_time.sh).
# COSTATE_BENCH_DOC=path writes the performance tables into another file instead (and skips the
# compile-time tables), to try the script out.
# Takes about 9 minutes from a clean clone on 2 cores (about 7 with the build already there).
#
# Usage (from anywhere, as root for the package installation): bash bench/run_benchmarks.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build"
cd "$root"
start=$SECONDS

bash "$root/bench/install_peers.sh"  # the project's packages and the peers'

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
benches=(bench_lotka_volterra bench_neural_ode bench_lorenz96 bench_lorenz96_10k bench_stiff bench_memory)
targets="$(cmake --build "$build" --target help)"
for peer in bench_adolc bench_cvodes bench_advection_diffusion; do
  if grep -q "$peer" <<<"$targets"; then benches+=("$peer"); else echo "run_benchmarks.sh: $peer is not configured (package missing?)" >&2; fi
done
cmake --build "$build" --target "${benches[@]}" -j2

# The raw results stay in build/bench_results: `python3 bench/report.py build/bench_results docs/performance.md
# bench/plots build/bench_results/*.json` rewrites the tables from them again.
out="$build/bench_results"
rm -rf "$out"
mkdir -p "$out"

# Compile time and compiler memory of each benchmark translation unit: its own compile command from
# compile_commands.json, run once more under /usr/bin/time (the objects are up to date, so nothing
# else is compiling).
python3 - "$build/compile_commands.json" "$out" <<'PY'
import json, os, shlex, subprocess, sys, tempfile
cmds, out = sys.argv[1], sys.argv[2]
scratch = tempfile.mkdtemp()
rows = []
for e in json.load(open(cmds)):
    src = e["file"]
    if "/bench/" not in src or not src.endswith(".cpp"):
        continue
    args = shlex.split(e["command"])
    i = args.index("-o")
    args[i + 1] = os.path.join(scratch, "tu.o")
    res = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", os.path.join(scratch, "time.txt")] + args, cwd=e["directory"])
    if res.returncode != 0:
        continue
    secs, kib = open(os.path.join(scratch, "time.txt")).read().split()
    rows.append(f"bench/{os.path.basename(src)}\t{secs}\t{kib}")
open(os.path.join(out, "compile.tsv"), "w").write("\n".join(sorted(rows)) + "\n")
PY

# One run per binary: each ratio compares times of the same run (report.py takes each benchmark's
# fastest repetition). Repetitions are interleaved in random order, so that load drifting during
# the run (a 2-core VM) affects all sides alike.
jsons=()
for b in "${benches[@]}"; do
  [[ "$b" == bench_memory ]] && continue
  echo "running $b" >&2
  # Every repetition goes to the JSON file (report.py takes the fastest); the console shows aggregates.
  (cd "$out" && "$build/bench/$b" --benchmark_repetitions=7 --benchmark_display_aggregates_only=true \
    --benchmark_enable_random_interleaving=true --benchmark_out="$out/$b.json" --benchmark_out_format=json >&2)
  jsons+=("$out/$b.json")
done

COSTATE_BENCH_OUT="$out" bash "$root/bench/memory.sh" >&2

{
  grep -m1 '^model name' /proc/cpuinfo | sed 's/^model name[[:space:]]*:[[:space:]]*//' || echo unknown
  nproc
  c++ --version | head -n1
  date -u '+%Y-%m-%d %H:%M UTC'
} >"$out/machine.txt"

python3 "$root/bench/report.py" "$out" "${COSTATE_BENCH_DOC:-$root/docs/performance.md}" "$root/bench/plots" "${jsons[@]}"
if [[ -z "${COSTATE_BENCH_DOC:-}" ]]; then bash "$root/bench/compile_time.sh"; fi
echo "run_benchmarks.sh: done in $((SECONDS - start)) s"
