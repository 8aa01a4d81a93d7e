// The adjoint gradient of a loss of an ODE solution:
//
//   auto g = gradient(sys, z0, theta, {t0, t1}, loss, options<>{...});
//   g.loss, g.dtheta, g.dz0, g.dt0, g.dt1, g.g_t, g.dtimes, g.z1, g.stats
//
// loss: terminal_loss(φ), running_loss(ℓ) [+ terminal_loss(φ)], or observations(ℓ, times, data)
// (system/loss.hpp).
//
// Forward: z0 → z(t1), storing z at checkpoints (observation times among them). Backward, from t1
// to t0, checkpoint interval by checkpoint interval: λ, g_θ and (if f depends on t) g_t are integrated with
//   dλ/dt = -λᵀ∂f/∂z,  dg_θ/dt = -λᵀ∂f/∂θ,  dg_t/dt = -λᵀ∂f/∂t,   λ(t1) = ∂φ/∂z(t1),
// z(t) being read from the dense output of a forward re-integration of the interval (checkpointed,
// the default) or re-integrated backward with λ (backsolve); see options.hpp's adjoint_method.
// At an observation time t_k, λ jumps by ∂ℓ/∂z(z(t_k)) and dL/dt_k = ∂ℓ/∂z · f(z(t_k), θ, t_k).
// Then dL/dθ = g_θ(t0) + ∂(losses)/∂θ, dL/dz0 = λ(t0), dL/dt1 = λ(t1)ᵀ f(z(t1), θ, t1) and
// dL/dt0 = -λ(t0)ᵀ f(z0, θ, t0). Since d/dt[λᵀf] = λᵀ∂f/∂t between jumps, also
// dL/dt0 = -dL/dt1 + g_t(t0) - Σ_k dL/dt_k: `g.g_t` is returned so that users (and the tests) can check it.
// A running loss ∫ℓ dt is carried as a quadrature state q' = ℓ whose adjoint is 1 (loss.hpp), so
// λᵀf above includes ℓ.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "costate/expr/plan.hpp"
#include "costate/solve/arguments.hpp"
#include "costate/solve/checkpoints.hpp"
#include "costate/solve/dense.hpp"
#include "costate/solve/integrate.hpp"
#include "costate/solve/options.hpp"
#include "costate/solve/solve.hpp"
#include "costate/system/batch.hpp"
#include "costate/system/generated.hpp"
#include "costate/system/loss.hpp"
#include "costate/system/ode.hpp"
#include "costate/system/rhs.hpp"

