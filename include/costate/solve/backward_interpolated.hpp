// The checkpointed adjoint's backward pass (options<St, checkpointed>, the default): [λ | g_θ | (g_t)]
// integrated along z(t) interpolated, from the forward pass's dense output while it fits its memory
// budget (checkpointed::dense_memory), else from each checkpoint interval re-integrated.
#pragma once

#include <cstddef>

#include "costate/solve/backward_pass.hpp"
#include "costate/solve/integrate.hpp"
#include "costate/solve/options.hpp"

namespace costate {
namespace detail {

struct interpolated_backward {
  // Every adjoint compiles it: backsolve falls back to it interval by interval.
  template <class A, class St> static constexpr bool compiled = true;
  static bool chosen(const adjoint_method& m) { return m.interpolate; }

  template <class Pass>
  static void run(Pass& p) {
    const std::size_t M = p.intervals();
    if (!p.in_memory) {
      for (std::size_t j = M; j-- > 0;) {
        p.interpolated_interval(j);
        p.observe(j);
      }
      return;
    }
    // z(t) from the forward pass's dense output: the adjoint stops only where the loss makes λ jump
    // (observations) and at the stops, not at automatic checkpoints.
    p.trajectory.finalize();
    p.r.stats.in_memory_steps = p.trajectory.steps();
    const typename Pass::interpolated_rhs adj{p.theta.data(), p.u, &p.trajectory};
    std::size_t from = M;
    for (std::size_t j = M; j-- > 0;) {
      if (j > 0 && p.cp.step[j] != none) continue;
      accumulate(p.r.stats.backward, integrate(p.opt.stepper, adj, p.y, p.cp.t[from], p.cp.t[j], p.atol_interpolated,
                                               step_budget{p.opt.max_steps, p.r.stats.backward}, "adjoint", no_observer{}, p.h, &p.h));
      p.observe(j);
      from = j;
    }
  }
};

}  // namespace detail
}  // namespace costate
