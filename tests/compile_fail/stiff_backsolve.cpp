// A stiff stepper with the backsolve adjoint: refused at compile time (a backward re-integration of z
// is unstable on the systems these steppers are for).
#include <array>
#include <costate/costate.hpp>
using namespace costate;
int main() {
  constexpr auto x = state<0>;
  constexpr auto sys = ode(-param<0> * x);
#ifdef COSTATE_CF_CONTROL
  const auto opt = options<rodas5p>{};
#else
  const auto opt = options<rodas5p, backsolve>{};
#endif
  [[maybe_unused]] auto g = gradient(sys, std::array{1.0}, std::array{0.5}, {0.0, 1.0}, terminal_loss(x * x), opt);
}
