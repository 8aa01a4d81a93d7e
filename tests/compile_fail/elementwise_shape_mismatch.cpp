// vector<16> + vector<3>: elementwise operations need one shape.
#include <costate/expr/operators.hpp>
#include <costate/expr/ops.hpp>
#include <costate/expr/symbol.hpp>
using namespace costate;
int main() {
  constexpr auto net = params(matrix<16, 2>, vector<16>);
#ifdef COSTATE_CF_CONTROL
  [[maybe_unused]] constexpr auto e = net.get<0>() * state_vector<2> + net.get<1>();
#else
  [[maybe_unused]] constexpr auto e = net.get<0>() * state_vector<2> + state_vector<3>;
#endif
}
