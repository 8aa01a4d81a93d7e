// The adjoint gradient of a terminal loss:
//
//   auto g = gradient(sys, z0, theta, {t0, t1}, terminal_loss(0.5_c * (x*x + y*y)), options{...});
//   g.loss, g.dtheta, g.dz0, g.dt0, g.dt1, g.g_t, g.stats
//
// Forward: z0 → z(t1). Backward: [z, λ, g_θ, g_t] from t1 to t0 with λ(t1) = ∂L/∂z(t1), z being
// re-integrated backward (options::adjoint: backsolve, or checkpointed{count} to restart z from stored
// forward values at count - 1 interior times).
// Then dL/dθ = g_θ(t0) + ∂ℓ/∂θ, dL/dz0 = λ(t0), dL/dt1 = λ(t1)ᵀ f(z(t1), θ, t1) and
// dL/dt0 = -λ(t0)ᵀ f(z0, θ, t0). Since d/dt[λᵀf] = λᵀ∂f/∂t along the solution, also
// dL/dt0 = -dL/dt1 + g_t(t0): `g.g_t` is returned so that users (and the tests) can check it.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <vector>

#include "costate/expr/plan.hpp"
#include "costate/solve/arguments.hpp"
#include "costate/solve/integrate.hpp"
#include "costate/solve/options.hpp"
#include "costate/solve/solve.hpp"
#include "costate/system/batch.hpp"
#include "costate/system/loss.hpp"
#include "costate/system/ode.hpp"
#include "costate/system/rhs.hpp"

