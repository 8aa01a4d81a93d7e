#!/usr/bin/env bash
# Measures the compile time and peak compiler memory of examples/lotka_volterra.cpp and of a width-64
# neural ODE with its gradient at -O2, with and without the precompiled Boost.Odeint headers the build
# uses, of Odeint's headers alone, of Lotka–Volterra's rhs and VJPs through a generated header and
# through the templates, and of the width-64 gradient through a generated header; writes
# the table into docs/compile-time.md between <!-- compile:begin --> and <!-- compile:end -->; then the sweep of
# generated systems written one equation per state (bench/gen_systems.py: component-wise Lorenz-96 of
# 10 ... 200 states, seeded mass-action networks of 20 species), one gradient per translation unit,
# between <!-- compile-sweep:begin --> and <!-- compile-sweep:end -->.
# Usage: bash bench/compile_time.sh   (takes ~8 minutes; run on an otherwise idle machine)
set -euo pipefail
cd "$(dirname "$0")/.."
cxx=${CXX:-g++}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
flags=(-std=c++20 -O2 -DNDEBUG -Iinclude)
cat > "$work/pch.hpp" <<'PCH'
#include <boost/numeric/odeint/stepper/runge_kutta4.hpp>
#include <boost/numeric/odeint/stepper/runge_kutta_dopri5.hpp>
#include <boost/numeric/odeint/stepper/stepper_categories.hpp>
#include <complex>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>
PCH
"$cxx" "${flags[@]}" -x c++-header "$work/pch.hpp" -o "$work/pch.hpp.gch"
echo '#include <boost/numeric/odeint/stepper/runge_kutta_dopri5.hpp>' > "$work/odeint_only.cpp"
# The width-64 neural ODE and its gradient (issue: ≤ 15 s and ≤ 1.5 GiB at -O2).
cat > "$work/neural_ode64.cpp" <<'CPP'
#include <costate/costate.hpp>
#include <array>
#include <cstdio>
using namespace costate;
constexpr auto z = state_vector<2>;
constexpr auto net = params(matrix<64, 2>, vector<64>, matrix<2, 64>, vector<2>);
constexpr auto f = ode(net.get<2>() * tanh(net.get<0>() * z + net.get<1>()) + net.get<3>());
int main() {
  std::array<double, net.size> theta{};
  for (std::size_t i = 0; i < theta.size(); ++i) theta[i] = 0.01 * static_cast<double>(i % 7) - 0.03;
  const auto g = gradient(f, std::array{1.0, -0.5}, theta, {0.0, 1.0}, terminal_loss(0.5_c * dot(z, z)));
  std::printf("%g %g\n", g.loss, g.dtheta[0]);
}
CPP

