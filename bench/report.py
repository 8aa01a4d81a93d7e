#!/usr/bin/env python3
"""Writes the performance tables (docs/performance.md) and their plots from one run of the benchmarks.

    report.py OUT_DIR DOC PLOT_DIR JSON...

OUT_DIR holds what bench/run_benchmarks.sh measured besides the Google Benchmark JSON files:
memory.tsv (method, steps, peak KiB[, tape bytes]), compile.tsv (target, seconds, peak KiB) and
machine.txt (cpu, cores, compiler, date: one per line). The section goes between
<!-- bench:begin --> and <!-- bench:end --> in DOC; the plots (gnuplot, pngcairo) into PLOT_DIR.
Every ratio divides two times measured in the same run (each the fastest of its repetitions). A peer whose binary was not built (its
Debian package missing) shows as "not built"; a target that is missed is said so in the text.
"""
import json
import os
import subprocess
import sys

out_dir, doc, plot_dir = sys.argv[1:4]
to_ns = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
# Each benchmark's time is the fastest of its repetitions: on this shared machine load only ever adds
# time, and one burst of it can shift a median of a few repetitions by tens of percent. The median
# and the coefficient of variation are kept for the text.
median, fastest, cv, counters = {}, {}, {}, {}
for path in sys.argv[4:]:
    with open(path) as f:
        data = json.load(f)
    for b in data["benchmarks"]:
        # MeasureProcessCPUTime() (benchmarks whose gradient runs on a thread of its own) appends
        # "/process_time" to the name; its cpu_time is then the whole process's.
        name = b["run_name"].removesuffix("/process_time")
        if b.get("run_type") == "iteration":
            v = b["cpu_time"] * to_ns[b["time_unit"]]
            # Load makes CPU time a fraction of wall time, never a hundredth: that is work done on a
            # thread the per-thread measure does not count, and its ratios would be fiction.
            if b["cpu_time"] < 0.05 * b["real_time"]:
                sys.exit(f"report.py: {path}: {name}: CPU time {b['cpu_time']:.3g} against wall time "
                         f"{b['real_time']:.3g} {b['time_unit']}: the gradient ran on a thread this measure "
                         "misses; register the benchmark with ->MeasureProcessCPUTime()")
            fastest[name] = min(fastest.get(name, v), v)
            counters[name] = {k: v for k, v in b.items() if k in ("rel_err", "rel_err_max", "rel_err_y0", "steps_fwd", "steps_bwd", "lambda_max")}
        elif b.get("run_type") == "aggregate" and b["aggregate_name"] == "median":
            median[name] = b["cpu_time"] * to_ns[b["time_unit"]]
        elif b.get("run_type") == "aggregate" and b["aggregate_name"] == "cv":
            cv[name] = b["cpu_time"]

cpu, cores, compiler, date = (open(os.path.join(out_dir, "machine.txt")).read().splitlines() + ["?"] * 4)[:4]


def fmt(ns):
    if ns is None:
        return "not built"
    for scale, unit in ((1.0, "ns"), (1e3, "µs"), (1e6, "ms"), (1e9, "s")):
        v = ns / scale
        if v < 1e3 or unit == "s":
            return f"{v:.{2 if v < 10 else 1 if v < 100 else 0}f} {unit}"


def t(name):
    return fastest.get(name)


def ratio(a, b, digits=2):
    if a is None or b is None:
        return "–"
    r = a / b
    return f"{r:.0f}" if r >= 100 else f"{r:.{digits}f}"


def steps_label(n):
    return f"1e{len(str(n)) - 1}" if str(n).strip("0") == "1" else str(n)


def err(name, key="rel_err"):
    v = counters.get(name, {}).get(key)
    return "–" if v is None else f"{v:.1e}"


missed = []  # targets missed in this run, said plainly below the tables


def check(label, value, op, target):
    if value is None:
        return
    if (op == "<=" and value > target) or (op == ">=" and value < target):
        missed.append(f"{label}: {value:.2f} (target {op} {target:g})")


