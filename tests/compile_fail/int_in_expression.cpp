// A plain int in an expression must not compile either.
#include <costate/expr/operators.hpp>
#include <costate/expr/symbol.hpp>
using namespace costate;
int main() {
#ifdef COSTATE_CF_CONTROL
  [[maybe_unused]] auto e = state<0> + 1_c;
#else
  [[maybe_unused]] auto e = state<0> + 1;
#endif
}
