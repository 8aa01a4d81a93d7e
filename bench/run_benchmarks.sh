#!/usr/bin/env bash
# Builds bench_lotka_volterra and bench_neural_ode, runs each once (5 randomly interleaved repetitions, aggregates
# only) and writes one table of medians, costate against hand-written, into README.md between the lines
#   <!-- bench:begin -->
#   <!-- bench:end -->
# If README.md or the markers are missing, the table is printed and README.md is left alone.
# (COSTATE_BENCH_README=path writes into another file instead, to try the script out.)
#
# Usage (from anywhere): bash bench/run_benchmarks.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build"
cd "$root"

if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release
else
  # Re-generate first: with a build tree configured before a benchmark target was added, a
  # multi-target build would stop at "No rule to make target" before make re-runs cmake.
  cmake -S "$root" -B "$build" >/dev/null
fi
benches=(bench_lotka_volterra bench_neural_ode)
cmake --build "$build" --target "${benches[@]}" -j2

for b in "${benches[@]}"; do
  if [[ ! -x "$build/bench/$b" ]]; then
    echo "run_benchmarks.sh: $build/bench/$b was not built (is Google Benchmark installed? cmake says so when configuring)" >&2
    exit 1
  fi
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# One run per binary: each ratio compares medians of the same run. Repetitions are interleaved in
# random order, so that load drifting during the run (a 2-core VM) affects costate and hand-written
# alike rather than whichever block of repetitions it falls on. The consistency checks print to stderr.
jsons=()
for b in "${benches[@]}"; do
  "$build/bench/$b" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true --benchmark_format=json \
    --benchmark_enable_random_interleaving=true >"$tmp/$b.json"
  jsons+=("$tmp/$b.json")
done

cpu="$(grep -m1 '^model name' /proc/cpuinfo | sed 's/^model name[[:space:]]*:[[:space:]]*//' || true)"
cores="$(nproc)"
compiler="$(c++ --version | head -n1)"
date_utc="$(date -u '+%Y-%m-%d %H:%M UTC')"

python3 - "${COSTATE_BENCH_README:-$root/README.md}" "$cpu" "$cores" "$compiler" "$date_utc" "${jsons[@]}" <<'PY'
import json, os, sys

readme, cpu, cores, compiler, date = sys.argv[1:6]
to_ns = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
median, cv = {}, {}
ctx = {}
for json_path in sys.argv[6:]:
    with open(json_path) as f:
        data = json.load(f)
    ctx = ctx or data.get("context", {})
    for b in data["benchmarks"]:
        if b.get("run_type") != "aggregate":
            continue
        name = b["run_name"]
        if b["aggregate_name"] == "median":
            median[name] = b["cpu_time"] * to_ns[b["time_unit"]]
        elif b["aggregate_name"] == "cv":
            cv[name] = b["cpu_time"]  # a fraction

def fmt(ns):  # three significant digits
    for scale, unit in ((1.0, "ns"), (1e3, "µs"), (1e6, "ms")):
        v = ns / scale
        if v < 1e3 or unit == "ms":
            return f"{v:.{2 if v < 10 else 1 if v < 100 else 0}f} {unit}"

rows = [
    ("Lotka–Volterra, augmented adjoint RHS, one evaluation (9 states)", "BM_vjp_costate", "BM_vjp_handwritten"),
    ("Lotka–Volterra, gradient, dopri5, rtol = atol = 1e-8", "BM_gradient_costate", "BM_gradient_handwritten"),
    ("Lotka–Volterra, gradient, rk4, dt = 1e-3", "BM_gradient_costate_rk4", "BM_gradient_handwritten_rk4"),
]
for h in (16, 64):
    m = 2 * 2 + 5 * h + 2 + 1  # [z, λ, g_θ, g_t]
    rows += [
        (f"neural ODE H={h}, augmented adjoint RHS ({m} states)", f"BM_nn_vjp_costate<{h}>", f"BM_nn_vjp_handwritten<{h}>"),
        (f"neural ODE H={h}, gradient dopri5 1e-8", f"BM_nn_gradient_costate<{h}>", f"BM_nn_gradient_handwritten<{h}>"),
    ]