problems = [("Lotka–Volterra", "lv"), ("neural ODE, H = 16", "nn<16>"), ("neural ODE, H = 64", "nn<64>")]
costate_vjp = {"lv": "BM_vjp_costate", "nn<16>": "BM_nn_vjp_costate<16>", "nn<64>": "BM_nn_vjp_costate<64>"}
hand_vjp = {"lv": "BM_vjp_handwritten", "nn<16>": "BM_nn_vjp_handwritten<16>", "nn<64>": "BM_nn_vjp_handwritten<64>"}
costate_grad = {"lv": "BM_gradient_costate", "nn<16>": "BM_nn_gradient_costate<16>", "nn<64>": "BM_nn_gradient_costate<64>"}
costate_default = {"lv": "BM_gradient_costate_checkpointed", "nn<16>": "BM_nn_gradient_costate<16, 1>",
                   "nn<64>": "BM_nn_gradient_costate<64, 1>"}
hand_grad = {"lv": "BM_gradient_handwritten", "nn<16>": "BM_nn_gradient_handwritten<16>",
             "nn<64>": "BM_nn_gradient_handwritten<64>"}
adolc_vjp = {"lv": "BM_adolc_vjp_lv", "nn<16>": "BM_adolc_vjp_nn<16>", "nn<64>": "BM_adolc_vjp_nn<64>"}
adolc_grad = {"lv": "BM_adolc_gradient_lv", "nn<16>": "BM_adolc_gradient_nn<16>", "nn<64>": "BM_adolc_gradient_nn<64>"}
cvodes_grad = {"lv": "BM_cvodes_gradient_lv", "nn<16>": "BM_cvodes_gradient_nn<16>", "nn<64>": "BM_cvodes_gradient_nn<64>"}
# CVODES at tighter tolerances (and, for LV, polynomial instead of Hermite interpolation of z in the
# backward pass): the fastest variant whose rel_err is at most costate's default's is "CVODES at
# costate's accuracy".
cvodes_variants = {"lv": ["BM_cvodes_gradient_lv", "BM_cvodes_gradient_lv_tight", "BM_cvodes_gradient_lv_tight_polynomial"],
                   "nn<16>": ["BM_cvodes_gradient_nn<16>", "BM_cvodes_gradient_nn_tight<16>"],
                   "nn<64>": ["BM_cvodes_gradient_nn<64>", "BM_cvodes_gradient_nn_tight<64>"]}


def cvodes_at_accuracy(k):
    bound = counters.get(costate_default[k], {}).get("rel_err")
    ok = [v for v in cvodes_variants[k] if v in fastest and bound is not None
          and counters.get(v, {}).get("rel_err", 1) <= bound]
    return min(ok, key=lambda v: fastest[v]) if ok else None


cvodes_tight = {k: cvodes_at_accuracy(k) or "none" for k in cvodes_variants}

def variant_label(name):
    if name == "none":
        return "not built" if not any(v in fastest for vs in cvodes_variants.values() for v in vs) else "no variant reached it"
    tol = "1e-8" if "tight" not in name else {"lv": "1e-11", "nn<16>": "1e-10", "nn<64>": "1e-11"}.get(
        next(k for k in cvodes_variants if name in cvodes_variants[k]), "?")
    if name.endswith("_polynomial"):
        tol = "1e-9, polynomial interpolation"
    return f"rtol = atol = {tol}"


L = []
L += ["**One evaluation of the augmented adjoint right-hand side** [f, −λᵀ∂f/∂z, −λᵀ∂f/∂θ, −λᵀ∂f/∂t]:", "",
      "| problem | costate | hand-written | costate / hand | ADOL-C (taped f, one forward + reverse sweep) | ADOL-C / costate |",
      "|---|---:|---:|---:|---:|---:|"]
for label, k in problems:
    c, h, a = t(costate_vjp[k]), t(hand_vjp[k]), t(adolc_vjp[k])
    L.append(f"| {label} | {fmt(c)} | {fmt(h)} | {ratio(c, h)} | {fmt(a)} | {ratio(a, c, 1)} |")
    check(f"{label}, VJP, costate / hand-written", c / h if c and h else None, "<=", 1.10)
    check(f"{label}, VJP, ADOL-C / costate", a / c if a and c else None, ">=", 8)

