// options<> compile only the checkpointed adjoint: asking them for backsolve must stop the build with
// the spelling that compiles it, not run the checkpointed adjoint in its place.
#include <array>
#include <costate/costate.hpp>
using namespace costate;
int main() {
  constexpr auto x = state<0>;
  constexpr auto sys = ode(-param<0> * x);
#ifdef COSTATE_CF_CONTROL
  const auto opt = options<dopri5, backsolve>{.adjoint = backsolve{.segments = 2}};
#else
  const auto opt = options<>{.adjoint = backsolve{.segments = 2}};
#endif
  [[maybe_unused]] auto g = gradient(sys, std::array{1.0}, std::array{0.5}, {0.0, 1.0}, terminal_loss(x * x), opt);
}
