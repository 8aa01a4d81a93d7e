// ADOL-C (2.7, Debian's libadolc-dev) as a peer: a tape-based operator-overloading AD tool, used in the
// two ways such tools differentiate an ODE solve. The problems, θ and z0 come from problems.hpp; the
// loss is L = ½|z(t1)|² everywhere.
//
// (a) The continuous adjoint with a taped VJP, as tape-based neural-ODE libraries do it.
//   BM_adolc_vjp_{lv,nn<16>,nn<64>}       one evaluation of the augmented adjoint right-hand side on
//                                         [z (n), λ (n), g_θ (p), g_t (1)]: [f, -λᵀ∂f/∂z, -λᵀ∂f/∂θ, 0],
//                                         on the same states as the VJP benchmarks of
//                                         lotka_volterra.cpp and neural_ode.cpp, timed the same way.
//   BM_adolc_gradient_{lv,nn<16>,nn<64>}  one full gradient with dopri5 at rtol = atol = 1e-8.
//   The algorithm is hand_gradient's in those files, line for line: the same step loop
//   (costate::detail::integrate), stepper and tolerances, the forward pass on plain compiled f, the
//   backward pass over the augmented state (backsolve). Only the VJP comes from ADOL-C: f is recorded
//   once (independents z then θ, dependents f), and every evaluation of the adjoint right-hand side
//   replays that tape with a zero-order forward sweep (zos_forward, keep = 1, which keeps the values
//   the reverse sweep needs, and returns f) and one first-order reverse sweep with weights λ
//   (fos_reverse): the two sweeps of ADOL-C's own VJP driver vec_jac, with f kept rather than
//   discarded. θ stays in ADOL-C's array of independents for the whole pass; only z and λ are copied
//   per evaluation.
//
// (b) Discretise-then-optimise: Lotka–Volterra on t ∈ [0, 10] with N classical RK4 steps, the whole
//   solve recorded on one tape (independents θ (4) then z0 (2), dependent L).
//   BM_adolc_dto_lv/N         taping + one reverse sweep per gradient: a training loop that re-traces
//                             every iteration. trace_on(tag, keep = 1) stores the values the reverse
//                             sweep needs while recording, so fos_reverse follows trace_off directly
//                             (ADOL-C's gradient() driver would run one more forward sweep first).
//   BM_adolc_dto_replay_lv/N  the tape recorded once, outside the timed loop; per gradient one
//                             zero-order forward sweep (keep = 1) and one reverse sweep.
//   ADOL-C keeps a tape in memory only while it fits its buffers (by default 524288 entries each,
//   usrparms.h) and otherwise writes it to ADOLC-*.tap files. With the defaults every tape of more
//   than about 3400 steps went to disk (152 locations per step fill the location buffer first), and a
//   gradient was slower (CPU time here: about 18 instead of 14 ms at N = 1e4, 3.5 instead of 2.0 s at
//   N = 1e6). The buffers are therefore sized to hold each tape (trace_on's buffer-size overload), and
//   the benchmarks check that nothing was written to disk. The price is memory: the whole tape is
//   resident (the memory mode below shows it), where the default buffers would keep ~15 MB resident
//   at N = 1e6 and write the tape (~1.2 GB) to files instead.
//
// On these small tapes most of a sweep is ADOL-C's bookkeeping rather than arithmetic: perf puts ~85%
// of BM_adolc_vjp_lv in TapeInfos::copy and PersistantTapeInfos::copy, which ADOL-C 2.7.2 runs (as
// byte-by-byte loops) when a sweep opens and releases its tape. That is the cost of the peer as
// shipped; nothing here works around it.
//
// Accuracy: every gradient benchmark reports rel_err = max_k |dθ_k - ref_k| / max_k |ref_k| against
// costate::gradient at rtol = atol = 1e-13, computed once outside the timed loop. Before any timing,
// main() checks the taped adjoint right-hand side against costate's (random states, to 1e-12 of the
// largest component), (a)'s dθ against costate::gradient with the same algorithm (backsolve, dopri5
// 1e-8) to 1e-8 relative, and (b)'s dθ and dz0 at N = 1e4 against the reference to 1e-6.
//
// Tape files: ADOL-C writes them relative to the working directory, so the process moves into a
// directory of its own under $TMPDIR (or /tmp) and removes it at exit.
//
// Memory mode: `bench_adolc --memory N` runs one BM_adolc_dto_lv gradient with N steps and prints
//   adolc_dto N=<N> peak_rss_kib=<getrusage ru_maxrss> tape_bytes=<B> tape_file_bytes=<F>
// B sums ADOL-C's tape statistics (tapestats): operations × 1 byte (unsigned char) + locations ×
// sizeof(locint) = 4 + values × 8 (double) + Taylor values × sizeof(revreal) = 8. F is the size of the
// tape files in the working directory, 0 while the tape stays in memory.
#include <costate/costate.hpp>

