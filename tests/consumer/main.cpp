#include <costate/costate.hpp>

#include <array>
#include <cmath>
#include <iostream>

using namespace costate;

int main() {
  constexpr auto sys = ode(-param<0> * state<0>);
  const auto g = gradient(sys, std::array{1.0}, std::array{0.5}, {0.0, 2.0}, terminal_loss(state<0>));
  const double expected = -2.0 * std::exp(-1.0);  // d/da e^{-2a} at a = 0.5
  std::cout << "dL/da = " << g.dtheta[0] << " (expected " << expected << ")\n";
  return std::abs(g.dtheta[0] - expected) < 1e-6 ? 0 : 1;
}