namespace costate {

struct gradient_stats {
  pass_stats forward;
  pass_stats backward;   // the adjoint pass
  pass_stats recompute;  // checkpointed: the forward re-integration of each segment in the backward pass
  std::size_t checkpoints = 0;          // checkpoint intervals the backward pass went through
  std::size_t max_segment_steps = 0;    // checkpointed: most pieces held in dense output at once (a step,
                                        // or a third of one for high-order steppers, solve/dense.hpp)
  // max over checkpoints and i of |z_i re-integrated (backward, or forward from the previous
  // checkpoint) − z_i stored by the forward pass|, in units of the tolerance (atol + rtol |z_i|).
  // Checkpointed: about 1 or less (the re-integration retraces the forward pass). Backsolve: at most
  // adjoint_method::max_drift, over the intervals it kept (see backsolve_fallbacks).
  double backsolve_drift = 0.0;
  // Backsolve: checkpoint intervals on which the backward z left the forward trajectory by more than
  // max_drift tolerance units (or the backward pass failed), and which were therefore integrated
  // again with z interpolated from a forward re-integration, as the checkpointed adjoint does.
  std::size_t backsolve_fallbacks = 0;
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
  std::vector<double> dtimes;      // dL/dt_k for each observation time (observations only)
  gradient_stats stats;
};

namespace detail {

// Largest param / input index used by the system or the loss.
template <class L> struct loss_traits;
template <class Sys, class L>
inline constexpr std::size_t total_params = std::max(Sys::params, loss_traits<L>::params);

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

inline void accumulate(pass_stats& total, const pass_stats& s) {
  total.steps += s.steps;
  total.rejected += s.rejected;
  total.rhs_evals += s.rhs_evals;
  total.jacobian_evals += s.jacobian_evals;
}

template <class T, std::size_t N>
T dot(const std::array<T, N>& a, const std::array<T, N>& b) {
  T s{};
  for (std::size_t i = 0; i < N; ++i) s += a[i] * b[i];
  return s;
}

}  // namespace detail

namespace detail {

// The sizes a loss adds to the problem: parameters, states it reads, inputs it needs the system to bind.
template <class L> struct loss_traits;
template <class L> struct loss_traits<terminal_loss_t<L>> {
  static constexpr std::size_t params = terminal_loss_t<L>::params, states = terminal_loss_t<L>::states,
                               system_inputs = terminal_loss_t<L>::inputs;
};
template <class G> struct loss_traits<generated_terminal_loss<G>> {
  static constexpr std::size_t params = G::params, states = G::states, system_inputs = G::inputs;
};
template <class Ell> struct loss_traits<running_loss_t<Ell, void>> {
  static constexpr std::size_t params = symbol_extent_v<symbol_kind::param, Ell>,
                               states = symbol_extent_v<symbol_kind::state, Ell>,
                               system_inputs = symbol_extent_v<symbol_kind::input, Ell>;
};
template <class Ell, class T> struct loss_traits<running_loss_t<Ell, T>> {
  static constexpr std::size_t params = std::max(loss_traits<running_loss_t<Ell>>::params, T::params),
                               states = std::max(loss_traits<running_loss_t<Ell>>::states, T::states),
                               system_inputs = std::max(loss_traits<running_loss_t<Ell>>::system_inputs, T::inputs);
};
template <class Ell> struct loss_traits<observation_loss_t<Ell>> {
  using P = typename observation_loss_t<Ell>::point;
  static constexpr std::size_t params = P::params, states = P::states, system_inputs = 0;  // ℓ's inputs are data
};

// The system with the running loss's integrand as one more equation: q' = ℓ(z, θ, t).
template <class Sys, class Ell> struct with_quadrature;
template <class... F, class Ell> struct with_quadrature<system<F...>, Ell> { using type = system<F..., Ell>; };

// ℓ of a point loss at z, with ∂ℓ/∂z added into `lambda` and ∂ℓ/∂θ into `dtheta`.
template <class Pt>
double point_loss(const double* z, const double* theta, const double* u, double t, double* lambda, double* dtheta) {
  if constexpr (is_generated_loss<Pt>::value) {
    static_cast<void>(t);
    return Pt::kernels::gradient(z, theta, u, lambda, dtheta);
  } else {
    const context<double> c{z, nullptr, theta, u, t};
    constexpr std::size_t nz = Pt::state_leaves::size;
    double l = 0.0;
    loss_plan_t<Pt>::template run<double>(c, [&](auto i, const auto& v) {
      constexpr std::size_t k = decltype(i)::value;
      if constexpr (k == 0) {
        l = v;
      } else if constexpr (k <= nz) {
        using X = typename at<k - 1, typename Pt::state_leaves>::type;
        costate::accumulate<typename X::shape_type>(lambda + X::index, v);
      } else {
        using X = typename at<k - 1 - nz, typename Pt::param_leaves>::type;
        costate::accumulate<typename X::shape_type>(dtheta + X::index, v);
      }
    });
    return l;
  }
}

// Where the forward pass must stop: t0, t1, the ends of equal segments, observation times.
struct stop {
  double t;
  std::size_t obs;  // observation index, or none
};
inline std::vector<stop> stops_of(time_span span, std::size_t segments, const std::vector<double>* times) {
  // Both lists are sorted: merge them, keeping one stop per time.
  std::vector<stop> merged;
  const std::size_t K = times ? times->size() : 0;
  std::size_t j = 0, k = 0;
  const auto boundary = [&](std::size_t i) {
    return i == 0 ? span.t0 : i == segments ? span.t1 : span.t0 + (span.t1 - span.t0) * static_cast<double>(i) / static_cast<double>(segments);
  };
  const std::size_t B = std::max<std::size_t>(segments, 1);  // boundaries 0 .. B
  while (j <= B || k < K) {
    const bool take_obs = k < K && (j > B || (*times)[k] <= (j == B ? span.t1 : boundary(j)));
    const stop x = take_obs ? stop{(*times)[k], k} : stop{j == B ? span.t1 : boundary(j), none};
    take_obs ? ++k : ++j;
    if (!merged.empty() && merged.back().t == x.t) {
      if (x.obs != none) merged.back().obs = x.obs;
    } else {
      merged.push_back(x);
    }
  }
  return merged;
}

inline void require_valid_observations(time_span span, const std::vector<double>& times, std::size_t data_values,
                                       std::size_t row) {
  if (times.empty()) throw error("observations: no observation times");
  for (std::size_t k = 0; k < times.size(); ++k) {
    const double t = times[k];
    if (!std::isfinite(t)) throw error("observations: times[" + std::to_string(k) + "] is not finite");
    if (t < span.t0 || t > span.t1)
      throw error("observations: times[" + std::to_string(k) + "] = " + format_time(t) + " is outside [t0, t1] = [" +
                  format_time(span.t0) + ", " + format_time(span.t1) + "]");
    if (k > 0 && !(times[k - 1] < t))
      throw error("observations: times must increase strictly, but times[" + std::to_string(k - 1) + "] = " +
                  format_time(times[k - 1]) + " and times[" + std::to_string(k) + "] = " + format_time(t));
  }
  if (data_values != times.size() * row)
    throw error("observations: the loss reads " +
                (row == 0 ? std::string("no data (no input<j>)")
                          : std::to_string(row) + " data value(s) per observation (input<0> .. input<" + std::to_string(row - 1) + ">)") +
                ", so " + std::to_string(times.size()) + " times need " + std::to_string(times.size() * row) +
                " data values; got " + std::to_string(data_values));
}

template <class St> inline constexpr bool is_rosenbrock = std::is_same_v<St, rosenbrock4>;

// The gradient of Σ (terminal φ at t1, observations ℓ at t_k), for a system whose state `quadrature`
// (if not none) is a running loss's integral (its adjoint is 1 and its final value joins the loss).
template <class Sys, class Terminal, class Point, std::size_t P, class St>
gradient_result<Sys::states, P> adjoint_gradient(const std::array<double, Sys::states>& z0,
                                                 const std::array<double, P>& theta, const double* u, time_span span,
                                                 const std::vector<double>* times, const std::vector<double>* data,
                                                 std::size_t quadrature, const options<St>& opt) {
  constexpr std::size_t n = Sys::states, ps = Sys::params;
  gradient_result<n, P> r;
  const bool dense = opt.adjoint.interpolate;
  if constexpr (is_rosenbrock<St>)
    if (!dense)
      throw error("rosenbrock4 needs the checkpointed adjoint (options::adjoint = checkpointed{...}): a backward "
                  "re-integration of z is unstable on the stiff systems it is for");
  const typename kernels_of<Sys>::forward f{theta.data(), u};
  const tolerances ftol{opt.rtol, opt.atol};
  tolerances atol{opt.adjoint_rtol.value_or(opt.rtol), opt.adjoint_atol.value_or(opt.atol)};
  if (opt.seminorm) atol.norm_size = 2 * n;  // z and λ only; g_θ and g_t are left out

  // Forward pass, stop to stop, storing checkpoints.
  const std::vector<stop> stops = stops_of(span, opt.adjoint.segments, times);
  checkpoint_store<n> cp;
  cp.every = opt.adjoint.segments == 0 ? opt.adjoint.steps_per_checkpoint : std::numeric_limits<std::size_t>::max();
  cp.cap = opt.adjoint.max_checkpoints;
  cp.countdown = cp.every;
  const bool automatic = cp.every != std::numeric_limits<std::size_t>::max();
  {
    std::array<double, n> z = z0;
    cp.push(stops[0].t, 0.0, stops[0].obs, none, z);
    for (std::size_t i = 0; i + 1 < stops.size(); ++i) {
      const double a = stops[i].t, b = stops[i + 1].t;
      cp.stop_at = b;
      // Without automatic checkpoints nothing records: the step loop without the recording branch.
      const step_budget budget{opt.max_steps, r.stats.forward};
      accumulate(r.stats.forward, automatic ? integrate(opt.stepper, f, z, a, b, ftol, budget, "forward", cp)
                                            : integrate(opt.stepper, f, z, a, b, ftol, budget, "forward", no_observer{}));
      cp.push(b, 0.0, stops[i + 1].obs, none, z);
    }
    r.z1 = z;
  }
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
      if (diff != 0.0) d = std::max(d, diff / (tol.atol + tol.rtol * std::abs(ref[i])));
    }
    return d;
  };
  // The adjoint state is [λ | g_θ | (g_t)] (system/rhs.hpp); backsolve integrates [z | λ | g_θ | (g_t)]
  // interval by interval and copies the tail back.
  using kernels = kernels_of<Sys>;
  using zsource = dense_segment<n>;
  using interpolated_rhs = typename kernels::template interpolated<zsource>;
  constexpr std::size_t na = interpolated_rhs::size;
  zsource seg;
  const interpolated_rhs adj_interpolated{theta.data(), u, &seg};
  tolerances atol_interpolated = atol;
  if (opt.seminorm) atol_interpolated.norm_size = n;  // λ only
  std::array<double, na> y{};
  std::copy(lambda.begin(), lambda.end(), y.begin());
  observe(M, y.data());
  double h = 0.0;  // the adjoint's step, carried from interval to interval