#include <adolc/adolc.h>
#include <benchmark/benchmark.h>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>

#include "costate_problems.hpp"
#include "timing.hpp"

namespace {

using LV = bench::lotka_volterra;
template <std::size_t H>
using NN = bench::neural_ode<H>;

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "bench_adolc: %s\n", what.c_str());
  std::abort();
}

// costate's form of the same problems, the reference gradients and rel_err: bench/costate_problems.hpp.
using bench::reference;
using bench::rel_err;
using bench::span_of;
template <class P> const std::array<double, P::p>& theta_ref() { return bench::theta_of<P>(); }
template <class P> using costate_form = bench::expressions<P>;

// ---------------------------------------------------------------------------------------------------
// (a) The continuous adjoint with f's VJP from an ADOL-C tape.

// One tape of f per problem, recorded on first use at (z0, θ); f has no branches, so the tape is
// valid at every (z, θ).
template <class P> constexpr short rhs_tag = 0;
template <> constexpr short rhs_tag<LV> = 1;
template <> constexpr short rhs_tag<NN<16>> = 2;
template <> constexpr short rhs_tag<NN<64>> = 3;

template <class P>
short rhs_tape() {
  static const short tag = [] {
    static_assert(rhs_tag<P> != 0);
    trace_on(rhs_tag<P>);
    {  // every adouble is released before trace_off, as ADOL-C's examples do
      std::array<adouble, P::n> z, dz;
      std::array<adouble, P::p> th;
      for (std::size_t i = 0; i < P::n; ++i) z[i] <<= P::z0[i];
      for (std::size_t k = 0; k < P::p; ++k) th[k] <<= theta_ref<P>()[k];
      P::f(z.data(), th.data(), dz.data());
      double value;
      for (auto& v : dz) v >>= value;
    }
    trace_off();
    return rhs_tag<P>;
  }();
  return tag;
}

// dz/dt = f(z, θ), compiled: the forward pass, as in hand_gradient.
template <class P>
struct plain_forward {
  const double* theta;

  template <class State>
  [[gnu::always_inline]] void operator()(const State& s, State& ds, double /*t*/) const {
    P::f(s.data(), theta, ds.data());
  }
};

// The augmented adjoint right-hand side [z, λ, g_θ, g_t]' = [f, -λᵀ∂f/∂z, -λᵀ∂f/∂θ, 0] from the tape.
// fos_reverse returns λᵀ∂f/∂(z, θ) in the order of the independents, which is the order of
// [λ, g_θ] in the state, so both sweeps write straight into ds.
template <class P>
class taped_adjoint {
 public:
  static constexpr std::size_t n = P::n, p = P::p, m = 2 * n + p + 1;

  taped_adjoint(short tag, const double* theta) : tag_(tag) { std::copy_n(theta, p, x_.begin() + n); }

