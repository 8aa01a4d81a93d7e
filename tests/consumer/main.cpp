#include <costate/costate.hpp>

#include <array>
#include <cmath>
#include <iostream>

using namespace costate;

int main() {
#ifdef PACKAGE_MAJOR  // found as a package: its version is the headers'
  const auto v = costate::library_version;
  std::cout << "costate " << v.major << '.' << v.minor << '.' << v.patch << ", package " << PACKAGE_MAJOR << '.'
            << PACKAGE_MINOR << '.' << PACKAGE_PATCH << '\n';
  if (v.major != PACKAGE_MAJOR || v.minor != PACKAGE_MINOR || v.patch != PACKAGE_PATCH) return 1;
#endif
  constexpr auto sys = ode(-param<0> * state<0>);
  const auto g = gradient(sys, std::array{1.0}, std::array{0.5}, {0.0, 2.0}, terminal_loss(state<0>));
  const double expected = -2.0 * std::exp(-1.0);  // d/da e^{-2a} at a = 0.5
  std::cout << "dL/da = " << g.dtheta[0] << " (expected " << expected << ")\n";
  return std::abs(g.dtheta[0] - expected) < 1e-6 ? 0 : 1;
}
