// costate/prelude.hpp alone: a system, its solution and its gradient, with the prelude.
#include <costate/prelude.hpp>

#include <array>

using namespace costate::prelude;

int main() {
  constexpr auto x = state<0>;
  constexpr auto sys = ode(-param<0> * x + sin(t));
  const auto z = solve(sys, std::array{1.0}, std::array{0.5}, {0.0, 1.0});
  const auto g = gradient(sys, std::array{1.0}, std::array{0.5}, {0.0, 1.0}, terminal_loss(x * x), options<rodas5p>{});
  return z.final_state()[0] + g.dtheta[0] > 0 ? 0 : 1;
}