L += ["", "**One gradient, dopri5 at rtol = atol = 1e-8** (CVODES: Adams–Moulton at the same tolerances, and at "
      "tighter ones that reach at least costate's accuracy). rel_err = max_k |dθ_k − ref_k| / max_k |ref_k| against "
      "a 1e-13 reference:", "",
      "| problem | costate backsolve | hand-written | costate / hand | costate default (checkpointed) "
      "| ADOL-C taped VJP in the same adjoint | ADOL-C / costate backsolve "
      "| CVODES 1e-8 | CVODES / costate default | CVODES at costate's accuracy (variant) | that / costate default "
      "| rel_err: costate, checkpointed, ADOL-C, CVODES, CVODES at accuracy |",
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
for label, k in problems:
    c, h, d, a, v, vt = (t(costate_grad[k]), t(hand_grad[k]), t(costate_default[k]), t(adolc_grad[k]),
                         t(cvodes_grad[k]), t(cvodes_tight[k]))
    errs = ", ".join(err(x[k]) for x in (costate_grad, costate_default, adolc_grad, cvodes_grad, cvodes_tight))
    L.append(f"| {label} | {fmt(c)} | {fmt(h)} | {ratio(c, h)} | {fmt(d)} | {fmt(a)} | {ratio(a, c, 1)} "
             f"| {fmt(v)} | {ratio(v, d, 1)} | {fmt(vt) if vt is not None else ''} ({variant_label(cvodes_tight[k])}) "
             f"| {ratio(vt, d, 1)} | {errs} |")
    check(f"{label}, gradient, costate / hand-written", c / h if c and h else None, "<=", 1.10)
    check(f"{label}, gradient, ADOL-C / costate", a / c if a and c else None, ">=", 8)
    target = 30 if k == "lv" else 8
    check(f"{label}, gradient, CVODES at costate's accuracy / costate default", vt / d if vt and d else None, ">=", target)
    if vt is None and v is not None:
        missed.append(f"{label}: no CVODES variant reached costate's accuracy, so the comparison at equal accuracy is missing")

# Against the plain Boost.Odeint program (integrate_adaptive + make_controlled(dopri5), forward then
# [z, λ, g_θ] backward, hand-written right-hand sides; bench/odeint_adjoint.hpp): odeint's own step loop.
plain = [("Lotka–Volterra", "BM_gradient_odeint", "BM_gradient_costate_backsolve", "BM_gradient_costate_checkpointed")] + [
    (f"neural ODE, H = {h}", f"BM_nn_gradient_odeint<{h}>", f"BM_nn_gradient_costate<{h}, 2>", f"BM_nn_gradient_costate<{h}, 1>")
    for h in (16, 64)] + [
    (f"Lorenz-96, n = {'10⁴' if k == 10000 else k}", f"BM_l96_gradient_odeint<{k}>", f"BM_l96_gradient_costate<{k}, 2>", f"BM_l96_gradient_costate<{k}, 1>")
    for k in (40, 1000, 10000)]
L += ["", "**One gradient against the plain Boost.Odeint adjoint** (a user's program without costate: "
      "`integrate_adaptive(make_controlled(atol, rtol, runge_kutta_dopri5<…>()), …)` forward, then [z, λ, g_θ] "
      "backward, hand-written right-hand sides; dopri5 at rtol = atol = 1e-8, each side with its own step-size "
      "controller; steps forward + backward):", "",
      "| problem | plain Odeint | costate `backsolve` | backsolve / Odeint | costate default (checkpointed) "
      "| default / Odeint | rel_err: Odeint, backsolve, default | steps: Odeint, backsolve, default |",
      "|---|---:|---:|---:|---:|---:|---|---|"]
for label, o, b, d in plain:
    to, tb, td = t(o), t(b), t(d)
    if to is None and tb is None:
        continue
    steps = ", ".join(
        f"{int(counters[x]['steps_fwd'])} + {int(counters[x]['steps_bwd'])}" if "steps_fwd" in counters.get(x, {}) else "–"
        for x in (o, b, d))
    L.append(f"| {label} | {fmt(to)} | {fmt(tb)} | {ratio(tb, to)} | {fmt(td)} | {ratio(td, to)} "
             f"| {err(o)}, {err(b)}, {err(d)} | {steps} |")
    check(f"{label}, gradient, costate backsolve / plain Odeint", tb / to if tb and to else None, "<=", 1.0)
    check(f"{label}, gradient, costate default / plain Odeint", td / to if td and to else None, "<=", 1.0)

L += ["", "**Lotka–Volterra, one gradient with classical RK4 at N equal steps** (t ∈ [0, 10]). ADOL-C "
      "discretise-then-optimise: the whole RK4 solve recorded on a tape and swept backward once; "
      "“record + sweep” re-records per gradient, “replay” re-evaluates a tape recorded once:", "",
      "| N | costate backsolve | hand-written | costate / hand | costate default (checkpointed) "
      "| ADOL-C record + sweep | ADOL-C / costate default | ADOL-C replay | replay / costate default "
      "| rel_err: costate, ADOL-C |",
      "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
for n in (100, 1000, 10000, 100000):
    c, h, d = t(f"BM_gradient_costate_rk4_steps/{n}"), t(f"BM_gradient_handwritten_rk4_steps/{n}"), \
        t(f"BM_gradient_costate_rk4_steps_checkpointed/{n}")
    a, r = t(f"BM_adolc_dto_lv/{n}"), t(f"BM_adolc_dto_replay_lv/{n}")
    L.append(f"| {steps_label(n)} | {fmt(c)} | {fmt(h)} | {ratio(c, h)} | {fmt(d)} | {fmt(a)} | {ratio(a, d, 1)} "
             f"| {fmt(r)} | {ratio(r, d, 1)} | {err(f'BM_gradient_costate_rk4_steps_checkpointed/{n}')}, "
             f"{err(f'BM_adolc_dto_lv/{n}')} |")
    check(f"LV rk4 N = {steps_label(n)}, gradient, costate / hand-written", c / h if c and h else None, "<=", 1.10)
    check(f"LV rk4 N = {steps_label(n)}, ADOL-C record + sweep / costate default", a / d if a and d else None, ">=", 8)

c, v = t("BM_robertson_costate"), t("BM_cvodes_gradient_robertson")
L += ["", "**Stiff: Robertson's kinetics on t ∈ [0, 40], one gradient at rtol = 1e-6, atol = 1e-10**: costate's "
      "rosenbrock4 (checkpointed adjoint, derived Jacobians) against CVODES' BDF with a dense Newton solver and "
      "hand-coded Jacobians. rel_err_max is the worst relative error over the three components (they span 8 "
      "orders of magnitude):", "",
      "| solver | time | CVODES / costate | rel_err | rel_err_max | steps forward + backward |", "|---|---:|---:|---:|---:|---:|"]
for label, name in (("costate rosenbrock4", "BM_robertson_costate"), ("CVODES BDF", "BM_cvodes_gradient_robertson")):
    cn = counters.get(name, {})
    steps = f"{cn['steps_fwd']:.0f} + {cn['steps_bwd']:.0f}" if "steps_fwd" in cn else "–"
    L.append(f"| {label} | {fmt(t(name))} | {ratio(t(name), c, 1) if name != 'BM_robertson_costate' else ''} "
             f"| {err(name)} | {err(name, 'rel_err_max')} | {steps} |")

c5, c4, v = t("BM_roberts_asai_costate<rodas5p>"), t("BM_roberts_asai_costate<rosenbrock4>"), t("BM_cvodes_roberts_asai")
L += ["", "**Stiff: SUNDIALS' own example `cvsRoberts_ASAi_dns`** (Robertson over [0, 4e7], G = ∫ y3 dt, dG/dp), "
      "each at the example's tolerances: rtol 1e-6, atol (1e-8, 1e-14, 1e-6), λ at atol 1e-8, the quadratures at "
      "atol 1e-6. CVODES as the example sets it up (BDF, dense Newton, hand-coded Jacobians, Hermite "
      "interpolation; bench_cvodes checks that it reproduces the published output); costate with derived "
      "Jacobians and its checkpointed adjoint. rel_err_max against the converged gradient:", "",
      "| solver | time | CVODES / costate | dG/dp: rel_err_max | dG/dy0: rel_err_max | steps forward + backward |",
      "|---|---:|---:|---:|---:|---:|"]
for label, name in (("costate rodas5p", "BM_roberts_asai_costate<rodas5p>"),
                    ("costate rosenbrock4", "BM_roberts_asai_costate<rosenbrock4>"), ("CVODES BDF", "BM_cvodes_roberts_asai")):
    cn = counters.get(name, {})
    steps = f"{cn['steps_fwd']:.0f} + {cn['steps_bwd']:.0f}" if "steps_fwd" in cn else "–"
    L.append(f"| {label} | {fmt(t(name))} | {ratio(v, t(name), 1) if name != 'BM_cvodes_roberts_asai' else ''} "
             f"| {err(name, 'rel_err_max')} | {err(name, 'rel_err_y0')} | {steps} |")
check("cvsRoberts_ASAi_dns, CVODES / costate rodas5p (time)", v / c5 if v and c5 else None, ">=", 1.0)
check("cvsRoberts_ASAi_dns, costate rodas5p rel_err_max", counters.get("BM_roberts_asai_costate<rodas5p>", {}).get("rel_err_max"),
      "<=", 1e-3)

c, v = t("BM_advdiff_costate"), t("BM_advdiff_cvodes_band")
L += ["", "**SUNDIALS' own example `cvsAdvDiff_ASAi_bnd`** (2-D advection–diffusion, 40 × 20 = 800 states, Dirichlet "
      "walls, t ∈ [0, 1], G = ∫ Σ u dt, λ(t0) = dG/du(t0); published: λ max = 1.128855e-01 at x = 1.170732, y = 0.4761905). "
      "costate: the grid as `state_matrix<40, 20>` with `shift<±1, axis>`, dopri5 at rtol = atol = 1e-6, checkpointed adjoint. "
      "CVODES as the example sets it up: BDF, Newton with the banded solver and hand-coded banded Jacobians, atol 1e-5 "
      "(rtol 0 forward, 1e-6 backward), Hermite interpolation. rel_err = max |λ − ref| / max |ref| against costate at 1e-12; "
      "bench_advection_diffusion checks that both reproduce the published λ max:", "",
      "| solver | time | CVODES / costate | λ max | rel_err | steps forward + backward |", "|---|---:|---:|---:|---:|---:|"]
for label, name in (("costate dopri5", "BM_advdiff_costate"), ("CVODES BDF, banded", "BM_advdiff_cvodes_band")):
    cn = counters.get(name, {})
    steps = f"{cn['steps_fwd']:.0f} + {cn['steps_bwd']:.0f}" if "steps_fwd" in cn else "–"
    lam = f"{cn['lambda_max']:.7e}" if "lambda_max" in cn else "–"
    L.append(f"| {label} | {fmt(t(name))} | {ratio(v, t(name), 1) if name != 'BM_advdiff_cvodes_band' else ''} "
             f"| {lam} | {err(name)} | {steps} |")
check("cvsAdvDiff_ASAi_bnd, CVODES / costate (time)", v / c if v and c else None, ">=", 1.0)

# Hairer & Wanner's stiff test set: costate's rodas5p against CVODES' BDF at rtol = atol = 1e-6 and 1e-10.
stiff_set = [("OREGO", "orego"), ("HIRES", "hires")]
L += ["", "**Stiff test set (Hairer & Wanner): one gradient at rtol = atol = 1e-6 and 1e-10**, every rate constant "
      "a parameter (OREGO: θ = (s, q, w), t ∈ [0, 360], L = ½(y1² + 1e-6 y2² + 1e-4 y3²) so that y2 does not make up "
      "99 % of it; HIRES: the 12 rate constants, t ∈ [0, 321.8122], L = ½|y(t1)|²). costate's rodas5p (checkpointed "
      "adjoint, derived Jacobians) against CVODES' BDF with a dense Newton solver and hand-coded Jacobians, z, λ and "
      "dL/dθ at the same tolerances in both. rel_err_max = max_k |dθ_k − ref_k| / |ref_k| against rodas5p at rtol "
      "1e-12 (checked against CVODES at 1e-12 and finite differences). At 1e-6, atol is loose for HIRES, whose "
      "states end between 6e-5 and 6e-3:", "",
      "| problem | rtol = atol | costate | CVODES | CVODES / costate | rel_err_max: costate, CVODES "
      "| steps fwd + bwd: costate | CVODES |", "|---|---:|---:|---:|---:|---|---:|---:|"]
for label, key in stiff_set:
    for e in (6, 10):
        cn, vn = f"BM_stiff_set_costate<{key}>/{e}", f"BM_cvodes_stiff_set<{key}_hand>/{e}"
        c, v = t(cn), t(vn)
        cc, vc = counters.get(cn, {}), counters.get(vn, {})
        fb = lambda x: f"{x['steps_fwd']:.0f} + {x['steps_bwd']:.0f}" if "steps_fwd" in x else "–"
        L.append(f"| {label} | 1e-{e} | {fmt(c)} | {fmt(v)} | {ratio(v, c, 1)} | {err(cn, 'rel_err_max')}, "
                 f"{err(vn, 'rel_err_max')} | {fb(cc)} | {fb(vc)} |")
        check(f"{label} 1e-{e}, CVODES / costate rodas5p (time)", v / c if v and c else None, ">=", 1.0)
        ce, ve = cc.get("rel_err_max"), vc.get("rel_err_max")
        check(f"{label} 1e-{e}, costate rel_err_max / CVODES'", ce / ve if ce is not None and ve else None, "<=", 3.0)
        check(f"{label} 1e-{e}, costate backward / forward steps",
              cc["steps_bwd"] / cc["steps_fwd"] if cc.get("steps_fwd") else None, "<=", 2.0)

# Memory.
mem = {}
for line in open(os.path.join(out_dir, "memory.tsv")):
    f = line.split()
    if len(f) >= 3:
        mem[(f[0], int(float(f[1])))] = (int(f[2]), int(f[3]) if len(f) > 3 else None)
steps = sorted({n for (_, n) in mem})
labels = [("checkpointed", "costate `checkpointed{}` (default)"), ("checkpointed8", "costate `checkpointed{8}`"),
          ("backsolve", "costate `backsolve`"), ("solve", "forward solve keeping every step (a tape's floor)"),
          ("adolc", "ADOL-C tape of the RK4 solve: peak RSS")]
L += ["", "**Peak resident memory of one Lotka–Volterra RK4 gradient against the number of steps N**, in MiB "
      "(getrusage, whole process, one process per cell):", "",
      "| method | " + " | ".join(f"N = {steps_label(n)}" for n in steps) + " |", "|---|" + "---:|" * len(steps)]
for key, label in labels:
    if any((key, n) in mem for n in steps):
        L.append(f"| {label} | " + " | ".join(f"{mem[(key, n)][0] / 1024:.1f}" if (key, n) in mem else "–" for n in steps) + " |")
if any(("adolc", n) in mem and mem[("adolc", n)][1] is not None for n in steps):
    L.append("| ADOL-C tape size (MiB) | " + " | ".join(
        f"{mem[('adolc', n)][1] / 2**20:.1f}" if ("adolc", n) in mem and mem[("adolc", n)][1] is not None else "–"
        for n in steps) + " |")
flat = [mem[("checkpointed", n)][0] for n in steps if ("checkpointed", n) in mem]
if flat:
    spread = (max(flat) - min(flat)) / 1024
    L.append("")
    L.append(f"costate's default grows by {spread:.1f} MiB from N = {steps_label(steps[0])} to {steps_label(steps[-1])} "
             f"(target: within 1 MiB{'' if spread <= 1 else ' — missed'}).")
    if spread > 1:
        missed.append(f"memory of the default adjoint grows by {spread:.1f} MiB (target within 1 MiB)")

# Compile time of each benchmark translation unit.
L += ["", "**Compile time of each benchmark translation unit** (`-O2`, one compilation each, as the build runs it):", "",
      "| translation unit | wall time | peak compiler memory |", "|---|---:|---:|"]
for line in open(os.path.join(out_dir, "compile.tsv")):
    f = line.split("\t")
    if len(f) == 3:
        L.append(f"| `{f[0]}` | {float(f[1]):.1f} s | {int(f[2]) / 1024:.0f} MiB |")

# Plots.
os.makedirs(plot_dir, exist_ok=True)
ratio_dat = os.path.join(out_dir, "ratios.dat")
rows = []
for label, k in problems:
    d, c = t(costate_default[k]), t(costate_grad[k])
    rows.append((label.replace("neural ODE, ", "NN "), t(hand_grad[k]) / c if c and t(hand_grad[k]) else 0,
                 t(adolc_grad[k]) / c if c and t(adolc_grad[k]) else 0,
                 (t(cvodes_tight[k]) or 0) / d if d else 0))
if c := t("BM_robertson_costate"):
    rows.append(("Robertson", 0, 0, (t("BM_cvodes_gradient_robertson") or 0) / c))
with open(ratio_dat, "w") as f:
    for r in rows:
        f.write(f"\"{r[0]}\" {r[1]:.4f} {r[2]:.4f} {r[3]:.4f}\n")
mem_dat = os.path.join(out_dir, "memory.dat")
with open(mem_dat, "w") as f:
    for key, _ in labels:
        for n in steps:
            if (key, n) in mem:
                f.write(f"{n} {mem[(key, n)][0] / 1024:.3f}\n")
        f.write("\n\n")
def gp_text(label):  # a gnuplot single-quoted string: ' doubled, no Markdown
    return label.replace("`", "").replace("'", "''")


gp = f"""
set terminal pngcairo size 900,480 font ',11' noenhanced
set output '{plot_dir}/time_ratio.png'
set title 'Gradient time of each peer divided by costate''s (one run; higher = costate faster)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set ylabel 'peer time / costate time'
set grid ytics
set yrange [0.1:1000]
set key top right
plot '{ratio_dat}' using 2:xtic(1) title 'hand-written / costate backsolve', \\
     '' using 3 title 'ADOL-C taped VJP / costate backsolve', \\
     '' using 4 title 'CVODES / costate default (at costate accuracy; Robertson: BDF at equal tolerances)', \\
     1 with lines lw 1 lc rgb 'black' notitle
set output '{plot_dir}/memory.png'
set title 'Peak resident memory of one Lotka-Volterra RK4 gradient'
unset style
set style data linespoints
set logscale xy
set yrange [*:*]
set xlabel 'steps N'
set ylabel 'MiB (whole process)'
set key top left
plot """ + ", \\\n     ".join(f"'{mem_dat}' index {i} using 1:2 title '{gp_text(lab)}'"
                            for i, (_, lab) in enumerate(labels)) + "\n"
try:
    subprocess.run(["gnuplot"], input=gp, text=True, check=True)
    plots = True
except (OSError, subprocess.CalledProcessError) as e:
    print(f"report.py: gnuplot failed ({e}); no plots", file=sys.stderr)
    plots = False

worst_cv = max(cv.values()) if cv else float("nan")
worst_spread = max((100 * (median[k] / fastest[k] - 1) for k in fastest if k in median), default=float("nan"))
rel_plot = os.path.relpath(plot_dir, os.path.dirname(os.path.abspath(doc)))
foot = [
    "",
    "Targets missed in this run (why: see the text above the tables): " + ("none." if not missed else ""),
] + [f"- {m}" for m in missed] + [
    "",
    "Problems (bench/problems.hpp): Lotka–Volterra θ = (1.5, 1, 3, 1), z0 = (1, 1), t ∈ [0, 10]; neural ODE "
    "dz/dt = W2·tanh(W1·z + b1) + b2, z ∈ R², θ (5H + 2 values) from N(0, 0.3²) with a fixed seed, z0 = (1, −0.5), "
    "t ∈ [0, 1]; Robertson with the standard rates; OREGO and HIRES as in Hairer & Wanner's stiff test set. "
    "L = ½|z(t1)|² everywhere but OREGO (weighted, above).",
    "Times: the fastest of 7 repetitions (CPU time per iteration), repetitions interleaved in random order, one "
    f"run per binary; largest coefficient of variation over the repetitions {100 * worst_cv:.0f} %; the largest "
    f"difference between the fastest and the median {worst_spread:.0f} %. The hand-written and ADOL-C (taped VJP) gradients run through "
    "costate's own step loop with the same stepper and tolerances, so only the right-hand side differs; costate "
    "“backsolve” is the same algorithm, costate “default” is the checkpointed adjoint users get.",
    "",
    f"Machine: {cpu}, {cores} cores. Compiler: {compiler}, -O2. Date: {date}.",
    "",
]
if plots:
    foot += [f"![gradient time ratios]({rel_plot}/time_ratio.png)", "",
             f"![memory against steps]({rel_plot}/memory.png)", ""]
foot += ["Reproduce: `bash bench/run_benchmarks.sh` (installs the peers' Debian packages, builds, runs, "
         "rewrites this section and the plots)."]
section = "\n".join(L + foot)
print(section)

begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
if not os.path.exists(doc):
    sys.exit(0)
text = open(doc, encoding="utf-8").read()
if begin not in text or end not in text:
    print(f"report.py: no {begin} / {end} in {doc}; nothing written", file=sys.stderr)
    sys.exit(0)
a = text.index(begin) + len(begin)
b = text.index(end)
open(doc, "w", encoding="utf-8").write(text[:a] + "\n\n" + section + "\n\n" + text[b:])
print(f"report.py: wrote the section into {doc}")
