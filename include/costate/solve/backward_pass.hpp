// What the backward strategies (solve/backward_strategies.hpp) share: the forward pass's checkpoints
// and dense output, the adjoint state [λ | g_θ | (g_t)] and its step carried from interval to
// interval, the observations' jumps of λ, and the re-integration of z over one checkpoint interval.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "costate/error.hpp"
#include "costate/solve/checkpoints.hpp"
#include "costate/solve/dense.hpp"
#include "costate/solve/gradient_result.hpp"
#include "costate/solve/integrate.hpp"
#include "costate/solve/loss_protocol.hpp"
#include "costate/solve/options.hpp"
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

// |z − z_ref| in units of the tolerance, the largest component.
template <std::size_t N>
double drift(const double* z, const double* ref, const tolerances& tol) {
  double d = 0.0;
  for (std::size_t i = 0; i < N; ++i) {
    const double diff = std::abs(z[i] - ref[i]);
    if (diff != 0.0) d = std::max(d, diff / (tol.atol_at(i) + tol.rtol * std::abs(ref[i])));
  }
  return d;
}

// The backward pass of adjoint_gradient (solve/adjoint.hpp) for system Sys, observation loss Point
// (void: none), P parameters and options<St, A>: the strategies run it from checkpoint M = intervals()
// down to 0, calling observe(j) at each checkpoint j below M.
template <class Sys, class Point, std::size_t P, class St, class A>
struct backward_pass {
  static constexpr std::size_t n = Sys::states;
  using stepper = St;
  using policy = A;
  using kernels = kernels_of<Sys>;
  using zsource = dense_segment<n>;
  using interpolated_rhs = typename kernels::template interpolated<zsource>;
  static constexpr std::size_t na = interpolated_rhs::size;  // [λ | g_θ | (g_t)]

  const std::array<double, P>& theta;
  const double* u;
  const options<St, A>& opt;
  const adjoint_method& method;
  const typename kernels::forward& f;
  const tolerances& ftol;               // the forward pass's (and re-integrations')
  const tolerances& atol_interpolated;  // [λ | g_θ | (g_t)]'s
  const tolerances& atol_backsolve;     // backsolve's [z | λ | g_θ | (g_t)]'s
  checkpoint_store<n>& cp;
  bool automatic;           // checkpoints every cp.every forward steps
  zsource& trajectory;      // the forward pass's dense output
  bool in_memory;           // ... and whether it holds the whole pass
  const std::vector<double>* data;  // the observations' data rows
  gradient_result<n, P>& r;
  std::array<double, na> y{};  // the adjoint state
  double h = 0.0;              // the adjoint's step, carried from interval to interval
  zsource seg{};               // z(t) on the interval being re-integrated

  std::size_t intervals() const { return cp.size() - 1; }
  const double* z_at(std::size_t j) const { return cp.state(j); }

  // An observation at checkpoint j: λ jumps by ∂ℓ/∂z, dL/dt_k = ∂ℓ/∂z · f.
  void observe(std::size_t j) {
    if constexpr (!std::is_void_v<Point>) {
      const std::size_t k = cp.obs[j];
      if (k == none) return;
      std::array<double, n> jump{}, fk{};
      std::array<double, n> zk;
      std::copy_n(z_at(j), n, zk.begin());
      const double* row = data->empty() ? nullptr : data->data() + k * Point::inputs;
      const double l = point_loss<Point>(zk.data(), theta.data(), row, cp.t[j], jump.data(), r.dtheta.data());
      if (!std::isfinite(l) || !std::all_of(jump.begin(), jump.end(), [](double v) { return std::isfinite(v); }))
        throw error("observations: the loss or its gradient is not finite at times[" + std::to_string(k) + "] = " +
                    format_time(cp.t[j]));
      r.loss += l;
      f(zk, fk, cp.t[j]);
      r.dtimes[k] = dot(jump, fk);
      for (std::size_t i = 0; i < n; ++i) y[i] += jump[i];
    } else {
      (void)j;
    }
  }

  // [λ | g_θ | (g_t)] from t_{j+1} to t_j along z(t) re-integrated from checkpoint j (and interpolated).
  void interpolated_interval(std::size_t j) {
    const std::size_t M = intervals();
    seg.clear();
    // Automatic checkpoints are `every` forward steps apart (or fewer, at stops): the segment's storage
    // at once, reused by every interval (grown by doubling, it was allocated and faulted in again on
    // every gradient).
    if (automatic) seg.reserve_steps(cp.every + 2);
    std::array<double, n> z;
    std::copy_n(z_at(j), n, z.begin());
    accumulate(r.stats.recompute, integrate(opt.stepper, f, z, cp.t[j], cp.t[j + 1], ftol,
                                            step_budget{opt.max_steps, r.stats.recompute}, "recompute", seg, cp.h[j]));
    if (method.interpolate) r.stats.backsolve_drift = std::max(r.stats.backsolve_drift, drift<n>(z.data(), z_at(j + 1), ftol));
    r.stats.max_segment_steps = std::max(r.stats.max_segment_steps, seg.steps());
    if (seg.wants_neighbour() && M > 1) {  // a third interpolation node from the next (or previous) checkpoint
      const std::size_t m = j + 2 <= M ? j + 2 : j - 1;
      std::array<double, n> zm, fm;
      std::copy_n(z_at(m), n, zm.begin());
      f(zm, fm, cp.t[m]);
      seg.add_neighbour(cp.t[m], zm, fm);
    }
    seg.finalize();
    const interpolated_rhs adj{theta.data(), u, &seg};
    accumulate(r.stats.backward, integrate(opt.stepper, adj, y, cp.t[j + 1], cp.t[j], atol_interpolated,
                                           step_budget{opt.max_steps, r.stats.backward}, "adjoint", no_observer{}, h, &h));
  }
};

}  // namespace detail
}  // namespace costate