namespace costate {

struct gradient_stats {
  pass_stats forward;
  pass_stats backward;
  // max over segment starts and i of |z_i re-integrated backward − z_i of the forward pass|, in units of
  // the adjoint tolerance (atol + rtol |z_i|). Values ≫ 1 mean the backward z left the forward
  // trajectory (dissipative systems) and the gradient is less accurate than the tolerances suggest:
  // use more checkpoints.
  double backsolve_drift = 0.0;
};

template <std::size_t N, std::size_t P>
struct gradient_result {
  double loss = 0.0;
  std::array<double, P> dtheta{};  // dL/dθ
  std::array<double, N> dz0{};     // dL/dz0
  double dt0 = 0.0;                // dL/dt0
  double dt1 = 0.0;                // dL/dt1
  double g_t = 0.0;                // ∫ λᵀ∂f/∂t dt from t0 to t1 (0 for autonomous systems)
  std::array<double, N> z1{};      // z(t1)
  gradient_stats stats;
};

namespace detail {

// Largest param / input index used by the system or the loss.
template <class Sys, class L>
inline constexpr std::size_t total_params = std::max(Sys::params, L::params);

template <std::size_t LossStateExtent, std::size_t NumberOfStates>
struct loss_uses_a_state_index_beyond_the_system {
  static_assert(LossStateExtent <= NumberOfStates,
                "costate: the loss uses state<i> with i >= the number of states (template arguments: "
                "<largest state index + 1 in the loss, number of states>)");
  static constexpr bool value = true;
};
template <std::size_t LossInputExtent, std::size_t SystemInputs>
struct loss_uses_an_input_the_system_does_not_bind {
  static_assert(LossInputExtent <= SystemInputs,
                "costate: the loss uses input<k> symbols without values: bind them with sys.with_inputs(...) "
                "(template arguments: <inputs the loss uses, inputs bound>)");
  static constexpr bool value = true;
};

// ℓ, ∂ℓ/∂X for the loss's state symbols, then for its parameter symbols, in one plan.
template <class L>
using loss_plan_t =
    typename plan_of<typename concat<tlist<typename L::expression>, typename L::grad_state, typename L::grad_param>::type>::type;

// max_steps bounds a whole pass: each segment gets what earlier segments left (at least 1, so that
// an exhausted budget is reported by the step loop with the time reached).
inline std::size_t remaining_steps(std::size_t max_steps, const pass_stats& used) {
  const std::size_t u = used.steps + used.rejected;
  return u < max_steps ? max_steps - u : 1;
}

inline void accumulate(pass_stats& total, const pass_stats& s) {
  total.steps += s.steps;
  total.rejected += s.rejected;
  total.rhs_evals += s.rhs_evals;
}

template <class T, std::size_t N>
T dot(const std::array<T, N>& a, const std::array<T, N>& b) {
  T s{};
  for (std::size_t i = 0; i < N; ++i) s += a[i] * b[i];
  return s;
}

}  // namespace detail

template <SystemLike S, class Z0, class Theta, Loss L, class St = dopri5>
gradient_result<system_of_t<S>::states, detail::total_params<system_of_t<S>, std::remove_cvref_t<L>>>
gradient(const S& sys, const Z0& z0_in, const Theta& theta_in, time_span span, L, const options<St>& opt = {}) {
  using Sys = system_of_t<S>;
  using Lo = std::remove_cvref_t<L>;
  constexpr std::size_t n = Sys::states, ps = Sys::params, p = detail::total_params<Sys, Lo>;
  static_assert(detail::check_size<Z0, n, detail::z0_size_does_not_match_the_system>());
  static_assert(detail::check_size<Theta, p, detail::theta_size_does_not_match_the_system>());
  static_assert(detail::loss_uses_a_state_index_beyond_the_system<Lo::states, n>::value);
  static_assert(detail::loss_uses_an_input_the_system_does_not_bind<Lo::inputs, detail::inputs_bound_v<std::remove_cvref_t<S>>>::value);
  detail::require_finite("z0", z0_in);
  detail::require_finite("theta", theta_in);
  detail::require_finite_inputs(sys);
  detail::require_valid_span(span);
  detail::require_valid_options(opt);

  const auto z0 = detail::to_array<double, n>(z0_in);
  const auto theta = detail::to_array<double, p>(theta_in);
  const double* u = detail::input_values(sys);
  gradient_result<n, p> r;

  // Forward pass, segment by segment; only the segments' end points are stored.
  const std::size_t segments = opt.adjoint.segments;
  const auto boundary = [&](std::size_t j) {
    return j == segments ? span.t1 : span.t0 + (span.t1 - span.t0) * static_cast<double>(j) / static_cast<double>(segments);
  };
  std::vector<std::array<double, n>> checkpoint(segments + 1);
  checkpoint[0] = z0;
  const forward_rhs<Sys, double> f{theta.data(), u};
  {
    std::array<double, n> z = z0;
    for (std::size_t j = 0; j < segments; ++j) {
      const pass_stats s = detail::integrate(opt.stepper, f, z, boundary(j), boundary(j + 1), {opt.rtol, opt.atol},
                                             detail::remaining_steps(opt.max_steps, r.stats.forward), "forward",
                                             detail::no_observer{});
      detail::accumulate(r.stats.forward, s);
      checkpoint[j + 1] = z;
    }
    r.z1 = z;
  }

  // Loss and its gradient at z(t1).
  std::array<double, n> lambda1{};
  {
    const context<double> c{r.z1.data(), nullptr, theta.data(), u, span.t1};
    constexpr std::size_t nz = Lo::state_leaves::size;
    detail::loss_plan_t<Lo>::template run<double>(c, [&](auto i, const auto& v) {
      constexpr std::size_t k = decltype(i)::value;
      if constexpr (k == 0) {
        r.loss = v;
      } else if constexpr (k <= nz) {
        using X = typename detail::at<k - 1, typename Lo::state_leaves>::type;
        accumulate<typename X::shape_type>(lambda1.data() + X::index, v);
      } else {  // direct ∂ℓ/∂θ; the dynamics' part is added below
        using X = typename detail::at<k - 1 - nz, typename Lo::param_leaves>::type;
        accumulate<typename X::shape_type>(r.dtheta.data() + X::index, v);
      }
    });
  }
  if (!std::isfinite(r.loss)) throw error("the loss is not finite at z(t1) (" + detail::format_time(r.loss) + ")");
  detail::require_finite("the loss gradient dL/dz(t1)", lambda1);
  detail::require_finite("the loss's direct gradient dL/dtheta", r.dtheta);

  // dL/dt1 = λ(t1)ᵀ f(z(t1), θ, t1)
  std::array<double, n> f1{};
  f(r.z1, f1, span.t1);
  r.dt1 = detail::dot(lambda1, f1);

  // Backward pass on [z, λ, g_θ, g_t], segment by segment from t1 to t0; z restarts from the stored
  // forward value at the end of each segment.
  using rhs_t = adjoint_rhs<Sys, double>;
  std::array<double, rhs_t::size> x{};
  std::copy(lambda1.begin(), lambda1.end(), x.begin() + n);
  const rhs_t adj{theta.data(), u};
  const detail::tolerances tol{opt.adjoint_rtol.value_or(opt.rtol), opt.adjoint_atol.value_or(opt.atol)};
  for (std::size_t j = segments; j > 0; --j) {
    std::copy(checkpoint[j].begin(), checkpoint[j].end(), x.begin());
    const pass_stats s = detail::integrate(opt.stepper, adj, x, boundary(j), boundary(j - 1), tol,
                                           detail::remaining_steps(opt.max_steps, r.stats.backward), "adjoint",
                                           detail::no_observer{});
    detail::accumulate(r.stats.backward, s);
    const auto& zf = checkpoint[j - 1];
    for (std::size_t i = 0; i < n; ++i)
      r.stats.backsolve_drift = std::max(r.stats.backsolve_drift, std::abs(x[i] - zf[i]) / (tol.atol + tol.rtol * std::abs(zf[i])));
  }
  for (std::size_t i = 0; i < n; ++i) r.dz0[i] = x[n + i];
  for (std::size_t k = 0; k < ps; ++k) r.dtheta[k] += x[2 * n + k];
  r.g_t = x[2 * n + ps];

  // dL/dt0 = -λ(t0)ᵀ f(z0, θ, t0)
  std::array<double, n> f0{};
  f(z0, f0, span.t0);
  r.dt0 = -detail::dot(r.dz0, f0);
  detail::require_finite("dL/dtheta", r.dtheta);
  detail::require_finite("dL/dz0", r.dz0);
  detail::require_finite("dL/dt", std::array{r.dt0, r.dt1});
  return r;
}

// The gradient of a batch (see system/batch.hpp): z0 per sample, dz0 and z1 per sample; the loss
// is summed (batch) or averaged (batch_mean) over the samples, all in one pass whose right-hand side
// evaluates the whole batch with matrix-matrix products.
template <std::size_t B, std::size_t N, std::size_t P>
struct batch_gradient_result {
  double loss = 0.0;
  std::array<double, P> dtheta{};
  std::array<std::array<double, N>, B> dz0{};
  double dt0 = 0.0;
  double dt1 = 0.0;
  double g_t = 0.0;
  std::array<std::array<double, N>, B> z1{};
  gradient_stats stats;
};

template <std::size_t B, bool M, class Sys, std::size_t K, std::size_t N, class Theta, Loss L, class St = dopri5>
auto gradient(const batched_system<B, M, Sys, K>& bs, const std::array<std::array<double, N>, B>& z0s,
              const Theta& theta, time_span span, L loss, const options<St>& opt = {}) {
  using BS = batched_system<B, M, Sys, K>;
  using Batched = typename BS::system_type;
  static_assert(detail::z0_size_does_not_match_the_system<N, Sys::states>::value);
  static_assert(K >= Sys::inputs, "costate::gradient: the batched system uses inputs: bind them with batch<B>(sys).with_inputs(...)");
  const auto bl = BS::loss(loss);
  const auto z0 = pack_batch(z0s);
  const auto g = [&] {
    if constexpr (K == 0) return gradient(Batched{}, z0, theta, span, bl, opt);
    else return gradient(bound_system<Batched, K * B>{bs.inputs}, z0, theta, span, bl, opt);
  }();
  batch_gradient_result<B, N, std::tuple_size_v<decltype(g.dtheta)>> r;
  r.loss = g.loss;
  r.dtheta = g.dtheta;
  r.dz0 = unpack_batch<B, N>(g.dz0);
  r.dt0 = g.dt0;
  r.dt1 = g.dt1;
  r.g_t = g.g_t;
  r.z1 = unpack_batch<B, N>(g.z1);
  r.stats = g.stats;
  return r;
}

}  // namespace costate
