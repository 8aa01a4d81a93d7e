// The adjoint pass behind gradient() (the method: see solve/gradient.hpp): forward with checkpoints
// and dense output, the loss at t1, then backward interval by interval by one of the strategies of
// solve/backward_strategies.hpp, and dL/dt0.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "costate/solve/arguments.hpp"
#include "costate/solve/backward_pass.hpp"
#include "costate/solve/backward_strategies.hpp"
#include "costate/solve/checkpoints.hpp"
#include "costate/solve/dense.hpp"
#include "costate/solve/gradient_result.hpp"
#include "costate/solve/integrate.hpp"
#include "costate/solve/loss_protocol.hpp"
#include "costate/solve/options.hpp"
#include "costate/solve/schedule.hpp"
#include "costate/system/generated.hpp"
#include "costate/system/rhs.hpp"

namespace costate {
namespace detail {

// The gradient of Σ (terminal φ at t1, observations ℓ at t_k), for a system whose state `quadrature`
// (if not none) is a running loss's integral (its adjoint is 1 and its final value joins the loss).
template <class Sys, class Terminal, class Point, std::size_t P, class St, class A>
gradient_result<Sys::states, P> adjoint_gradient(const std::array<double, Sys::states>& z0,
                                                 const std::array<double, P>& theta, const double* u, time_span span,
                                                 const std::vector<double>* times, const std::vector<double>* data,
                                                 std::size_t quadrature, const options<St, A>& opt) {
  constexpr std::size_t n = Sys::states, ps = Sys::params;
  gradient_result<n, P> r;
  const adjoint_method method = opt.adjoint;
  const bool dense = method.interpolate;
  static_assert(!(is_rosenbrock<St> && std::is_same_v<A, backsolve>),
                "costate::gradient: the stiff steppers (rodas5p, rosenbrock4) need the checkpointed adjoint: a backward "
                "re-integration of z is unstable on the stiff systems they are for (options<rodas5p>, not options<rodas5p, backsolve>)");
  if constexpr (is_rosenbrock<St>)
    if (!dense)
      throw error(std::string(rosenbrock_stepper<St>::name) +
                  " needs the checkpointed adjoint (options::adjoint = checkpointed{...}): a backward "
                  "re-integration of z is unstable on the stiff systems it is for");
  const typename kernels_of<Sys>::forward f{theta.data(), u};
  // Tolerances (options.hpp): the system's states (the first `states` of z and of λ) per state or
  // one for all; the quadratures (a running loss's integral, g_θ, g_t) their own.
  const std::size_t states = quadrature == none ? n : quadrature;
  require_atol_size("atol", opt.atol, states);
  const absolute_tolerance& aat = opt.adjoint_atol.is_set() ? opt.adjoint_atol : opt.atol;
  require_atol_size("adjoint_atol", aat, states);
  const double art = opt.adjoint_rtol.value_or(opt.rtol);
  const double q_forward = opt.quadrature_atol.value_or(opt.atol.smallest());
  const double q_adjoint = opt.quadrature_atol.value_or(aat.smallest());
  std::vector<double> each_f, each_i, each_b;
  const tolerances ftol = pass_tolerances(opt.rtol, each_f, opt.atol.per_state() ? q_forward : opt.atol.value(),
                                          {{&opt.atol, states, n, q_forward}});
  // [λ | g_θ | (g_t)]: λ of a running loss's integral is the constant 1.
  tolerances atol_interpolated = pass_tolerances(art, each_i, q_adjoint, {{&aat, states, n, aat.smallest()}});
  // Backsolve's [z | λ | g_θ | (g_t)]: z under the adjoint's rtol, and its absolute tolerance per state
  // where atol is per state (z's scale), the adjoint's otherwise.
  const bool z_own = opt.atol.per_state();
  tolerances atol_backsolve =
      pass_tolerances(art, each_b, q_adjoint,
                      {{z_own ? &opt.atol : &aat, states, n, z_own ? q_forward : aat.smallest()}, {&aat, states, n, aat.smallest()}});
  if (opt.seminorm) {
    atol_interpolated.norm_size = n;  // λ only
    atol_backsolve.norm_size = 2 * n;  // z and λ
  }

  // Forward pass, stop to stop, storing checkpoints.
  const std::vector<stop> stops = stops_of(span, method.segments, times);
  checkpoint_store<n> cp;
  cp.reserve(stops.size());
  cp.every = method.segments == 0 ? method.steps_per_checkpoint : std::numeric_limits<std::size_t>::max();
  cp.cap = method.max_checkpoints;
  cp.countdown = cp.every;
  const bool automatic = cp.every != std::numeric_limits<std::size_t>::max();
  // The checkpointed adjoint's in-memory mode: the forward pass's own dense output, while it fits.
  using zsource = dense_segment<n>;
  zsource trajectory;
  const std::size_t dense_bytes = dense_memory_bytes(method, n);
  gradient_recorder<n> recorder{automatic ? &cp : nullptr, dense && dense_bytes > 0 ? &trajectory : nullptr,
                                dense_bytes / sizeof(double)};
  // Backsolve at equal segments records nothing between stops: its forward pass is then the plain step
  // loop, without the recorder's per-step copies and tests (a second instantiation of the loop, only
  // where backsolve is compiled).
  const bool records = recorder.checkpoints != nullptr || recorder.trajectory != nullptr;
  {
    std::array<double, n> z = z0;
    const auto interval = [&](double a, double b, auto&& observer) {
      return integrate(opt.stepper, f, z, a, b, ftol, step_budget{opt.max_steps, r.stats.forward}, "forward", observer);
    };
    cp.push(stops[0].t, 0.0, stops[0].obs, none, z);
    for (std::size_t i = 0; i + 1 < stops.size(); ++i) {
      const double a = stops[i].t, b = stops[i + 1].t;
      cp.stop_at = b;
      if constexpr (backsolve_backward::compiled<A, St>)
        accumulate(r.stats.forward, records ? interval(a, b, recorder) : interval(a, b, no_observer{}));
      else
        accumulate(r.stats.forward, interval(a, b, recorder));
      cp.push(b, 0.0, stops[i + 1].obs, none, z);
    }
    r.z1 = z;
  }
  const bool in_memory = recorder.trajectory != nullptr && trajectory.steps() > 0;
  const std::size_t M = cp.size() - 1;  // checkpoint intervals
  r.stats.checkpoints = M;

  // Terminal loss at t1, then dL/dt1 = λ(t1)ᵀ f(z(t1), θ, t1) (observations at t1 have their own dL/dt_k).
  std::array<double, n> lambda{};
  if constexpr (!std::is_void_v<Terminal>) {
    r.loss = point_loss<Terminal>(r.z1.data(), theta.data(), u, span.t1, lambda.data(), r.dtheta.data());
    if (!std::isfinite(r.loss)) throw error("the loss is not finite at z(t1) (" + format_time(r.loss) + ")");
    require_finite("the loss gradient dL/dz(t1)", lambda);
  }
  if (quadrature != none) {
    lambda[quadrature] = 1.0;
    r.loss += r.z1[quadrature];
  }
  std::array<double, n> fz{};
  f(r.z1, fz, span.t1);
  r.dt1 = dot(lambda, fz);
  if (times) r.dtimes.assign(times->size(), 0.0);

  // Backward pass, checkpoint interval by interval from t1 to t0, by the strategy the options choose.
  backward_pass<Sys, Point, P, St, A> pass{theta, u, opt, method, f, ftol, atol_interpolated, atol_backsolve,
                                          cp, automatic, trajectory, in_memory, data, r};
  std::copy(lambda.begin(), lambda.end(), pass.y.begin());
  pass.observe(M);
  if (!run_backward(pass, backward_strategies{}))
    throw error(std::string("costate::gradient: no adjoint method of options<Stepper, Adjoint> runs adjoint_method{.interpolate = ") +
                (method.interpolate ? "true" : "false") + "}");
  const auto& y = pass.y;
  using kernels = kernels_of<Sys>;
  std::array<double, n> lambda0{};
  std::array<double, ps> gtheta{};
  std::copy_n(y.begin(), n, lambda0.begin());
  std::copy_n(y.begin() + n, ps, gtheta.begin());
  double gt = 0.0;  // without t in f, λᵀ∂f/∂t = 0
  if constexpr (kernels::with_time) gt = y[n + ps];
  r.dz0 = lambda0;
  for (std::size_t k = 0; k < ps; ++k) r.dtheta[k] += gtheta[k];
  r.g_t = gt;

  // dL/dt0 = -λ(t0)ᵀ f(z0, θ, t0)
  f(z0, fz, span.t0);
  r.dt0 = -dot(r.dz0, fz);
  require_finite("dL/dtheta", r.dtheta);
  require_finite("dL/dz0", r.dz0);
  require_finite("dL/dt", std::array{r.dt0, r.dt1});
  return r;
}

}  // namespace detail
}  // namespace costate
