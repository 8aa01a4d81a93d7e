// check_gradient: the adjoint gradient beside finite differences and the complex step.
//
//   auto report = check_gradient(sys, z0, theta, {t0, t1}, terminal_loss(...), options<>{...});
//   std::cout << report;            // one line per component: adjoint, FD, complex step, errors
//   report.max_error_fd             // worst relative difference to finite differences
//
// Finite differences: fourth-order central differences of the forward solve, with tolerances
// `fd_rtol/fd_atol` (tighter than the adjoint's by default, so that the reference is not limited by
// solver noise: a loss accurate to ε differenced over h carries ε/h of noise).
// Complex step: Im L(x + i h)/h with h = 1e-30, for θ and z0 (t0 and t1 are real integration bounds);
// not with rosenbrock4 or rodas5p (their steppers are real only) nor with a generated system or loss
// (their functions are in double).
// It differentiates the discrete forward solve exactly: costate's step control reads real parts only,
// so the perturbed solve takes the same steps.
// Relative error of a component: (|adjoint − reference| − 100 ε |L| / h)⁺ / max(|reference|, 1e-8 ·
// max_k |reference_k|): differences below the rounding noise of the difference quotient count as
// zero, and components that are zero up to noise are judged against the scale of the whole gradient.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstddef>
#include <iomanip>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include "costate/expr/plan.hpp"
#include "costate/solve/gradient.hpp"
#include "costate/solve/options.hpp"
#include "costate/solve/solve.hpp"

namespace costate {

/// How check_gradient computes its references.
struct check_options {
  /// The finite-difference step: h = relative_step · max(|x|, 1); for t0 and t1, relative_step · (t1 − t0). Smaller near sharp features or at zero initial values.
  double relative_step = 1e-3;  // h = relative_step · max(|x|, 1); t0, t1: relative_step · (t1 - t0)
  /// Tolerances of the differenced forward solves, tighter than the adjoint's so that solver noise does not limit the reference.
  double fd_rtol = 1e-13;
  /// See fd_rtol.
  double fd_atol = 1e-13;
  /// Also compute the complex step Im L(x + ih)/h for θ and z0 (not with rodas5p, rosenbrock4 or generated functions).
  bool complex_step = true;
};

/// The report of check_gradient: one entry per component of the gradient; `std::cout << report` prints a table.
struct gradient_check {
  /// One component.
  struct entry {
    /// "dtheta[2]", "dz0[0]", "dt0", "dt1", "dtimes[k]".
    std::string name;  // "dtheta[2]", "dz0[0]", "dt0", "dt1"
    /// The adjoint gradient's value.
    double adjoint = 0.0;
    /// Fourth-order central differences of the forward solve.
    double finite_difference = 0.0;
    /// The complex step, NaN where not computed.
    double complex_step = std::numeric_limits<double>::quiet_NaN();  // NaN where not computed
    /// Relative error against the finite difference.
    double error_fd = 0.0;
    /// Relative error against the complex step, NaN where not computed.
    double error_cs = std::numeric_limits<double>::quiet_NaN();
    /// The finite-difference step.
    double step = 0.0;  // the finite-difference step
  };
  /// L.
  double loss = 0.0;
  /// θ, then z0, t0, t1 (and observation times).
  std::vector<entry> entries;
  /// The worst relative error against finite differences.
  double max_error_fd = 0.0;
  /// The worst relative error against the complex step, over the components that have one.
  double max_error_cs = 0.0;  // over the components that have a complex-step value

  /// Whether every relative error is within tolerance.
  bool passed(double tolerance) const { return max_error_fd <= tolerance && !(max_error_cs > tolerance); }

