// A plain double in an expression must not compile: its value would be invisible to the type.
#include <costate/expr/operators.hpp>
#include <costate/expr/symbol.hpp>
using namespace costate;
int main() {
#ifdef COSTATE_CF_CONTROL
  [[maybe_unused]] auto e = 2.5_c * state<0>;
#else
  [[maybe_unused]] auto e = 2.5 * state<0>;
#endif
}