# Lotka–Volterra's rhs and VJPs evaluated through a generated header (codegen/generate.hpp) and
# through the templates: what a translation unit pays for the derivation itself.
cat > "$work/gen.cpp" <<'CPP'
#include <costate/codegen/generate.hpp>
#include <costate/costate.hpp>
#include <iostream>
using namespace costate;
constexpr auto x = state<0>; constexpr auto y = state<1>;
int main() { std::cout << generate_header(ode(param<0> * x - param<1> * x * y, -param<2> * y + param<3> * x * y), "gen_lv"); }
CPP
"$cxx" "${flags[@]}" "$work/gen.cpp" -o "$work/gen" && "$work/gen" > "$work/gen_lv.hpp"
# The width-64 neural ODE's generated header, with its loss, and a whole gradient through each path.
cat > "$work/gen_mlp.cpp" <<'CPP'
#include <costate/codegen/generate.hpp>
#include <costate/costate.hpp>
#include <iostream>
using namespace costate;
constexpr auto z = state_vector<2>;
constexpr auto net = params(matrix<64, 2>, vector<64>, matrix<2, 64>, vector<2>);
constexpr auto f = ode(net.get<2>() * tanh(net.get<0>() * z + net.get<1>()) + net.get<3>());
int main() { std::cout << generate_header(f, terminal_loss(0.5_c * dot(z, z)), "gen_mlp"); }
CPP
"$cxx" "${flags[@]}" "$work/gen_mlp.cpp" -o "$work/gen_mlp" && "$work/gen_mlp" > "$work/gen_mlp.hpp"
cat > "$work/grad_generated.cpp" <<'CPP'
#include <costate/solve/gradient.hpp>
#include "gen_mlp.hpp"
#include <array>
#include <cstdio>
int main() {
  std::array<double, 322> theta{};
  for (std::size_t i = 0; i < theta.size(); ++i) theta[i] = 0.01 * static_cast<double>(i % 7) - 0.03;
  const auto g = costate::gradient(costate::generated<gen_mlp::system>, std::array{1.0, -0.5}, theta, {0.0, 1.0},
                                   costate::generated_loss<gen_mlp::terminal_loss>);
  std::printf("%g %g\n", g.loss, g.dtheta[0]);
}
CPP
cat > "$work/eval_generated.cpp" <<'CPP'
#include "gen_lv.hpp"
#include <cstdio>
int main() {
  double z[2] = {1, 2}, th[4] = {1.5, 1, 3, 1}, l[2] = {0.3, 0.4}, dz[2], vz[2], vth[4], vt;
  gen_lv::rhs(z, th, nullptr, 0.0, dz);
  gen_lv::vjp(z, l, th, nullptr, 0.0, vz, vth, &vt);
  std::printf("%g %g %g\n", dz[0], vz[0], vth[0]);
}
CPP
cat > "$work/eval_templates.cpp" <<'CPP'
#include <costate/expr/constant.hpp>
#include <costate/expr/operators.hpp>
#include <costate/expr/ops.hpp>
#include <costate/expr/symbol.hpp>
#include <costate/system/rhs.hpp>
#include <array>
#include <cstdio>
using namespace costate;
constexpr auto x = state<0>; constexpr auto y = state<1>;
constexpr auto lv = ode(param<0> * x - param<1> * x * y, -param<2> * y + param<3> * x * y);
using Sys = system_of_t<decltype(lv)>;
int main() {
  std::array<double, 2> z{1, 2}, dz{}; std::array<double, 4> th{1.5, 1, 3, 1}; std::array<double, 2> l{0.3, 0.4};
  forward_rhs<Sys, double>{th.data(), nullptr}(z, dz, 0.0);
  std::array<double, 7> out{};
  vjp_evaluator<Sys, double>::run(z.data(), l.data(), th.data(), nullptr, 0.0, out.data());
  std::printf("%g %g %g\n", dz[0], out[0], out[2]);
}
CPP

# Writes $2 into docs/compile-time.md between <!-- $1:begin --> and <!-- $1:end -->.
write_doc() {
  python3 - "$1" "$2" <<'PY'
import re, sys
marker, table = sys.argv[1], sys.argv[2]
s = open("docs/compile-time.md", encoding="utf-8").read()
new, n = re.subn(r"<!-- %s:begin -->.*?<!-- %s:end -->" % (marker, marker),
                 lambda m: "<!-- %s:begin -->\n%s\n<!-- %s:end -->" % (marker, table, marker), s, flags=re.S)
if n:
    open("docs/compile-time.md", "w", encoding="utf-8").write(new)
else:
    print("docs/compile-time.md has no %s markers; table not written" % marker)
PY
}

