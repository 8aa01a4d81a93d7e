// Lotka–Volterra: the gradient of a terminal loss by the adjoint method, beside finite differences,
// and the formulas costate derived for it.
#include <costate/costate.hpp>

#include <array>
#include <iostream>

using namespace costate::prelude;

constexpr auto x = state<0>;
constexpr auto y = state<1>;
constexpr auto a = param<0>;
constexpr auto b = param<1>;
constexpr auto c = param<2>;
constexpr auto d = param<3>;

constexpr auto lotka_volterra = ode(a * x - b * x * y,
                                    -c * y + d * x * y);

int main() {
  const std::array z0{1.0, 1.0};
  const std::array theta{1.5, 1.0, 3.0, 1.0};
  const auto loss = terminal_loss(0.5_c * (x * x + y * y));

  std::cout << "dz/dt = f(z, θ), z = (x, y) = (z0, z1), θ = (a, b, c, d):\n" << rhs(lotka_volterra) << "\n\n";
  std::cout << "derived λᵀ∂f/∂z:\n" << vjp_states(lotka_volterra) << "\n\n";
  std::cout << "derived λᵀ∂f/∂θ:\n" << vjp_params(lotka_volterra) << "\n\n";

  const auto traj = solve(lotka_volterra, z0, theta, {0.0, 10.0});
  std::cout << "z(10) = (" << traj.final_state()[0] << ", " << traj.final_state()[1] << ") after "
            << traj.stats.steps << " steps\n\n";

  const auto opts = options<>{.rtol = 1e-10, .atol = 1e-10};
  const auto g = gradient(lotka_volterra, z0, theta, {0.0, 10.0}, loss, opts);
  std::cout << "L = " << g.loss << "; forward " << g.stats.forward.steps << " steps / " << g.stats.forward.rhs_evals
            << " rhs, backward " << g.stats.backward.steps << " steps / " << g.stats.backward.rhs_evals << " rhs\n\n";

  std::cout << "adjoint gradient against finite differences and the complex step:\n"
            << check_gradient(lotka_volterra, z0, theta, {0.0, 10.0}, loss, opts) << "\n";
}
