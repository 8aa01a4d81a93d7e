// The adjoint gradient as a user without costate writes it with Boost.Odeint alone:
//
//   integrate_adaptive(make_controlled(atol, rtol, runge_kutta_dopri5<std::array<double, N>>()), f, z, t0, t1, dt);
//
// forward, then the augmented system [z | λ | g_θ] (dz/dt = f, dλ/dt = -λᵀ∂f/∂z, dg_θ/dt = -λᵀ∂f/∂θ;
// no g_t: the user computes dL/dt0 and dL/dt1 directly) backward from t1 to t0 the same way, in one
// segment. This is the "plain Odeint" peer of the gradient benchmarks: odeint's own step loop and
// step-size controller, not costate's.
#pragma once

#include <array>
#include <cstddef>

#include <boost/numeric/odeint/integrate/integrate_adaptive.hpp>
#include <boost/numeric/odeint/stepper/controlled_runge_kutta.hpp>
#include <boost/numeric/odeint/stepper/runge_kutta_dopri5.hpp>
// make_controlled(atol, rtol, stepper) also compiles without these two: odeint's generic factory then
// builds controlled_runge_kutta(atol, rtol, stepper) by implicit conversions, atol becoming an error
// checker with the default rtol 1e-6 and rtol becoming the step adjuster's max_dt, so the step size is
// silently capped at rtol. These give dopri5 its real controller.
#include <boost/numeric/odeint/stepper/generation/generation_controlled_runge_kutta.hpp>
#include <boost/numeric/odeint/stepper/generation/generation_runge_kutta_dopri5.hpp>
#include <boost/numeric/odeint/stepper/generation/make_controlled.hpp>

namespace bench {

template <std::size_t N, std::size_t M>
struct odeint_adjoint_result {
  std::array<double, N> z1;  // z(t1)
  std::array<double, M> y0;  // [z | λ | g_θ] at t0 after the backward pass
  std::size_t steps_fwd, steps_bwd;  // integrate_adaptive's counts (accepted steps)
};

// seed(z1, y) writes λ(t1) into y (whose z part already holds z(t1)); dt is the first step's size.
template <std::size_t M, class F, class Adj, std::size_t N, class Seed>
odeint_adjoint_result<N, M> odeint_adjoint(const F& f, const Adj& adj, const std::array<double, N>& z0, double t0,
                                           double t1, double rtol, double atol, double dt, Seed&& seed) {
  namespace ode = boost::numeric::odeint;
  odeint_adjoint_result<N, M> r;
  std::array<double, N> z = z0;
  r.steps_fwd = ode::integrate_adaptive(ode::make_controlled(atol, rtol, ode::runge_kutta_dopri5<std::array<double, N>>()),
                                        f, z, t0, t1, dt);
  r.z1 = z;
  std::array<double, M> y{};
  for (std::size_t i = 0; i < N; ++i) y[i] = z[i];
  seed(z, y);
  r.steps_bwd = ode::integrate_adaptive(ode::make_controlled(atol, rtol, ode::runge_kutta_dopri5<std::array<double, M>>()),
                                        adj, y, t1, t0, -dt);
  r.y0 = y;
  return r;
}

}  // namespace bench