lines = [
    "| benchmark | costate (median) | hand-written (median) | ratio costate / hand-written |",
    "|---|---:|---:|---:|",
]
for label, c, h in rows:
    if c not in median or h not in median:
        sys.exit(f"run_benchmarks.sh: missing results for {c} or {h}")
    lines.append(f"| {label} | {fmt(median[c])} | {fmt(median[h])} | {median[c] / median[h]:.2f} |")

# The default adjoint against backsolve, both costate: the price of never integrating z backward.
lines += [
    "",
    "| costate's default, `checkpointed{}`, against `backsolve` | checkpointed (median) | backsolve (median) | ratio |",
    "|---|---:|---:|---:|",
]
for label, c, b in [
    ("Lotka–Volterra, gradient, dopri5, 1e-8", "BM_gradient_costate_checkpointed", "BM_gradient_costate"),
    ("Lotka–Volterra, gradient, rk4, dt = 1e-3", "BM_gradient_costate_rk4_checkpointed", "BM_gradient_costate_rk4"),
    ("neural ODE H=16, gradient dopri5 1e-8", "BM_nn_gradient_costate<16, true>", "BM_nn_gradient_costate<16>"),
    ("neural ODE H=64, gradient dopri5 1e-8", "BM_nn_gradient_costate<64, true>", "BM_nn_gradient_costate<64>"),
]:
    if c not in median or b not in median:
        sys.exit(f"run_benchmarks.sh: missing results for {c} or {b}")
    lines.append(f"| {label} | {fmt(median[c])} | {fmt(median[b])} | {median[c] / median[b]:.2f} |")

worst_cv = max(cv.values()) if cv else float("nan")
section = "\n".join(lines) + "\n\n" + "\n".join([
    "Lotka–Volterra: θ = (1.5, 1, 3, 1), z0 = (1, 1), t ∈ [0, 10], L = ½|z(t1)|².",
    "Neural ODE: dz/dt = W2·tanh(W1·z + b1) + b2, z ∈ R², hidden width H, θ = (W1, b1, W2, b2) flat",
    "(5H + 2 values) drawn from N(0, 0.3²) with a fixed seed, z0 = (1, −0.5), t ∈ [0, 1], L = ½|z(t1)|².",
    "Medians of 5 repetitions of CPU time per iteration from one run per benchmark binary, repetitions",
    "interleaved in random order; the hand-written side is plain C++ right-hand sides (loops over",
    "fixed-size arrays for the neural ODE) driven through costate's own step loop with the same stepper",
    "and tolerances, so only the right-hand-side code differs.",
    f"Largest coefficient of variation over the 5 repetitions: {100 * worst_cv:.1f} %.",
    "",
    f"Machine: {cpu}, {cores} cores (nproc). Compiler: {compiler}, -O2.",
    f"Date: {date}. Google Benchmark {ctx.get('library_build_type', '?')} build (Debian's package; the timed loop "
    "itself is inlined from the header and compiled with -O2).",
    "",
    "Reproduce: `bash bench/run_benchmarks.sh`",
])

print(section)
print()

begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
if not os.path.exists(readme):
    print(f"run_benchmarks.sh: {readme} does not exist; the table above was not written anywhere.")
    sys.exit(0)
with open(readme, encoding="utf-8") as f:
    text = f.read()
lines_in = text.splitlines(keepends=True)
try:
    i = next(k for k, l in enumerate(lines_in) if l.strip() == begin)
    j = next(k for k, l in enumerate(lines_in) if k > i and l.strip() == end)
except StopIteration:
    print(f"run_benchmarks.sh: the markers {begin} / {end} are missing from README.md; "
          "the table above was not written anywhere.")
    sys.exit(0)
new = "".join(lines_in[: i + 1]) + "\n" + section + "\n\n" + "".join(lines_in[j:])
with open(readme, "w", encoding="utf-8") as f:
    f.write(new)
print(f"run_benchmarks.sh: wrote the table into {readme}")
PY
