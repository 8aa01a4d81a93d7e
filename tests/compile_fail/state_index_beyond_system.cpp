// A two-state system that uses state<2>.
#include <costate/expr/operators.hpp>
#include <costate/expr/symbol.hpp>
#include <costate/system/ode.hpp>
using namespace costate;
int main() {
#ifdef COSTATE_CF_CONTROL
  [[maybe_unused]] constexpr auto sys = ode(state<1>, -state<0>);
#else
  [[maybe_unused]] constexpr auto sys = ode(state<1>, -state<2>);
#endif
}
