// A plain number as an equation of ode(): the first error must say so, not "constraints not satisfied".
#include <costate/expr/operators.hpp>
#include <costate/expr/ops.hpp>
#include <costate/expr/symbol.hpp>
#include <costate/system/ode.hpp>
using namespace costate;
int main() {
  constexpr auto x = state<0>;
#ifdef COSTATE_CF_CONTROL
  [[maybe_unused]] auto sys = ode(x, 0.5_c);
#else
  [[maybe_unused]] auto sys = ode(x, 0.5);
#endif
}
