// A batched gradient with a running loss (batches take terminal losses).
#include <costate/costate.hpp>
using namespace costate;
int main() {
  constexpr auto x = state<0>;
  constexpr auto sys = ode(-param<0> * x);
  const std::array<std::array<double, 1>, 2> z0s{{{1.0}, {2.0}}};
#ifdef COSTATE_CF_CONTROL
  gradient(batch<2>(sys), z0s, std::array{1.0}, {0.0, 1.0}, terminal_loss(x * x));
#else
  gradient(batch<2>(sys), z0s, std::array{1.0}, {0.0, 1.0}, running_loss(x * x));
#endif
}
