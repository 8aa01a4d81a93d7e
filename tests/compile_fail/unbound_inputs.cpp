// A system with input<0> solved without binding the input's value.
#include <costate/costate.hpp>
using namespace costate;
int main() {
  constexpr auto sys = ode(input<0> - state<0>);
#ifdef COSTATE_CF_CONTROL
  solve(sys.with_inputs(std::array{2.0}), std::array{1.0}, std::array<double, 0>{}, {0.0, 1.0});
#else
  solve(sys, std::array{1.0}, std::array<double, 0>{}, {0.0, 1.0});
#endif
}
