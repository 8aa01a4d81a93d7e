// costate/solve/rodas5p.hpp with the gradient's headers: a stiff gradient with options<rodas5p>.
#include <costate/expr/operators.hpp>
#include <costate/expr/symbol.hpp>
#include <costate/solve/gradient.hpp>
#include <costate/solve/rodas5p.hpp>
#include <costate/system/loss.hpp>

#include <array>

using namespace costate::prelude;

int main() {
  constexpr auto x = state<0>;
  constexpr auto y = state<1>;
  constexpr auto sys = ode(-param<0> * x + y, 1000_c * (x - y));
  const auto g = gradient(sys, std::array{1.0, 0.0}, std::array{0.5}, {0.0, 1.0}, terminal_loss(x * x),
                          options<rodas5p>{});
  return g.dtheta[0] < 0 ? 0 : 1;
}
