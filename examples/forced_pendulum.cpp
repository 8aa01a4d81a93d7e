// A forced, damped pendulum: f depends on t through the forcing A cos(Ω t), so ∂f/∂t ≠ 0 and the
// gradients with respect to the start and end times are not simply opposite. costate integrates
// g_t = ∫ λᵀ∂f/∂t dt in the adjoint pass; dL/dt0 = -dL/dt1 + g_t(t0) checks the whole computation.
#include <costate/costate.hpp>

#include <array>
#include <cmath>
#include <iostream>

using namespace costate::prelude;

constexpr auto phi = state<0>;    // angle
constexpr auto omega = state<1>;  // angular velocity
constexpr auto gamma_ = param<0>; // damping
constexpr auto k = param<1>;      // g / length
constexpr auto A = param<2>;      // forcing amplitude
constexpr auto Omega = param<3>;  // forcing frequency

constexpr auto pendulum = ode(omega,
                              -gamma_ * omega - k * sin(phi) + A * cos(Omega * t));

int main() {
  const std::array z0{0.5, 0.0};
  const std::array theta{0.3, 9.81, 1.2, 2.0};
  const auto loss = terminal_loss(0.5_c * (phi * phi) + 0.25_c * (omega * omega));
  const auto opts = options<>{.rtol = 1e-10, .atol = 1e-10};

  std::cout << "dz/dt = f(z, θ, t):\n" << rhs(pendulum) << "\n\nderived λᵀ∂f/∂t = " << vjp_time(pendulum) << "\n\n";

  const auto g = gradient(pendulum, z0, theta, {0.0, 5.0}, loss, opts);
  std::cout << "L = " << g.loss << "\ndL/dt0 = " << g.dt0 << ", dL/dt1 = " << g.dt1 << ", g_t(t0) = " << g.g_t
            << "\n-dL/dt1 + g_t(t0) = " << -g.dt1 + g.g_t << "  (must equal dL/dt0: difference "
            << std::abs(g.dt0 - (-g.dt1 + g.g_t)) << ")\n\n";
  std::cout << check_gradient(pendulum, z0, theta, {0.0, 5.0}, loss, opts) << "\n";
}
