// A loss on state<2> of a two-state system.
#include <costate/costate.hpp>
using namespace costate;
int main() {
  constexpr auto sys = ode(state<1>, -state<0>);
#ifdef COSTATE_CF_CONTROL
  gradient(sys, std::array{1.0, 0.0}, std::array<double, 0>{}, {0.0, 1.0}, terminal_loss(state<1>));
#else
  gradient(sys, std::array{1.0, 0.0}, std::array<double, 0>{}, {0.0, 1.0}, terminal_loss(state<2>));
#endif
}