  template <class State>
  void operator()(const State& s, State& ds, double /*t*/) const {
    std::copy_n(s.begin(), n, x_.begin());
    std::copy_n(s.begin() + n, n, u_.begin());
    zos_forward(tag_, deps, indeps, 1, x_.data(), ds.data());
    fos_reverse(tag_, deps, indeps, u_.data(), ds.data() + n);
    for (std::size_t k = n; k < 2 * n + p; ++k) ds[k] = -ds[k];
    ds[2 * n + p] = 0.0;  // f does not depend on t
  }

 private:
  static constexpr int deps = static_cast<int>(n), indeps = static_cast<int>(n + p);
  short tag_;
  // ADOL-C's independents [z, θ] and the weights λ, contiguous as its sweeps want them; mutable
  // because the step loop calls the right-hand side through a const reference.
  mutable std::array<double, n + p> x_{};
  mutable std::array<double, n> u_{};
};

template <class P>
struct adolc_result {
  double loss;
  std::array<double, P::p> dtheta;
  std::array<double, P::n> dz0;
  double dt0, dt1;
  costate::pass_stats forward, backward;
};

// hand_gradient of lotka_volterra.cpp and neural_ode.cpp with the taped adjoint right-hand side:
// forward pass, L = ½|z(t1)|², λ(t1) = z(t1), dL/dt1 = λ(t1)ᵀf(z(t1)), backward pass over [z, λ, g_θ, g_t],
// dL/dt0 = -λ(t0)ᵀf(z0).
template <class P, class Tag, class A>
adolc_result<P> adolc_gradient(short tag, const std::array<double, P::n>& z0, const std::array<double, P::p>& theta,
                               costate::time_span sp, const costate::options<Tag, A>& opt) {
  constexpr std::size_t n = P::n, p = P::p;
  adolc_result<P> r{};
  const costate::detail::tolerances tol{opt.rtol, opt.atol.value()};
  const plain_forward<P> f{theta.data()};

  std::array<double, n> z = z0;
  r.forward = costate::detail::integrate(opt.stepper, f, z, sp.t0, sp.t1, tol, opt.max_steps, "forward",
                                         costate::detail::no_observer{});

  std::array<double, n> fz{};
  f(z, fz, sp.t1);
  r.loss = 0.0;
  r.dt1 = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    r.loss += 0.5 * z[i] * z[i];
    r.dt1 += z[i] * fz[i];
  }

  std::array<double, taped_adjoint<P>::m> s{};
  std::copy_n(z.begin(), n, s.begin());
  std::copy_n(z.begin(), n, s.begin() + n);  // λ(t1) = z(t1)
  const taped_adjoint<P> adj(tag, theta.data());
  r.backward = costate::detail::integrate(opt.stepper, adj, s, sp.t1, sp.t0, tol, opt.max_steps, "adjoint",
                                          costate::detail::no_observer{});

  std::copy_n(s.begin() + n, n, r.dz0.begin());
  std::copy_n(s.begin() + 2 * n, p, r.dtheta.begin());
  f(z0, fz, sp.t0);
  r.dt0 = 0.0;
  for (std::size_t i = 0; i < n; ++i) r.dt0 -= r.dz0[i] * fz[i];
  return r;
}

// backsolve: the algorithm the taped adjoint implements (z re-integrated backward with λ).
const auto opt_dopri5 = costate::options<costate::dopri5, costate::backsolve>{.rtol = 1e-8, .atol = 1e-8, .adjoint = bench::backsolve_one_segment};

// Timed as costate's and the hand-written VJPs are (bench/timing.hpp), on the same state.
template <class P>
void run_vjp(benchmark::State& st) {
  std::array<double, P::p> theta = theta_ref<P>();
  benchmark::DoNotOptimize(theta);
  const taped_adjoint<P> rhs(rhs_tape<P>(), theta.data());
  bench::run_vjp<P>(st, rhs);
}