  /// A table: component, adjoint, finite difference and its error, complex step and its error.
  friend std::ostream& operator<<(std::ostream& os, const gradient_check& c) {
    const auto flags = os.flags();
    const auto prec = os.precision();
    os << std::left << std::setw(11) << "component" << std::right << std::setw(24) << "adjoint" << std::setw(24)
       << "finite difference" << std::setw(11) << "rel. err" << std::setw(24) << "complex step" << std::setw(11)
       << "rel. err" << '\n';
    for (const auto& e : c.entries) {
      os << std::left << std::setw(11) << e.name << std::right << std::setprecision(15) << std::setw(24) << e.adjoint
         << std::setw(24) << e.finite_difference << std::setprecision(2) << std::scientific << std::setw(11) << e.error_fd;
      os.flags(flags);
      if (std::isnan(e.complex_step))
        os << std::setw(24) << "-" << std::setw(11) << "-";
      else
        os << std::setprecision(15) << std::setw(24) << e.complex_step << std::setprecision(2) << std::scientific
           << std::setw(11) << e.error_cs;
      os.flags(flags);
      os << '\n';
    }
    os << "max relative error: finite differences " << std::setprecision(2) << std::scientific << c.max_error_fd
       << ", complex step " << c.max_error_cs;
    os.flags(flags);
    os.precision(prec);
    return os;
  }
};

namespace detail {

// The loss by a forward solve alone, in T (double, or complex for the complex step).
template <class T, class Sys, class Lo, std::size_t P, class St, class A>
T loss_at(const std::array<T, Sys::states>& z0, const std::array<T, P>& theta, const double* u, time_span span,
          const options<St, A>& o, const Lo& loss, const std::vector<double>* times = nullptr) {
  if constexpr (is_generated_loss<Lo>::value) {
    static_assert(std::is_same_v<T, double>, "costate: a generated loss is evaluated in double only");
    const auto z1 = final_state<T, Sys>(z0, theta.data(), u, span, o);
    return Lo::kernels::value(z1.data(), theta.data(), u);
  } else if constexpr (is_terminal_loss<Lo>::value) {
    const auto z1 = final_state<T, Sys>(z0, theta.data(), u, span, o);
    const context<T> c{z1.data(), nullptr, theta.data(), u, span.t1};
    return evaluate(typename Lo::expression{}, c);
  } else if constexpr (is_running_loss<Lo>::value) {
    using Aug = typename with_quadrature<Sys, typename Lo::integrand>::type;
    std::array<T, Sys::states + 1> za{};
    std::copy(z0.begin(), z0.end(), za.begin());
    const auto z1 = final_state<T, Aug>(za, theta.data(), u, span, o, nullptr, Sys::states);
    T l = z1[Sys::states];
    if constexpr (!std::is_void_v<typename Lo::terminal>) {
      const context<T> c{z1.data(), nullptr, theta.data(), u, span.t1};
      l += evaluate(typename Lo::terminal::expression{}, c);
    }
    return l;
  } else {  // observations: integrate from time to time
    const std::vector<double>& ts = times ? *times : loss.times;
    std::array<T, Sys::states> z = z0;
    T l{};
    double t = span.t0;
    for (std::size_t k = 0; k < ts.size(); ++k) {
      if (ts[k] > t) z = final_state<T, Sys>(z, theta.data(), u, {t, ts[k]}, o);
      t = ts[k];
      const double* row = loss.data.empty() ? nullptr : loss.data.data() + k * Lo::data_size;
      const context<T> c{z.data(), nullptr, theta.data(), row, t};
      l += evaluate(typename Lo::point::expression{}, c);
    }
    return l;
  }
}

// Fourth-order central difference of g at 0 with step h.
template <class G>
double central_difference(G&& g, double h) {
  return (-g(2 * h) + 8 * g(h) - 8 * g(-h) + g(-2 * h)) / (12 * h);
}

}  // namespace detail

/// The adjoint gradient beside fourth-order central finite differences of the forward solve and, for θ
/// and z0, the complex step Im L(x + ih)/h. Relative error of a component:
/// (|adjoint − reference| − 100 ε|L|/h)⁺ / max(|reference|, 1e-8 · max_k |reference_k|).
///
/// \param sys, z0_in, theta_in, span, loss, opt as for gradient()
/// \param chk finite-difference step, reference tolerances, complex step on or off
template <SystemLike S, class Z0, class Theta, Loss L, class St = dopri5, class A = checkpointed>
gradient_check check_gradient(const S& sys, const Z0& z0_in, const Theta& theta_in, time_span span, const L& loss,
                              const options<St, A>& opt = {}, const check_options& chk = {}) {
  using Sys = system_of_t<S>;
  using Lo = std::remove_cvref_t<L>;
  constexpr std::size_t n = Sys::states, p = detail::total_params<Sys, Lo>;
  const auto g = gradient(sys, z0_in, theta_in, span, loss, opt);  // validates every argument
  const auto z0 = detail::to_array<double, n>(z0_in);
  const auto theta = detail::to_array<double, p>(theta_in);
  const double* u = detail::input_values(sys);

  options<St, A> fd = opt;
  fd.rtol = chk.fd_rtol;
  fd.atol = chk.fd_atol;
  const auto L_real = [&](const std::array<double, n>& z, const std::array<double, p>& th, time_span s) {
    return detail::loss_at<double, Sys, Lo, p>(z, th, u, s, fd, loss);
  };
  using cplx = std::complex<double>;
  constexpr double hc = 1e-30;
  // The complex step needs f in complex arithmetic: the Rosenbrock steppers (rosenbrock4, rodas5p) and
  // generated headers are real only.
  constexpr bool complex_step_possible =
      !detail::is_rosenbrock<St> && !detail::is_generated_system<Sys>::value && !detail::is_generated_loss<Lo>::value;

  gradient_check report;
  report.loss = g.loss;
  const auto add = [&](std::string name, double adj, double fdv, double cs, double step) {
    report.entries.push_back({std::move(name), adj, fdv, cs, 0.0, std::numeric_limits<double>::quiet_NaN(), step});
  };
  for (std::size_t k = 0; k < p; ++k) {
    const double h = chk.relative_step * std::max(std::abs(theta[k]), 1.0);
    const double fdv = detail::central_difference([&](double e) { auto th = theta; th[k] += e; return L_real(z0, th, span); }, h);
    double cs = std::numeric_limits<double>::quiet_NaN();
    if constexpr (complex_step_possible) if (chk.complex_step) {
      auto th = detail::to_array<cplx, p>(theta);
      th[k] += cplx(0.0, hc);
      cs = detail::loss_at<cplx, Sys, Lo, p>(detail::to_array<cplx, n>(z0), th, u, span, opt, loss).imag() / hc;
    }
    add("dtheta[" + std::to_string(k) + "]", g.dtheta[k], fdv, cs, h);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const double h = chk.relative_step * std::max(std::abs(z0[i]), 1.0);
    const double fdv = detail::central_difference([&](double e) { auto z = z0; z[i] += e; return L_real(z, theta, span); }, h);
    double cs = std::numeric_limits<double>::quiet_NaN();
    if constexpr (complex_step_possible) if (chk.complex_step) {
      auto z = detail::to_array<cplx, n>(z0);
      z[i] += cplx(0.0, hc);
      cs = detail::loss_at<cplx, Sys, Lo, p>(z, detail::to_array<cplx, p>(theta), u, span, opt, loss).imag() / hc;
    }
    add("dz0[" + std::to_string(i) + "]", g.dz0[i], fdv, cs, h);
  }
  const double ht = chk.relative_step * (span.t1 - span.t0);
  // (With an observation at t0 itself, L(t0) has a kink there — moving t0 forward past it loses the
  // integration up to it — so there is no central-difference reference for dL/dt0.)
  bool observed_at_t0 = false;
  if constexpr (detail::is_observation_loss<Lo>::value) observed_at_t0 = !loss.times.empty() && loss.times.front() == span.t0;
  add("dt0", g.dt0,
      observed_at_t0 ? std::numeric_limits<double>::quiet_NaN()
                     : detail::central_difference([&](double e) { return L_real(z0, theta, {span.t0 + e, span.t1}); }, ht),
      std::numeric_limits<double>::quiet_NaN(), ht);
  add("dt1", g.dt1, detail::central_difference([&](double e) { return L_real(z0, theta, {span.t0, span.t1 + e}); }, ht),
      std::numeric_limits<double>::quiet_NaN(), ht);
  if constexpr (detail::is_observation_loss<Lo>::value) {
    // dL/dt_k: move one observation time, within its neighbours.
    // (The last may move past t1: the loss does not look beyond it. The first may not move before t0;
    // at t0 itself there is no finite-difference reference.)
    for (std::size_t k = 0; k < loss.times.size(); ++k) {
      const double tk = loss.times[k];
      double room = chk.relative_step * std::max(std::abs(tk), 1.0);
      room = std::min(room, 0.2 * ((k == 0 ? tk - span.t0 : tk - loss.times[k - 1])));
      if (k + 1 < loss.times.size()) room = std::min(room, 0.2 * (loss.times[k + 1] - tk));
      double fdv = std::numeric_limits<double>::quiet_NaN();
      if (room > 0) {
        fdv = detail::central_difference([&](double e) {
          auto ts = loss.times;
          ts[k] += e;
          return detail::loss_at<double, Sys, Lo, p>(z0, theta, u, span, fd, loss, &ts);
        }, room);
      }
      add("dtimes[" + std::to_string(k) + "]", g.dtimes[k], fdv, std::numeric_limits<double>::quiet_NaN(), room);
    }
  }

  double scale_fd = 0.0, scale_cs = 0.0;
  for (const auto& e : report.entries) {
    scale_fd = std::max(scale_fd, std::abs(e.finite_difference));
    if (!std::isnan(e.complex_step)) scale_cs = std::max(scale_cs, std::abs(e.complex_step));
  }
  for (auto& e : report.entries) {
    // Rounding in L and in the difference formula (a few ulps of L, whatever the tolerances) divided
    // by the step is noise the reference cannot resolve: differences below it count as zero.
    const double noise = 100 * std::numeric_limits<double>::epsilon() * std::abs(report.loss) / e.step;
    e.error_fd = std::max(0.0, std::abs(e.adjoint - e.finite_difference) - noise) /
                 std::max(std::abs(e.finite_difference), 1e-8 * scale_fd);
    if (std::isnan(e.finite_difference)) continue;  // no reference (observations at t0)
    if (!std::isfinite(e.error_fd)) e.error_fd = std::abs(e.adjoint - e.finite_difference) == 0 ? 0.0 : INFINITY;
    report.max_error_fd = std::max(report.max_error_fd, e.error_fd);
    if (!std::isnan(e.complex_step)) {
      e.error_cs = std::abs(e.adjoint - e.complex_step) / std::max(std::abs(e.complex_step), 1e-8 * scale_cs);
      if (!std::isfinite(e.error_cs)) e.error_cs = std::abs(e.adjoint - e.complex_step) == 0 ? 0.0 : INFINITY;
      report.max_error_cs = std::max(report.max_error_cs, e.error_cs);
    }
  }
  return report;
}

// For `using namespace costate::prelude` (costate/prelude.hpp).
namespace prelude {
using costate::check_gradient;
}  // namespace prelude
}  // namespace costate
