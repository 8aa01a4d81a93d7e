// costate/codegen/generate.hpp with a system and a loss: the generated header's text.
#include <costate/codegen/generate.hpp>
#include <costate/expr/operators.hpp>
#include <costate/expr/symbol.hpp>
#include <costate/system/loss.hpp>
#include <costate/system/ode.hpp>

using namespace costate::prelude;

int main() {
  constexpr auto x = state<0>;
  return generate_header(ode(-param<0> * x), terminal_loss(x * x), "decay").empty() ? 1 : 0;
}
