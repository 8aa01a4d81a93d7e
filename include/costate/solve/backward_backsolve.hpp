// Backsolve's backward pass (options<St, backsolve>): z integrated backward with λ and g_θ,
// [z | λ | g_θ | (g_t)] (system/rhs.hpp's layout), restarting at each checkpoint from the stored
// forward value. Where the backward z ends more than max_drift tolerance units away from the stored
// z(t_j), or the pass fails, λ and g_θ were integrated along another trajectory: the interval is done
// again with z interpolated (interpolated_interval).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <limits>

#include "costate/error.hpp"
#include "costate/solve/backward_pass.hpp"
#include "costate/solve/integrate.hpp"
#include "costate/solve/options.hpp"

namespace costate {
namespace detail {

struct backsolve_backward {
  // Compiled only where options<St, A> can ask for it; the stiff steppers never backsolve.
  template <class A, class St> static constexpr bool compiled = may_backsolve<A> && !is_rosenbrock<St>;
  static bool chosen(const adjoint_method& m) { return !m.interpolate; }

  template <class Pass>
  static void run(Pass& p) {
    constexpr std::size_t n = Pass::n, na = Pass::na;
    using backsolve_rhs = typename Pass::kernels::backsolve;
    static_assert(backsolve_rhs::size == n + na);
    const backsolve_rhs adj{p.theta.data(), p.u};
    std::array<double, n + na> yb;
    for (std::size_t j = p.intervals(); j-- > 0;) {
      std::copy_n(p.z_at(j + 1), n, yb.begin());
      std::copy(p.y.begin(), p.y.end(), yb.begin() + n);
      double d = std::numeric_limits<double>::infinity(), h_end = p.h;
      try {
        accumulate(p.r.stats.backward, integrate(p.opt.stepper, adj, yb, p.cp.t[j + 1], p.cp.t[j], p.atol_backsolve,
                                                 step_budget{p.opt.max_steps, p.r.stats.backward}, "adjoint", no_observer{}, p.h, &h_end));
        d = drift<n>(yb.data(), p.z_at(j), p.atol_backsolve);
      } catch (const error&) {  // the backward z blew up: non-finite, step size underflow, max_steps
      }
      if (d <= p.method.max_drift) {
        p.r.stats.backsolve_drift = std::max(p.r.stats.backsolve_drift, d);
        p.h = h_end;
        std::copy(yb.begin() + n, yb.end(), p.y.begin());
      } else {
        ++p.r.stats.backsolve_fallbacks;
        p.interpolated_interval(j);
      }
      p.observe(j);
    }
  }
};

}  // namespace detail
}  // namespace costate
