// shift<k> of a scalar: the grid operations move vectors and matrices.
#include <costate/expr/operators.hpp>
#include <costate/expr/ops.hpp>
#include <costate/expr/symbol.hpp>
using namespace costate::prelude;
int main() {
#ifdef COSTATE_CF_CONTROL
  [[maybe_unused]] constexpr auto e = shift<1>(state_vector<2>);
#else
  [[maybe_unused]] constexpr auto e = shift<1>(state<0>);
#endif
}