// As run_gradient_handwritten: inputs laundered so that nothing is constant-propagated or hoisted.
template <class P>
void run_gradient(benchmark::State& st) {
  std::array<double, P::n> z0 = P::z0;
  std::array<double, P::p> theta = theta_ref<P>();
  costate::time_span sp = span_of<P>;
  auto opt = opt_dopri5;
  benchmark::DoNotOptimize(sp);
  benchmark::DoNotOptimize(opt);
  const short tag = rhs_tape<P>();
  st.counters["rel_err"] = rel_err(adolc_gradient<P>(tag, z0, theta, sp, opt).dtheta, reference<P>().dtheta);
  for (auto _ : st) {
    benchmark::DoNotOptimize(z0);
    benchmark::DoNotOptimize(theta);
    auto g = adolc_gradient<P>(tag, z0, theta, sp, opt);
    benchmark::DoNotOptimize(g);
  }
}

void BM_adolc_vjp_lv(benchmark::State& st) { run_vjp<LV>(st); }
template <std::size_t H>
void BM_adolc_vjp_nn(benchmark::State& st) { run_vjp<NN<H>>(st); }
void BM_adolc_gradient_lv(benchmark::State& st) { run_gradient<LV>(st); }
template <std::size_t H>
void BM_adolc_gradient_nn(benchmark::State& st) { run_gradient<NN<H>>(st); }

BENCHMARK(BM_adolc_vjp_lv);
BENCHMARK_TEMPLATE(BM_adolc_vjp_nn, 16);
BENCHMARK_TEMPLATE(BM_adolc_vjp_nn, 64);
BENCHMARK(BM_adolc_gradient_lv)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_adolc_gradient_nn, 16)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_adolc_gradient_nn, 64)->Unit(benchmark::kMicrosecond);

// ---------------------------------------------------------------------------------------------------
// (b) Discretise-then-optimise: the whole RK4 solve of Lotka–Volterra on one tape.

