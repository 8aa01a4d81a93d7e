// The step loop shared by every pass: Boost.Odeint steppers take the steps, costate controls them.
//
// costate drives odeint's steppers itself instead of calling integrate_adaptive, because it needs:
//   - statistics (accepted and rejected steps, right-hand-side evaluations) for the result;
//   - errors that say where they happened (max_steps, step-size underflow, non-finite state),
//     rather than odeint's max_step_checker message or a silent zero-step loop when the sign of
//     dt does not match the direction of integration;
//   - an error norm over the real parts only, so that complex-step checks see the same step sequence;
//   - landing exactly on the end point, forward or backward.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>

#include <boost/numeric/odeint/stepper/runge_kutta4.hpp>
#include <boost/numeric/odeint/stepper/runge_kutta_dopri5.hpp>
#include <boost/numeric/odeint/stepper/stepper_categories.hpp>

#include "costate/error.hpp"
#include "costate/solve/options.hpp"

namespace costate {

// What one pass (forward or backward) did.
struct pass_stats {
  std::size_t steps = 0;     // accepted steps
  std::size_t rejected = 0;  // rejected steps (adaptive steppers only)
  std::size_t rhs_evals = 0; // right-hand-side evaluations
  std::size_t jacobian_evals = 0;  // Jacobian evaluations (rosenbrock4 and rodas5p only)
  // LU factorisations of W = I/(γh) − J (rodas5p refactorises a retried step without a new Jacobian)
  std::size_t factorisations = 0;
  // Of those, the sparse ones (solve/stiff_linear.hpp: lu_kind), and of these the banded ones (the
  // rest by Eigen's SparseLU)
  std::size_t sparse_factorisations = 0;
  std::size_t banded_factorisations = 0;
  // VJP evaluations spent on Jacobians: one per state (dense), one per colour of the rows (sparse)
  std::size_t jacobian_sweeps = 0;
};

namespace detail {

template <class T> double re(const T& v) { return static_cast<double>(v); }
template <class T> double re(const std::complex<T>& v) { return static_cast<double>(v.real()); }

template <class T> bool is_finite(const T& v) { return std::isfinite(static_cast<double>(v)); }
template <class T> bool is_finite(const std::complex<T>& v) { return std::isfinite(v.real()) && std::isfinite(v.imag()); }

inline std::string format_time(double t) {
  std::ostringstream os;
  os.precision(17);
  os << t;
  return os.str();
}

// Counts evaluations; odeint gets it through std::ref so that copies do not lose the count.
template <class Rhs>
struct counted {
  const Rhs& rhs;
  std::size_t& count;
  template <class S>
  [[gnu::always_inline]] void operator()(const S& x, S& dxdt, double t) const {
    ++count;
    rhs(x, dxdt, t);
  }
};

// The same for Jacobians (rosenbrock4, rodas5p): J row-major n×n, dfdt = ∂f/∂t.
template <class Rhs>
struct counted_jacobian {
  const Rhs& rhs;
  std::size_t& count;
  template <class S>
  void operator()(const S& x, double* J, double t, S& dfdt) const {
    ++count;
    rhs.jacobian(x, J, t, dfdt);
  }
};

// The odeint stepper type a stepper option stands for, for state S.
template <class Tag, class S> struct stepper_for;
template <class S> struct stepper_for<dopri5, S> {
  using type = boost::numeric::odeint::runge_kutta_dopri5<S, double, S, double>;
};
template <class S> struct stepper_for<rk4, S> {
  using type = boost::numeric::odeint::runge_kutta4<S, double, S, double>;
};
template <template <class...> class St, class S> struct stepper_for<odeint_stepper<St>, S> {
  using type = St<S, double, S, double>;
};

template <class Stepper>
inline constexpr bool is_fsal =
    std::is_same_v<typename Stepper::stepper_category, boost::numeric::odeint::explicit_error_stepper_fsal_tag>;
template <class Stepper>
inline constexpr bool is_error_stepper =
    is_fsal<Stepper> ||
    std::is_same_v<typename Stepper::stepper_category, boost::numeric::odeint::explicit_error_stepper_tag>;

// The step budget of a pass: max_steps attempted steps in all, `used` by its earlier intervals (a
// pass may be integrated interval by interval, between checkpoints or observation times).
struct step_budget {
  std::size_t max_steps;
  pass_stats used{};
  step_budget(std::size_t max) : max_steps(max) {}  // NOLINT: a plain count converts
  step_budget(std::size_t max, const pass_stats& u) : max_steps(max), used(u) {}
  std::size_t spent() const { return used.steps + used.rejected; }
};

// A pass's tolerances. The absolute tolerance of component i is each[i] for i < each_size (per-state
// tolerances, see absolute_tolerance), atol beyond (quadratures; every component when each_size = 0).
struct tolerances {
  double rtol;
  double atol;
  std::size_t norm_size = std::numeric_limits<std::size_t>::max();  // components in the error norm (seminorm)
  const double* each = nullptr;
  std::size_t each_size = 0;
  double atol_at(std::size_t i) const { return i < each_size ? each[i] : atol; }
};

// max_i |Re err_i| / (atol_i + rtol · max(|Re x_i|, |Re x_new_i|)) over the first norm_size components;
// NaN if anything is non-finite.
template <class S>
[[gnu::always_inline]] inline double error_norm(const S& err, const S& x, const S& xnew, const tolerances& tol) {
  double m = 0.0;
  const std::size_t size = std::min<std::size_t>(err.size(), tol.norm_size);
  const auto scaled = [&](std::size_t i, double atol) {
    const double ei = std::abs(re(err[i]));
    if (ei == 0.0) return true;  // exact components (g_t of an autonomous f) are fine even when atol = 0
    const double e = ei / (atol + tol.rtol * std::max(std::abs(re(x[i])), std::abs(re(xnew[i]))));
    if (!(e <= std::numeric_limits<double>::max())) return false;
    m = std::max(m, e);
    return true;
  };
  // (Two loops rather than atol_at(i): no test per component on the hot path of small systems.)
  const std::size_t listed = std::min(size, tol.each_size);
  for (std::size_t i = 0; i < listed; ++i)
    if (!scaled(i, tol.each[i])) return std::numeric_limits<double>::quiet_NaN();
  for (std::size_t i = listed; i < size; ++i)
    if (!scaled(i, tol.atol)) return std::numeric_limits<double>::quiet_NaN();
  return m;
}

// e^(-1/K) for a normal, finite e > 0, within 1e-15 relative (tests/solve/test_solve.cpp), for the
// step-size controller. Its factor sets the next step's size, so its latency lies on the critical path
// of the whole pass: glibc's pow took about 25 ns a call here, this about 10 ns, and Lotka–Volterra's
// dopri5 gradient (one root per step) 7 % fewer instructions and over 10 % less time. e = 2^E m with m in
// [1, 2): 2^(-E/K) from a table of 2^(-r/K), r = E mod K, and m^(-1/K) = c^(-1/K) (m/c)^(-1/K), c the
// centre of one of 64 subintervals of [1, 2), the second factor from the binomial series of (1 + u)^(-1/K)
// with |u| < 1/128, whose terms beyond the eighth are below 2^-56.
template <int K>
struct inverse_root_tables {
  // x^(1/K) for x in (0, 1], by Newton's iteration from above (in long double where it is wider).
  static constexpr double root(long double x) {
    long double y = 1;
    for (int i = 0; i < 200; ++i) {
      long double p = 1;
      for (int j = 0; j < K - 1; ++j) p *= y;
      const long double next = ((K - 1) * y + x / p) / K;
      if (!(next < y)) break;
      y = next;
    }
    return static_cast<double>(y);
  }
  static constexpr int cells = 64;
  struct table {
    double inv_centre[cells];  // 1/c_j, rounded
    double scale[cells];       // (1/c_j)^(1/K), of the rounded 1/c_j
    double two[K];             // 2^(-r/K)
    double series[8];          // binomial coefficients of (1 + u)^(-1/K)
  };
  static constexpr table values = [] {
    table t{};
    for (int j = 0; j < cells; ++j) {
      t.inv_centre[j] = 1.0 / (1.0 + (j + 0.5) / cells);
      t.scale[j] = root(t.inv_centre[j]);
    }
    long double p = 1;
    for (int r = 0; r < K; ++r, p /= 2) t.two[r] = root(p);
    long double b = 1;
    for (int i = 0; i < 8; ++i) {
      t.series[i] = static_cast<double>(b);
      b *= (-1.0L / K - i) / (i + 1);
    }
    return t;
  }();
};
template <int K>
inline double inverse_root(double e) {
  static_assert(K >= 2 && K <= 64);
  constexpr auto& t = inverse_root_tables<K>::values;
  const auto bits = std::bit_cast<std::uint64_t>(e);
  const int E = static_cast<int>(bits >> 52) - 1023;
  const int j = static_cast<int>((bits >> 46) & 63);
  const double m = std::bit_cast<double>((bits & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull);
  const int a = (E >= 0 ? E : E - (K - 1)) / K;  // floor(E / K)
  const int r = E - a * K;
  const double u = m * t.inv_centre[j] - 1.0;
  const double u2 = u * u;
  const double* c = t.series;
  const double p = ((c[0] + c[1] * u) + u2 * (c[2] + c[3] * u)) + (u2 * u2) * ((c[4] + c[5] * u) + u2 * (c[6] + c[7] * u));
  const double scale = t.scale[j] * t.two[r] * std::bit_cast<double>(static_cast<std::uint64_t>(1023 - a) << 52);
  return p * scale;
}

// Hairer, Nørsett & Wanner, Solving ODEs I, II.4: a first step from the scale of x and f.
template <class Rhs, class S>
double starting_step(const Rhs& rhs, const S& x, const S& dxdt, double t, double span, int order, tolerances tol) {
  double d0 = 0, d1 = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double sc = tol.atol_at(i) + tol.rtol * std::abs(re(x[i]));
    d0 += std::pow(re(x[i]) / sc, 2);
    d1 += std::pow(re(dxdt[i]) / sc, 2);
  }
  const double n = static_cast<double>(x.size());
  d0 = std::sqrt(d0 / n);
  d1 = std::sqrt(d1 / n);
  double h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
  h0 = std::min(h0, std::abs(span));
  const double dir = span < 0 ? -1.0 : 1.0;
  S x1 = x, f1{};
  for (std::size_t i = 0; i < x.size(); ++i) x1[i] = x[i] + dxdt[i] * (dir * h0);
  rhs(x1, f1, t + dir * h0);
  double d2 = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double sc = tol.atol_at(i) + tol.rtol * std::abs(re(x[i]));
    d2 += std::pow(re(f1[i] - dxdt[i]) / sc, 2);
  }
  d2 = std::sqrt(d2 / n) / h0;
  const double dm = std::max(d1, d2);
  const double h1 = dm <= 1e-15 ? std::max(1e-6, h0 * 1e-3) : std::pow(0.01 / dm, 1.0 / (order + 1));
  double h = std::min({100 * h0, h1, std::abs(span)});
  if (!(std::isfinite(h) && h > 0)) h = std::abs(span) * 1e-6;
  // Components that start at 0 with a non-zero slope (the adjoint's g_θ, tiny atol) can push the
  // estimate below what t can resolve; start where the step still moves t, and let the controller
  // shrink it if it must (it then reports a genuine underflow).
  return std::min(std::abs(span), std::max(h, 1024 * std::numeric_limits<double>::epsilon() * std::max(std::abs(t), std::abs(t + span))));
}

// Errors are built out of line: one copy of the formatting code, not one per instantiation.
[[noreturn, gnu::cold, gnu::noinline]] inline void fail_pass(const char* pass, const std::string& what, double t,
                                                             double t0, double t1) {
  throw error(std::string(pass) + " pass: " + what + " at t = " + format_time(t) + " (integrating from t = " +
              format_time(t0) + " to " + format_time(t1) + ")");
}
// `explicit_stepper`: the message says what a stiff system needs (an explicit method's steps are
// bounded by its fastest decaying mode however smooth the solution is, so it runs out of steps).
[[noreturn, gnu::cold, gnu::noinline]] inline void fail_max_steps(const char* pass, const step_budget& b,
                                                                  const pass_stats& st, double t, double t0, double t1,
                                                                  bool explicit_stepper = false, double h = 0.0) {
  std::string what = "exceeded max_steps = " + std::to_string(b.max_steps) + " (accepted " +
                     std::to_string(b.used.steps + st.steps) + ", rejected " + std::to_string(b.used.rejected + st.rejected) +
                     " in this pass)";
  if (explicit_stepper)
    what += "; the last step was " + format_time(h) +
            ". If the system is stiff (fast decaying modes beside slow ones, as in chemical kinetics), an explicit "
            "stepper's steps stay this short however smooth the solution: use the stiff stepper, "
            "options<rodas5p>{...}";
  fail_pass(pass, what, t, t0, t1);
}
[[noreturn, gnu::cold, gnu::noinline]] inline void fail_underflow(const char* pass, double step, double t, double t0,
                                                                  double t1) {
  fail_pass(pass,
            "step size underflow (|dt| = " + format_time(std::abs(step)) +
                "; the solution may blow up, be non-finite or be too stiff for this stepper)",
            t, t0, t1);
}
[[noreturn, gnu::cold, gnu::noinline]] inline void fail_non_finite(const char* pass, std::size_t i, double t, double t0,
                                                                   double t1) {
  fail_pass(pass, "the state became non-finite (component " + std::to_string(i) + ")", t, t0, t1);
}
[[noreturn, gnu::cold, gnu::noinline]] inline void fail_non_finite_rhs(const char* pass, std::size_t i, double t, double t0,
                                                                       double t1) {
  fail_pass(pass, "the right-hand side (f, or a running loss's integrand) is not finite at the start (component " +
                      std::to_string(i) + ")", t, t0, t1);
}
[[noreturn, gnu::cold, gnu::noinline]] inline void fail_fixed_step(const char* pass, double dt, double steps,
                                                                   const step_budget& b, double t0) {
  if (!(dt > 0) || !std::isfinite(dt))
    throw error(std::string(pass) + " pass: a fixed-step stepper needs dt > 0 (got " + format_time(dt) + ")");
  throw error(std::string(pass) + " pass: dt = " + format_time(dt) + " needs " + format_time(steps) +
              " steps from t = " + format_time(t0) + (b.spent() ? " after " + std::to_string(b.spent()) + " in this pass" : "") +
              ", more than max_steps = " + std::to_string(b.max_steps));
}

// One step of an odeint stepper with the right-hand side inlined into it, whatever the caller: at -O2
// g++ otherwise left the adjoint pass's rk4 stages out of line in some callers (measured with
// callgrind: 10% more instructions than hand-written code; 1.6% with this).
template <class Stepper, class Rhs, class... A>
[[gnu::flatten]] inline void step_flat(Stepper& stepper, Rhs& rhs, A&&... a) {
  stepper.do_step(std::ref(rhs), std::forward<A>(a)...);
}

// The observer of passes that store nothing (one type, so that they share one instantiation).
struct no_observer {
  template <class S> void operator()(double, const S&) const {}
};

// An observer that wants whole steps rather than points (dense output, automatic checkpoints)
// declares `static constexpr bool records_steps = true` and gets, for every accepted step,
//   record(stepper, t_old, x_old, f_old, t_new, x_new, f_new, h_next, rhs)
// with f = dx/dt at both ends, h_next the step the controller proposes after it, and the right-hand
// side (dense output takes extra nodes inside the steps of high-order steppers with it).
template <class O>
concept StepRecorder = std::remove_cvref_t<O>::records_steps;

// How an adaptive stepper is driven: its odeint type, orders, and one attempted step. Explicit
// error steppers here; rosenbrock4 in solve/rosenbrock.hpp, rodas5p in solve/rodas5p.hpp.
template <class Tag, class S>
struct adaptive_stepper {
  using stepper_t = typename stepper_for<Tag, S>::type;
  static constexpr bool fsal = is_fsal<stepper_t>;
  static constexpr int order = std::min<int>(stepper_t::order_value, stepper_t::error_order_value);
  stepper_t stepper;
  template <class Rhs>
  void attempt(Rhs& rhs, pass_stats&, const S& x, const S& dxdt, double t, S& xnew, S& dxdt_new, double h, S& err) {
    attempt_flat(stepper, rhs, x, dxdt, t, xnew, dxdt_new, h, err);
  }
  // step_flat for an error step, its arrays declared distinct (restrict: the step loop passes its own
  // arrays): odeint's loops over the state, which write one array from others, can then be vectorised
  // at -O2 without run-time overlap checks, as they are where odeint's controlled stepper passes its
  // own members (Lorenz-96's adjoint at n = 40: 20 % more instructions per step without).
  template <class Rhs>
  [[gnu::flatten]] static void attempt_flat(stepper_t& st, Rhs& rhs, const S& __restrict x, const S& __restrict dxdt, double t,
                                            S& __restrict xnew, S& __restrict dxdt_new, double h, S& __restrict err) {
    if constexpr (fsal) st.do_step(std::ref(rhs), x, dxdt, t, xnew, dxdt_new, h, err);
    else st.do_step(std::ref(rhs), x, dxdt, t, xnew, h, err);
  }
};
template <class Tag, class S>
struct uses_adaptive_driver : std::bool_constant<is_error_stepper<typename stepper_for<Tag, S>::type>> {};
// rosenbrock4's driver is defined in solve/rosenbrock.hpp, rodas5p's in solve/rodas5p.hpp (both
// included by costate/costate.hpp).
template <class S> struct uses_adaptive_driver<rosenbrock4, S> : std::true_type {};
template <class S> struct adaptive_stepper<rosenbrock4, S>;
template <class S> struct uses_adaptive_driver<rodas5p, S> : std::true_type {};
template <class S> struct adaptive_stepper<rodas5p, S>;

// A driver that declares `static constexpr bool predictive_control = true` gets Gustafsson's
// predictive step-size controller (K. Gustafsson, ACM TOMS 20, 1994; Hairer & Wanner, Solving ODEs
// II, IV.8, and the PRED option of their RADAU5 and RODAS) instead of the plain one: after an
// accepted step the factor is the smaller of the plain one and safety · (h/h_acc) ·
// (e_acc/e)^(1/(q+1)) · e^(-1/(q+1)), with h_acc, e_acc the previous accepted step and its error
// (at least 1e-2), clamped alike. It follows the trend of the error from step to step; where the
// plain controller grows the step into a rejection again and again, it rejects fewer steps (rodas5p
// on Robertson's adjoint pass: 49 of 155 attempted steps rejected with the plain controller, 1 of
// 104 with this one; the forward pass: 212 and 211 steps). The history starts afresh in every call,
// so a re-integration from a checkpoint retraces the forward pass's steps only approximately (to
// within the tolerance).
template <class D>
concept predictive_controller = requires { requires D::predictive_control; };

// Integrates x from t0 to t1 (either direction) in place. `observe(t, x)` sees every accepted step
// (or `observe.record(...)`, see StepRecorder). `pass` names the pass in error messages ("forward",
// "adjoint"). h0 > 0 is the first step (to resume where an earlier integration left off); otherwise
// the stepper's dt, or Hairer's heuristic. An adaptive pass writes the step its controller proposes
// next to *h_next_out, so that the next interval can resume with it.
template <class Tag, class Rhs, class S, class Observer>
pass_stats integrate(const Tag& tag, const Rhs& rhs_in, S& x, double t0, double t1, tolerances tol, step_budget budget,
                     const char* pass, Observer&& observe, double h0 = 0.0, double* h_next_out = nullptr) {
  const std::size_t max_steps = budget.spent() < budget.max_steps ? budget.max_steps - budget.spent() : 0;
  constexpr bool recorder = StepRecorder<Observer>;
  pass_stats st;
  counted<Rhs> rhs{rhs_in, st.rhs_evals};
  const double span = t1 - t0, dir = span < 0 ? -1.0 : 1.0;
  const auto check_state = [&](const S& state, double t) {
    for (std::size_t i = 0; i < state.size(); ++i)
      if (!is_finite(state[i])) fail_non_finite(pass, i, t, t0, t1);
  };

  if constexpr (!uses_adaptive_driver<Tag, S>::value) {
    // Fixed steps: equal steps landing exactly on t1.
    using stepper_t = typename stepper_for<Tag, S>::type;
    stepper_t stepper;
    // (h0: a re-integration retraces the forward pass's steps.)
    const double dt = h0 > 0 ? h0 : tag.dt;
    const double nd = std::ceil(std::abs(span) / dt - 1e-9);
    if (!(dt > 0) || !std::isfinite(dt) || !(nd <= static_cast<double>(max_steps)))
      fail_fixed_step(pass, dt, nd, budget, t0);
    const std::size_t n = std::max<std::size_t>(1, static_cast<std::size_t>(nd));
    const double h = span / static_cast<double>(n);
    [[maybe_unused]] S dxdt{}, xold{}, dxdt_new{};
    if constexpr (recorder) rhs(x, dxdt, t0);
    for (std::size_t k = 0; k < n; ++k) {
      const double t = t0 + static_cast<double>(k) * h;
      const double tn = k + 1 == n ? t1 : t0 + static_cast<double>(k + 1) * h;
      if constexpr (recorder) {
        xold = x;
        step_flat(stepper, rhs, x, dxdt, t, h);
        rhs(x, dxdt_new, tn);
        ++st.steps;
        check_state(x, tn);
        observe.record(stepper, t, xold, dxdt, tn, x, dxdt_new, std::abs(h), rhs);
        dxdt = dxdt_new;
      } else {
        step_flat(stepper, rhs, x, t, h);
        ++st.steps;
        check_state(x, tn);
        observe(tn, x);
      }
    }
    return st;
  } else {
    static_assert(requires { sizeof(adaptive_stepper<Tag, S>); },
                  "costate: the stiff steppers are defined in their own headers: options<rodas5p> needs "
                  "#include <costate/solve/rodas5p.hpp>, options<rosenbrock4> <costate/solve/rosenbrock.hpp> "
                  "(costate/costate.hpp includes both)");
    adaptive_stepper<Tag, S> stepper;
    if constexpr (requires { stepper.configure(tag); }) stepper.configure(tag);
    constexpr int q = adaptive_stepper<Tag, S>::order;
    constexpr bool fsal = adaptive_stepper<Tag, S>::fsal;
    constexpr bool predictive = predictive_controller<adaptive_stepper<Tag, S>>;
    [[maybe_unused]] double h_acc = 0.0, e_acc = 0.0;  // (predictive) the last accepted step and its error
    [[maybe_unused]] const double expo = 1.0 / (q + 1);
    constexpr double safety = 0.9, fac_min = 0.2, fac_max = 5.0;
    // The factor safety · e^(-1/(q+1)), clamped, from inverse_root (see there). safety · e^(-1/(q+1)) ≥ c
    // exactly when e ≤ (safety / c)^(q+1): where the factor is clamped (to fac_max, to 1 after a
    // rejection, to fac_min) it is known without the root, and inverse_root's argument stays in the
    // normal range. The thresholds sit a hair inside the exact bounds, so that rounding never makes the
    // factor differ from the clamped root.
    constexpr auto power = [](double b) {
      double v = 1.0;
      for (int i = 0; i <= q; ++i) v *= b;
      return v;
    };
    constexpr double e_grow_max = power(safety / fac_max) * (1.0 - 1e-9), e_keep = power(safety) * (1.0 - 1e-9),
                     e_shrink_max = power(safety / fac_min) * (1.0 + 1e-9);
    const auto accepted_factor = [&](double e, bool after_rejection) {
      if (after_rejection) return e < e_keep ? 1.0 : std::min(1.0, std::max(fac_min, safety * inverse_root<q + 1>(e)));
      if (e < e_grow_max) return fac_max;  // (e == 0 among them)
      return std::clamp(safety * inverse_root<q + 1>(e), fac_min, fac_max);
    };
    // After a rejection (e > 1): beyond e_shrink_max, or NaN, the smallest factor.
    const auto rejected_factor = [&](double e) {
      return e <= e_shrink_max ? std::max(fac_min, safety * inverse_root<q + 1>(e)) : fac_min;
    };
    // The state and its derivative live in two pairs of arrays that trade places after an accepted
    // step (x itself or x_b holds the current state), rather than being copied (32 KB a step for
    // Lorenz-96's adjoint at n = 1000).
    S x_b{}, dxdt_a{}, dxdt_b{}, err{};
    S *xc = &x, *xn = &x_b, *fc = &dxdt_a, *fn = &dxdt_b;
    // The time is kept as t0 + s: the offset s resolves steps that t alone cannot. A pass that starts
    // at t0 = 1e11 (Robertson's adjoint over the test set's span) must cross a layer of width 1e-4
    // in λ there, in steps below the spacing of doubles near 1e11 (1.5e-5); t0 + s rounds them for the
    // right-hand side (whose t is always that precise), and s adds them up exactly enough.
    double t = t0, s = 0.0;
    rhs(x, *fc, t);
    for (std::size_t i = 0; i < x.size(); ++i)
      if (!is_finite((*fc)[i])) fail_non_finite_rhs(pass, i, t, t0, t1);
    double h = h0 > 0 ? std::min(h0, std::abs(span))
               : tag.dt > 0 ? std::min(tag.dt, std::abs(span))
                            : starting_step(rhs, x, *fc, t, span, q, tol);
    bool last_rejected = false;
    std::size_t attempts = 0;
    while (dir * (span - s) > 0) {
      if (++attempts > max_steps) fail_max_steps(pass, budget, st, t, t0, t1, !is_rosenbrock<Tag>, h);
      const double remaining = std::abs(span - s);
      // Stretch the step by up to 1% to reach t1 rather than leave a sliver of a last step.
      const bool last = h * 1.01 >= remaining;
      const double step = dir * (last ? remaining : h);
      // Underflow: the controller's step no longer moves the offset s (a solution blowing up at t0 + s;
      // at s = 0, once rejections have shrunk the step to zero).
      if (!last && (h <= 2 * std::numeric_limits<double>::epsilon() * std::abs(s) || s + step == s))
        fail_underflow(pass, step, t, t0, t1);
      stepper.attempt(rhs, st, *xc, *fc, t, *xn, *fn, step, err);
      const double e = error_norm(err, *xc, *xn, tol);
      if (e <= 1.0) {
        const double t_old = t;
        s = last ? span : s + step;
        t = last ? t1 : t0 + s;
        double fac = accepted_factor(e, last_rejected);
        if constexpr (predictive) {
          if (h_acc > 0)
            fac = std::min(fac, std::clamp(safety * (std::abs(step) / h_acc) * std::pow(e_acc / (e * e), expo), fac_min,
                                           fac_max));
          h_acc = std::abs(step);
          e_acc = std::max(1e-2, e);
        }
        // After a shortened last step keep the step the controller wanted, not the shortened one.
        const double h_next = (last ? std::max(h, std::abs(step)) : std::abs(step)) * fac;
        if constexpr (recorder) {
          if constexpr (!fsal) rhs(*xn, *fn, t);
          check_state(*xn, t);
          observe.record(stepper.stepper, t_old, *xc, *fc, t, *xn, *fn, h_next, rhs);
          std::swap(xc, xn);
          std::swap(fc, fn);
          ++st.steps;
        } else {
          std::swap(xc, xn);
          if constexpr (fsal) std::swap(fc, fn); else if (!last) rhs(*xc, *fc, t);
          ++st.steps;
          check_state(*xc, t);
          observe(t, *xc);
        }
        h = h_next;
        last_rejected = false;
      } else {
        ++st.rejected;
        h = std::abs(step) * rejected_factor(e);
        last_rejected = true;
      }
    }
    if (xc != &x) x = *xc;
    if (h_next_out) *h_next_out = h;
    return st;
  }
}

}  // namespace detail
}  // namespace costate
