// A std::vector's size is not known at compile time.
#include <costate/costate.hpp>
#include <vector>
using namespace costate;
int main() {
  constexpr auto sys = ode(-param<0> * state<0>);
#ifdef COSTATE_CF_CONTROL
  solve(sys, std::array{1.0}, std::array{1.0}, {0.0, 1.0});
#else
  solve(sys, std::vector{1.0}, std::array{1.0}, {0.0, 1.0});
#endif
}
