// shift<3, 0> of a 3×4 matrix moves every row out: the zero matrix, which should be written so.
#include <costate/expr/operators.hpp>
#include <costate/expr/ops.hpp>
#include <costate/expr/symbol.hpp>
using namespace costate::prelude;
int main() {
#ifdef COSTATE_CF_CONTROL
  [[maybe_unused]] constexpr auto e = shift<3, 1>(state_matrix<3, 4>);
#else
  [[maybe_unused]] constexpr auto e = shift<3, 0>(state_matrix<3, 4>);
#endif
}
