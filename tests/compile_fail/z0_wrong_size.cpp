// z0 with three values for a two-state system.
#include <costate/costate.hpp>
using namespace costate;
int main() {
  constexpr auto sys = ode(state<1>, -param<0> * state<0>);
#ifdef COSTATE_CF_CONTROL
  gradient(sys, std::array{1.0, 0.0}, std::array{1.0}, {0.0, 1.0}, terminal_loss(state<0>));
#else
  gradient(sys, std::array{1.0, 0.0, 2.0}, std::array{1.0}, {0.0, 1.0}, terminal_loss(state<0>));
#endif
}
