// costate/xtensor.hpp with the symbols: a view of a parameter block inside θ.
#include <costate/expr/symbol.hpp>
#include <costate/xtensor.hpp>

#include <array>

using namespace costate::prelude;

int main() {
  constexpr auto net = params(matrix<2, 3>, vec<2>);
  std::array<double, 8> theta{};
  auto w = costate::view(theta, net.get<0>());
  w(1, 2) = 1.0;
  return theta[5] == 1.0 ? 0 : 1;
}
