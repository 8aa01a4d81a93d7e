// edge<k, 2> of a matrix: a matrix has axes 0 (rows) and 1 (columns).
#include <costate/expr/operators.hpp>
#include <costate/expr/ops.hpp>
#include <costate/expr/symbol.hpp>
using namespace costate::prelude;
int main() {
#ifdef COSTATE_CF_CONTROL
  [[maybe_unused]] constexpr auto e = edge<1, 1>(state_matrix<3, 4>);
#else
  [[maybe_unused]] constexpr auto e = edge<1, 2>(state_matrix<3, 4>);
#endif
}