  // z(t) on [t_j, t_{j+1}] from a forward re-integration from checkpoint j, then λ, g_θ along it.
  const auto interpolated_interval = [&](std::size_t j) {
    seg.clear();
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

  if (dense) {
    for (std::size_t j = M; j-- > 0;) {
      interpolated_interval(j);
      observe(j, y.data());
    }
  } else if constexpr (!is_rosenbrock<St>) {  // (rosenbrock4 refused backsolve above)
    // Backsolve: z restarts from the stored forward value. Where the backward z ends more than
    // max_drift tolerance units away from the stored z(t_j) (or the pass fails), λ and g_θ were
    // integrated along another trajectory: the interval is done again with z interpolated.
    using backsolve_rhs = typename kernels::backsolve;
    static_assert(backsolve_rhs::size == n + na);
    const backsolve_rhs adj_backsolve{theta.data(), u};
    tolerances atol_backsolve = atol;
    if (opt.seminorm) atol_backsolve.norm_size = 2 * n;  // z and λ
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
      if (d <= opt.adjoint.max_drift) {
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

template <class S, class Z0, class Theta, class St>
void require_valid_gradient_arguments(const S& sys, const Z0& z0, const Theta& theta, time_span span, const options<St>& opt) {
  require_finite("z0", z0);
  require_finite("theta", theta);
  require_finite_inputs(sys);
  require_valid_span(span);
  require_valid_options(opt);
}

}  // namespace detail

template <SystemLike S, class Z0, class Theta, Loss L, class St = dopri5>
gradient_result<system_of_t<S>::states, detail::total_params<system_of_t<S>, std::remove_cvref_t<L>>>
gradient(const S& sys, const Z0& z0_in, const Theta& theta_in, time_span span, const L& loss, const options<St>& opt = {}) {
  using Sys = system_of_t<S>;
  using Lo = std::remove_cvref_t<L>;
  using traits = detail::loss_traits<Lo>;
  constexpr std::size_t n = Sys::states, p = detail::total_params<Sys, Lo>;
  static_assert(detail::check_size<Z0, n, detail::z0_size_does_not_match_the_system>());
  static_assert(detail::check_size<Theta, p, detail::theta_size_does_not_match_the_system>());
  static_assert(detail::loss_uses_a_state_index_beyond_the_system<traits::states, n>::value);
  static_assert(detail::loss_uses_an_input_the_system_does_not_bind<traits::system_inputs,
                                                                    detail::inputs_bound_v<std::remove_cvref_t<S>>>::value);
  detail::require_valid_gradient_arguments(sys, z0_in, theta_in, span, opt);
  const auto z0 = detail::to_array<double, n>(z0_in);
  const auto theta = detail::to_array<double, p>(theta_in);
  const double* u = detail::input_values(sys);

  if constexpr (detail::is_terminal_loss<Lo>::value) {
    return detail::adjoint_gradient<Sys, Lo, void>(z0, theta, u, span, nullptr, nullptr, detail::none, opt);
  } else if constexpr (detail::is_observation_loss<Lo>::value) {
    detail::require_valid_observations(span, loss.times, loss.data.size(), Lo::data_size);
    detail::require_finite("observations: data", loss.data);
    return detail::adjoint_gradient<Sys, void, typename Lo::point>(z0, theta, u, span, &loss.times, &loss.data,
                                                                    detail::none, opt);
  } else {  // running loss: integrate q' = ℓ beside z
    static_assert(System<Sys>, "costate::gradient: running losses need the system's expressions, not a generated header");
    using Aug = typename detail::with_quadrature<Sys, typename Lo::integrand>::type;
    std::array<double, n + 1> za{};
    std::copy(z0.begin(), z0.end(), za.begin());
    const auto g = detail::adjoint_gradient<Aug, typename Lo::terminal, void>(za, theta, u, span, nullptr, nullptr, n, opt);
    gradient_result<n, p> r;
    r.loss = g.loss;
    r.dtheta = g.dtheta;
    std::copy_n(g.dz0.begin(), n, r.dz0.begin());
    std::copy_n(g.z1.begin(), n, r.z1.begin());
    r.dt0 = g.dt0;
    r.dt1 = g.dt1;
    r.g_t = g.g_t;
    r.stats = g.stats;
    return r;
  }
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
  static_assert(detail::is_terminal_loss<std::remove_cvref_t<L>>::value && !detail::is_generated_loss<std::remove_cvref_t<L>>::value,
                "costate::gradient: batches take terminal losses (terminal_loss(...)); running losses, "
                "observations and generated losses are per system, not yet per batch");
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
