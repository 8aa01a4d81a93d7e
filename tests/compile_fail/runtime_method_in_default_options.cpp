// An adjoint_method (a run-time choice between the two adjoints) in options<>, which compile only the
// checkpointed one: the build must stop and name options<Stepper, adjoint_method>.
#include <array>
#include <costate/costate.hpp>
using namespace costate;
int main() {
  constexpr auto x = state<0>;
  constexpr auto sys = ode(-param<0> * x);
  const adjoint_method m{.segments = 4, .interpolate = false};
#ifdef COSTATE_CF_CONTROL
  const auto opt = options<dopri5, adjoint_method>{.adjoint = m};
#else
  const auto opt = options<>{.adjoint = m};
#endif
  [[maybe_unused]] auto g = gradient(sys, std::array{1.0}, std::array{0.5}, {0.0, 1.0}, terminal_loss(x * x), opt);
}