namespace dto {

constexpr std::size_t p = LV::p, n = LV::n;
constexpr int inputs = static_cast<int>(p + n);  // the independents: θ, then z0
using input = std::array<double, p + n>;
constexpr short tag = 10, probe_tag = 11;

input point() {
  input x{};
  std::copy(LV::theta.begin(), LV::theta.end(), x.begin());
  std::copy(LV::z0.begin(), LV::z0.end(), x.begin() + p);
  return x;
}

struct tape_size {
  std::size_t ops, locs, vals, taylors;
  // The element types of ADOL-C's four buffers: opcodes are unsigned char.
  std::size_t bytes() const {
    return ops * sizeof(unsigned char) + locs * sizeof(locint) + vals * sizeof(double) + taylors * sizeof(revreal);
  }
};

tape_size recorded_size(short t) {
  std::size_t st[STAT_SIZE];
  tapestats(t, st);
  return {st[NUM_OPERATIONS], st[NUM_LOCATIONS], st[NUM_VALUES], st[TAY_STACK_SIZE]};
}

// Records L(θ, z0) = ½|z_N|², z_N after `steps` equal classical RK4 steps on [t0, t1] (the scheme of
// costate's rk4), with keep = 1. buffers == nullptr: ADOL-C's default buffer sizes.
double record(short t, std::size_t steps, const input& x, const tape_size* buffers) {
  if (buffers)
    trace_on(t, 1, static_cast<uint>(buffers->ops), static_cast<uint>(buffers->locs), static_cast<uint>(buffers->vals),
             static_cast<uint>(buffers->taylors));
  else
    trace_on(t, 1);
  double loss = 0.0;
  {
    std::array<adouble, p> th;
    std::array<adouble, n> z, k1, k2, k3, k4, stage;
    for (std::size_t k = 0; k < p; ++k) th[k] <<= x[k];
    for (std::size_t i = 0; i < n; ++i) z[i] <<= x[p + i];
    const double h = (LV::t1 - LV::t0) / static_cast<double>(steps);
    const double h2 = h / 2, h3 = h / 3, h6 = h / 6;
    for (std::size_t step = 0; step < steps; ++step) {
      LV::f(z.data(), th.data(), k1.data());
      for (std::size_t i = 0; i < n; ++i) stage[i] = z[i] + h2 * k1[i];
      LV::f(stage.data(), th.data(), k2.data());
      for (std::size_t i = 0; i < n; ++i) stage[i] = z[i] + h2 * k2[i];
      LV::f(stage.data(), th.data(), k3.data());
      for (std::size_t i = 0; i < n; ++i) stage[i] = z[i] + h * k3[i];
      LV::f(stage.data(), th.data(), k4.data());
      for (std::size_t i = 0; i < n; ++i) z[i] += h6 * k1[i] + h3 * k2[i] + h3 * k3[i] + h6 * k4[i];
    }
    adouble L = 0.5 * (z[0] * z[0] + z[1] * z[1]);
    L >>= loss;
  }
  trace_off();
  return loss;
}

// Buffers that hold the whole tape of `steps` steps. Every step adds the same operations, locations,
// values and Taylor values, so two small recordings (1 and 2 steps, in memory with the default
// buffers) give the size of any other.
tape_size buffers_for(std::size_t steps) {
  static const std::pair<tape_size, tape_size> probe = [] {
    record(probe_tag, 1, point(), nullptr);
    const tape_size one = recorded_size(probe_tag);
    record(probe_tag, 2, point(), nullptr);
    const tape_size two = recorded_size(probe_tag);
    removeTape(probe_tag, ADOLC_REMOVE_COMPLETELY);
    return std::pair{one, two};
  }();
  const auto fit = [steps](std::size_t one, std::size_t two) {
    // Slack: ADOL-C moves to a new buffer when an operation's entries might not fit in what is left.
    const std::size_t need = one + (two - one) * (steps - 1);
    const std::size_t total = need + need / 64 + 1024;
    if (total > UINT_MAX) fail("N = " + std::to_string(steps) + " needs tape buffers beyond ADOL-C's 32-bit sizes");
    return total;
  };
  const auto& [one, two] = probe;
  return {fit(one.ops, two.ops), fit(one.locs, two.locs), fit(one.vals, two.vals), fit(one.taylors, two.taylors)};
}

// The working directory is the process's own (see tape_directory), so any file in it is a tape file.
std::uintmax_t tape_file_bytes() {
  std::uintmax_t total = 0;
  for (const auto& e : std::filesystem::directory_iterator("."))
    if (e.is_regular_file()) total += e.file_size();
  return total;
}

// tapestats flags the operation, location and value files; a Taylor file shows only in the directory.
void require_in_memory(std::size_t steps) {
  std::size_t st[STAT_SIZE];
  tapestats(tag, st);
  if (st[OP_FILE_ACCESS] || st[LOC_FILE_ACCESS] || st[VAL_FILE_ACCESS] || tape_file_bytes() != 0)
    fail("the tape of N = " + std::to_string(steps) + " steps was written to disk: buffers_for is too small");
}

// dL/d(θ, z0) from the tape's last forward values: one first-order reverse sweep with weight 1.
input reverse_sweep() {
  double weight = 1.0;
  input g{};
  fos_reverse(tag, 1, inputs, &weight, g.data());
  return g;
}

input taped_gradient(std::size_t steps, const input& x, const tape_size& buffers) {
  record(tag, steps, x, &buffers);
  return reverse_sweep();
}

input replayed_gradient(const input& x) {
  double loss;
  zos_forward(tag, 1, inputs, 1, x.data(), &loss);
  return reverse_sweep();
}

}  // namespace dto

void BM_adolc_dto_lv(benchmark::State& st) {
  const auto steps = static_cast<std::size_t>(st.range(0));
  const auto buffers = dto::buffers_for(steps);
  dto::input x = dto::point();
  st.counters["rel_err"] = rel_err(dto::taped_gradient(steps, x, buffers), reference<LV>().dtheta);
  dto::require_in_memory(steps);
  for (auto _ : st) {
    benchmark::DoNotOptimize(x);
    auto g = dto::taped_gradient(steps, x, buffers);
    benchmark::DoNotOptimize(g);
  }
  // Frees the buffers: a tape keeps those of its first recording, whatever sizes a later trace_on asks for.
  removeTape(dto::tag, ADOLC_REMOVE_COMPLETELY);
}

