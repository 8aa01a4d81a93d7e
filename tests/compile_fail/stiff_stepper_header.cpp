// options<rosenbrock4> with only the gradient's header: the stepper lives in its own header, and the
// first error must name it instead of an incomplete type inside the step loop.
#include <array>
#include <costate/expr/operators.hpp>
#include <costate/expr/symbol.hpp>
#include <costate/solve/gradient.hpp>
#include <costate/system/loss.hpp>
#ifdef COSTATE_CF_CONTROL
#include <costate/solve/rosenbrock.hpp>
#endif
using namespace costate;
int main() {
  constexpr auto x = state<0>;
  constexpr auto sys = ode(-param<0> * x);
  [[maybe_unused]] auto g =
      gradient(sys, std::array{1.0}, std::array{0.5}, {0.0, 1.0}, terminal_loss(x * x), options<rosenbrock4>{});
}
