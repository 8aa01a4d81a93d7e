// The adjoint pass behind gradient() (the method: see solve/gradient.hpp): forward with checkpoints,
// then backward interval by interval, backsolve or interpolated (system/rhs.hpp's layouts).
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

inline void accumulate(pass_stats& total, const pass_stats& s) {
  total.steps += s.steps;
  total.rejected += s.rejected;
  total.rhs_evals += s.rhs_evals;
  total.jacobian_evals += s.jacobian_evals;
  total.factorisations += s.factorisations;
  total.sparse_factorisations += s.sparse_factorisations;
  total.banded_factorisations += s.banded_factorisations;
  total.jacobian_sweeps += s.jacobian_sweeps;
}

template <class T, std::size_t N>
T dot(const std::array<T, N>& a, const std::array<T, N>& b) {
  T s{};
  for (std::size_t i = 0; i < N; ++i) s += a[i] * b[i];
  return s;
}

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
  // Backsolve is compiled only where options<St, A> can ask for it (detail::may_backsolve).
  constexpr bool with_backsolve = may_backsolve<A> && !is_rosenbrock<St>;
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
  {
    std::array<double, n> z = z0;
    cp.push(stops[0].t, 0.0, stops[0].obs, none, z);
    for (std::size_t i = 0; i + 1 < stops.size(); ++i) {
      const double a = stops[i].t, b = stops[i + 1].t;
      cp.stop_at = b;
      const step_budget budget{opt.max_steps, r.stats.forward};
      accumulate(r.stats.forward, integrate(opt.stepper, f, z, a, b, ftol, budget, "forward", recorder));
      cp.push(b, 0.0, stops[i + 1].obs, none, z);
    }
    r.z1 = z;
  }
  const bool in_memory = recorder.trajectory != nullptr && trajectory.steps() > 0;
  const std::size_t M = cp.size() - 1;  // checkpoint intervals
  const auto& ct = cp.t;
  const auto& ch = cp.h;
  const auto& cobs = cp.obs;
  const auto zc = [&](std::size_t j) { return cp.state(j); };
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

  // An observation at checkpoint j: λ jumps by ∂ℓ/∂z, dL/dt_k = ∂ℓ/∂z · f.
  if (times) r.dtimes.assign(times->size(), 0.0);
  const auto observe = [&](std::size_t j, double* lam) {
    if constexpr (!std::is_void_v<Point>) {
      const std::size_t k = cobs[j];
      if (k == none) return;
      std::array<double, n> jump{}, fk{};
      std::array<double, n> zk;
      std::copy_n(zc(j), n, zk.begin());
      const double* row = data->empty() ? nullptr : data->data() + k * Point::inputs;
      const double l = point_loss<Point>(zk.data(), theta.data(), row, ct[j], jump.data(), r.dtheta.data());
      if (!std::isfinite(l) || !std::all_of(jump.begin(), jump.end(), [](double v) { return std::isfinite(v); }))
        throw error("observations: the loss or its gradient is not finite at times[" + std::to_string(k) + "] = " +
                    format_time(ct[j]));
      r.loss += l;
      f(zk, fk, ct[j]);
      r.dtimes[k] = dot(jump, fk);
      for (std::size_t i = 0; i < n; ++i) lam[i] += jump[i];
    } else {
      (void)j, (void)lam;
    }
  };

  // Backward pass, checkpoint interval by interval from t1 to t0.
  // |z − z_ref| in units of the tolerance, the largest component.
  const auto drift = [&](const double* z, const double* ref, const tolerances& tol) {
    double d = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const double diff = std::abs(z[i] - ref[i]);
      if (diff != 0.0) d = std::max(d, diff / (tol.atol_at(i) + tol.rtol * std::abs(ref[i])));
    }
    return d;
  };
  // The adjoint state is [λ | g_θ | (g_t)] (system/rhs.hpp); backsolve integrates [z | λ | g_θ | (g_t)]
  // interval by interval and copies the tail back.
  using kernels = kernels_of<Sys>;
  using interpolated_rhs = typename kernels::template interpolated<zsource>;
  constexpr std::size_t na = interpolated_rhs::size;
  zsource seg;
  const interpolated_rhs adj_interpolated{theta.data(), u, &seg};
  std::array<double, na> y{};
  std::copy(lambda.begin(), lambda.end(), y.begin());
  observe(M, y.data());
  double h = 0.0;  // the adjoint's step, carried from interval to interval

  // z(t) on [t_j, t_{j+1}] from a forward re-integration from checkpoint j, then λ, g_θ along it.
  const auto interpolated_interval = [&](std::size_t j) {
    seg.clear();
    // Automatic checkpoints are `every` forward steps apart (or fewer, at stops): the segment's storage
    // at once, reused by every interval (grown by doubling, it was allocated and faulted in again on
    // every gradient).
    if (automatic) seg.reserve_steps(cp.every + 2);
    std::array<double, n> z;
    std::copy_n(zc(j), n, z.begin());
    accumulate(r.stats.recompute, integrate(opt.stepper, f, z, ct[j], ct[j + 1], ftol,
                                            step_budget{opt.max_steps, r.stats.recompute}, "recompute", seg, ch[j]));
    if (dense) r.stats.backsolve_drift = std::max(r.stats.backsolve_drift, drift(z.data(), zc(j + 1), ftol));
    r.stats.max_segment_steps = std::max(r.stats.max_segment_steps, seg.steps());
    if (seg.wants_neighbour() && M > 1) {  // a third interpolation node from the next (or previous) checkpoint
      const std::size_t m = j + 2 <= M ? j + 2 : j - 1;
      std::array<double, n> zm, fm;
      std::copy_n(zc(m), n, zm.begin());
      f(zm, fm, ct[m]);
      seg.add_neighbour(ct[m], zm, fm);
    }
    seg.finalize();
    accumulate(r.stats.backward, integrate(opt.stepper, adj_interpolated, y, ct[j + 1], ct[j], atol_interpolated,
                                           step_budget{opt.max_steps, r.stats.backward}, "adjoint", no_observer{}, h, &h));
  };

  if (dense && in_memory) {
    // z(t) from the forward pass's dense output: the adjoint stops only where the loss makes λ jump
    // (observations) and at the stops, not at automatic checkpoints.
    trajectory.finalize();
    r.stats.in_memory_steps = trajectory.steps();
    const interpolated_rhs adj_memory{theta.data(), u, &trajectory};
    std::size_t from = M;
    for (std::size_t j = M; j-- > 0;) {
      if (j > 0 && cp.step[j] != none) continue;
      accumulate(r.stats.backward, integrate(opt.stepper, adj_memory, y, ct[from], ct[j], atol_interpolated,
                                             step_budget{opt.max_steps, r.stats.backward}, "adjoint", no_observer{}, h, &h));
      observe(j, y.data());
      from = j;
    }
  } else if (dense) {
    for (std::size_t j = M; j-- > 0;) {
      interpolated_interval(j);
      observe(j, y.data());
    }
  } else if constexpr (with_backsolve) {  // (Rosenbrock steppers refused backsolve above)
    // Backsolve: z restarts from the stored forward value. Where the backward z ends more than
    // max_drift tolerance units away from the stored z(t_j) (or the pass fails), λ and g_θ were
    // integrated along another trajectory: the interval is done again with z interpolated.
    using backsolve_rhs = typename kernels::backsolve;
    static_assert(backsolve_rhs::size == n + na);
    const backsolve_rhs adj_backsolve{theta.data(), u};
    std::array<double, n + na> yb;
    for (std::size_t j = M; j-- > 0;) {
      std::copy_n(zc(j + 1), n, yb.begin());
      std::copy(y.begin(), y.end(), yb.begin() + n);
      double d = std::numeric_limits<double>::infinity(), h_end = h;
      try {
        accumulate(r.stats.backward, integrate(opt.stepper, adj_backsolve, yb, ct[j + 1], ct[j], atol_backsolve,
                                               step_budget{opt.max_steps, r.stats.backward}, "adjoint", no_observer{}, h, &h_end));
        d = drift(yb.data(), zc(j), atol_backsolve);
      } catch (const error&) {  // the backward z blew up: non-finite, step size underflow, max_steps
      }
      if (d <= method.max_drift) {
        r.stats.backsolve_drift = std::max(r.stats.backsolve_drift, d);
        h = h_end;
        std::copy(yb.begin() + n, yb.end(), y.begin());
      } else {
        ++r.stats.backsolve_fallbacks;
        interpolated_interval(j);
      }
      observe(j, y.data());
    }
  }
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