void BM_adolc_dto_replay_lv(benchmark::State& st) {
  const auto steps = static_cast<std::size_t>(st.range(0));
  const auto buffers = dto::buffers_for(steps);
  dto::input x = dto::point();
  dto::record(dto::tag, steps, x, &buffers);
  dto::require_in_memory(steps);
  st.counters["rel_err"] = rel_err(dto::replayed_gradient(x), reference<LV>().dtheta);
  for (auto _ : st) {
    benchmark::DoNotOptimize(x);
    auto g = dto::replayed_gradient(x);
    benchmark::DoNotOptimize(g);
  }
  removeTape(dto::tag, ADOLC_REMOVE_COMPLETELY);
}

BENCHMARK(BM_adolc_dto_lv)->Arg(100)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_adolc_dto_replay_lv)->Arg(100)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMicrosecond);

// ---------------------------------------------------------------------------------------------------
// One-time checks, before any timing.

// The taped adjoint right-hand side against costate's on random states and θ near the benchmark's.
template <class P>
void check_vjp(const char* name) {
  using costate_adjoint =
      costate::adjoint_rhs<costate::system_of_t<decltype(costate_form<P>::system)>, double>;
  static_assert(costate_adjoint::size == taped_adjoint<P>::m);
  std::mt19937_64 rng(20240601 + P::p);
  std::uniform_real_distribution<double> state(-2.0, 2.0), factor(0.9, 1.1);
  double worst = 0.0;
  for (int trial = 0; trial < 200; ++trial) {
    std::array<double, P::p> theta = theta_ref<P>();
    for (auto& v : theta) v *= factor(rng);
    std::array<double, taped_adjoint<P>::m> s{}, ds_adolc{}, ds_costate{};
    for (auto& v : s) v = state(rng);
    taped_adjoint<P>(rhs_tape<P>(), theta.data())(s, ds_adolc, 0.0);
    costate_adjoint{theta.data(), nullptr}(s, ds_costate, 0.0);
    const double err = rel_err(ds_adolc, ds_costate);
    if (!(err <= 1e-12)) fail(std::string(name) + ": taped adjoint right-hand side differs from costate's by " + std::to_string(err));
    worst = std::max(worst, err);
  }
  std::fprintf(stderr, "check: %s: taped adjoint RHS, 200 random states: max |adolc - costate| / max |costate| = %.2g\n",
               name, worst);
}

template <class P>
void check_gradient(const char* name) {
  const auto g = costate::gradient(costate_form<P>::system, P::z0, theta_ref<P>(), span_of<P>, costate_form<P>::loss,
                                   opt_dopri5);
  const auto a = adolc_gradient<P>(rhs_tape<P>(), P::z0, theta_ref<P>(), span_of<P>, opt_dopri5);
  const double err = rel_err(a.dtheta, g.dtheta);
  if (!(err <= 1e-8)) fail(std::string(name) + ": dtheta differs from costate::gradient (backsolve) by " + std::to_string(err));
  std::fprintf(stderr,
               "check: %s: dtheta (dopri5 1e-8, backsolve): max |adolc - costate| / max |costate| = %.2g; RHS evaluations "
               "adolc %zu + %zu, costate %zu + %zu; rel_err against the 1e-13 reference %.2g\n",
               name, err, a.forward.rhs_evals, a.backward.rhs_evals, g.stats.forward.rhs_evals, g.stats.backward.rhs_evals,
               rel_err(a.dtheta, reference<P>().dtheta));
}

