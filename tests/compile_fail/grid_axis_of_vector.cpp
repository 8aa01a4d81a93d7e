// roll<k, 1> of a vector: a vector has only axis 0.
#include <costate/expr/operators.hpp>
#include <costate/expr/ops.hpp>
#include <costate/expr/symbol.hpp>
using namespace costate::prelude;
int main() {
#ifdef COSTATE_CF_CONTROL
  [[maybe_unused]] constexpr auto e = roll<1, 1>(state_matrix<4, 4>);
#else
  [[maybe_unused]] constexpr auto e = roll<1, 1>(state_vector<4>);
#endif
}