# best of 3: wall seconds and peak KiB
measure() {
  local best_t=999 best_m=0
  for _ in 1 2 3; do
    /usr/bin/time -f '%e %M' -o "$work/t" "$@" > /dev/null
    read -r t m < "$work/t"
    if awk "BEGIN{exit !($t < $best_t)}"; then best_t=$t; best_m=$m; fi
  done
  echo "$best_t $best_m"
}
read -r t1 m1 < <(measure "$cxx" "${flags[@]}" -include "$work/pch.hpp" -c examples/lotka_volterra.cpp -o "$work/a.o")
read -r t2 m2 < <(measure "$cxx" "${flags[@]}" -c examples/lotka_volterra.cpp -o "$work/b.o")
read -r t3 m3 < <(measure "$cxx" "${flags[@]}" -c "$work/odeint_only.cpp" -o "$work/c.o")
read -r t4 m4 < <(measure "$cxx" "${flags[@]}" -c "$work/neural_ode64.cpp" -o "$work/d.o")
read -r t5 m5 < <(measure "$cxx" "${flags[@]}" -include "$work/pch.hpp" -c "$work/neural_ode64.cpp" -o "$work/e.o")
read -r t6 m6 < <(measure "$cxx" "${flags[@]}" -I"$work" -c "$work/eval_generated.cpp" -o "$work/f.o")
read -r t7 m7 < <(measure "$cxx" "${flags[@]}" -c "$work/eval_templates.cpp" -o "$work/g.o")
read -r t8 m8 < <(measure "$cxx" "${flags[@]}" -I"$work" -include "$work/pch.hpp" -c "$work/grad_generated.cpp" -o "$work/h.o")
mib() { awk "BEGIN{printf \"%.0f\", $1/1024}"; }
table=$(cat <<TABLE
| translation unit | wall time | peak compiler memory |
|---|---|---|
| \`examples/lotka_volterra.cpp\`, Odeint headers precompiled (as the build does) | ${t1} s | $(mib "$m1") MiB |
| \`examples/lotka_volterra.cpp\`, nothing precompiled | ${t2} s | $(mib "$m2") MiB |
| \`#include <boost/numeric/odeint/stepper/runge_kutta_dopri5.hpp>\` alone | ${t3} s | $(mib "$m3") MiB |
| neural ODE, hidden 64 (322 parameters), and its gradient, nothing precompiled | ${t4} s | $(mib "$m4") MiB |
| the same, Odeint headers precompiled | ${t5} s | $(mib "$m5") MiB |
| Lotka–Volterra rhs and VJPs through a generated header (\`generate_header\`) | ${t6} s | $(mib "$m6") MiB |
| the same through the templates (\`forward_rhs\`, \`vjp_evaluator\`) | ${t7} s | $(mib "$m7") MiB |
| neural ODE, hidden 64, its gradient through a generated header and generated loss, Odeint precompiled | ${t8} s | $(mib "$m8") MiB |

Best of three, \`$cxx ${flags[*]} -c\`, $(date -u +%Y-%m-%d), $("$cxx" --version | head -1), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') ($(nproc) cores).
Made by \`bash bench/compile_time.sh\`.
TABLE
)
echo "$table"
write_doc compile "$table"

# The sweep: one gradient of a generated system per translation unit, nothing precompiled.
sweep_rows=""
sweep() {  # label, gen_systems.py arguments...
  local label=$1
  shift
  python3 bench/gen_systems.py "$@" > "$work/sweep.cpp"
  read -r t m < <(measure "$cxx" "${flags[@]}" -c "$work/sweep.cpp" -o "$work/sweep.o")
  sweep_rows+="| ${label} | ${t} s | $(mib "$m") MiB |"$'\n'
}
# The last swept system again, with Odeint's headers precompiled as the top of this page shows.
sweep_pch() {
  read -r t m < <(measure "$cxx" "${flags[@]}" -include "$work/pch.hpp" -c "$work/sweep.cpp" -o "$work/sweep.o")
  sweep_rows+="| the same, Odeint headers precompiled | ${t} s | $(mib "$m") MiB |"$'\n'
}
for n in 10 20 40 100 200; do sweep "Lorenz-96, component by component, n = $n" lorenz96 "$n"; done
sweep "mass-action network, 20 species, 40 reactions (seed 1)" massaction 20 40 1
sweep "mass-action network, 20 species, 25 reactions (seed 2)" massaction 20 25 2
for g in "8 8" "40 20" "100 100"; do
  read -r rows cols <<<"$g"
  sweep "2-D advection–diffusion, \`state_matrix<$rows, $cols>\` and roll along both axes" grid "$rows" "$cols"
done
for g in "8 8" "32 32" "100 100"; do
  read -r rows cols <<<"$g"
  sweep "2-D Brusselator reaction–diffusion, two \`state_matrix<$rows, $cols>\`, edge along both axes, dopri5" brusselator "$rows" "$cols"
done
sweep_pch
sweep "the same, 32×32 (2048 states), rodas5p (stiff, sparse LU)" brusselator 32 32 rodas5p
sweep_pch
for n in 40 1000 10000; do sweep "Lorenz-96 in tensor form (\`state_vector<$n>\`, roll), n = $n" l96tensor "$n"; done
sweep_table=$(cat <<TABLE
| system (one gradient, \`gradient(sys, z0, θ, {0, 1}, terminal_loss(½ Σ x_i²))\`) | wall time | peak compiler memory |
|---|---|---|
${sweep_rows%$'\n'}

Best of three, \`$cxx ${flags[*]} -c\`, nothing precompiled unless the row says so, $(date -u +%Y-%m-%d), $("$cxx" --version | head -1).
Made by \`bash bench/compile_time.sh\` (the systems by \`bench/gen_systems.py\`).
TABLE
)
echo "$sweep_table"
write_doc compile-sweep "$sweep_table"