// RK4 at N = 1e4 (h = 1e-3) is accurate far beyond 1e-6, so this catches a wrong order of independents
// or a wrong scheme; the replay must reproduce the recording's gradient.
void check_dto() {
  constexpr std::size_t steps = 10000;
  const auto x = dto::point();
  const auto g = dto::taped_gradient(steps, x, dto::buffers_for(steps));
  dto::require_in_memory(steps);
  const auto r = dto::replayed_gradient(x);
  const auto& ref = reference<LV>();
  const double err_theta = rel_err(g, ref.dtheta);
  const double err_z0 = rel_err(std::array{g[dto::p], g[dto::p + 1]}, ref.dz0);
  const double err_replay = rel_err(r, g);
  removeTape(dto::tag, ADOLC_REMOVE_COMPLETELY);
  if (!(err_theta <= 1e-6 && err_z0 <= 1e-6))
    fail("dto at N = 1e4: rel_err dtheta " + std::to_string(err_theta) + ", dz0 " + std::to_string(err_z0));
  if (!(err_replay <= 1e-14)) fail("dto: the replayed gradient differs from the recorded one by " + std::to_string(err_replay));
  std::fprintf(stderr, "check: dto LV, N = 1e4: rel_err dtheta %.2g, dz0 %.2g; replay against recording %.2g\n", err_theta,
               err_z0, err_replay);
}

// ---------------------------------------------------------------------------------------------------

// A private working directory for ADOL-C's tape files (it names them ./ADOLC-*.tap), removed at exit.
class tape_directory {
 public:
  tape_directory() {
    const char* tmp = std::getenv("TMPDIR");
    std::string path = std::string(tmp && *tmp ? tmp : "/tmp") + "/bench_adolc.XXXXXX";
    if (!mkdtemp(path.data())) fail("cannot create a directory for ADOL-C's tapes under " + path + ": " + std::strerror(errno));
    if (chdir(path.c_str()) != 0) fail("cannot enter " + path + ": " + std::strerror(errno));
    path_ = path;
  }
  ~tape_directory() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  tape_directory(const tape_directory&) = delete;
  tape_directory& operator=(const tape_directory&) = delete;

 private:
  std::filesystem::path path_;
};

// One BM_adolc_dto_lv gradient with `arg` steps; prints peak memory and the tape's size.
int memory_mode(const char* arg) {
  char* end = nullptr;
  const double value = std::strtod(arg, &end);
  if (end == arg || *end != '\0' || !(value >= 1 && value <= 1e9) || value != std::floor(value)) {
    std::fprintf(stderr, "bench_adolc: --memory takes a number of steps N >= 1 (got \"%s\")\n", arg);
    return 2;
  }
  const auto steps = static_cast<std::size_t>(value);
  const auto buffers = dto::buffers_for(steps);
  const auto start = std::chrono::steady_clock::now();
  const auto g = dto::taped_gradient(steps, dto::point(), buffers);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto size = dto::recorded_size(dto::tag);
  const std::uintmax_t file_bytes = dto::tape_file_bytes();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("adolc_dto N=%zu peak_rss_kib=%ld tape_bytes=%zu tape_file_bytes=%ju\n", steps, usage.ru_maxrss, size.bytes(),
              file_bytes);
  std::fprintf(stderr,
               "adolc_dto N=%zu: %.3f s; %zu operations, %zu locations, %zu values, %zu Taylor values; dL/dtheta0 = %.15g\n",
               steps, seconds, size.ops, size.locs, size.vals, size.taylors, g[0]);
  removeTape(dto::tag, ADOLC_REMOVE_COMPLETELY);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  tape_directory dir;
  if (argc >= 2 && std::strcmp(argv[1], "--memory") == 0) {
    if (argc != 3) {
      std::fprintf(stderr, "usage: %s --memory N\n", argv[0]);
      return 2;
    }
    return memory_mode(argv[2]);
  }
  check_vjp<LV>("LV");
  check_vjp<NN<16>>("NN H = 16");
  check_vjp<NN<64>>("NN H = 64");
  check_gradient<LV>("LV");
  check_gradient<NN<16>>("NN H = 16");
  check_gradient<NN<64>>("NN H = 64");
  check_dto();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
