// Views of parameter blocks are shaped like the blocks and write through to the flat θ.
#include <catch2/catch.hpp>

#include <array>

#include "costate/expr/symbol.hpp"
#include "costate/xtensor.hpp"

using namespace costate;

TEST_CASE("view(theta, block) is an xtensor view shaped like the block", "[xtensor]") {
  constexpr auto net = params(matrix<3, 2>, vector<3>, matrix<2, 3>);
  std::array<double, net.size> theta{};
  for (std::size_t i = 0; i < theta.size(); ++i) theta[i] = static_cast<double>(i);
  auto W1 = view(theta, net.get<0>());
  auto b1 = view(theta, net.get<1>());
  auto W2 = view(theta, net.get<2>());
  REQUIRE(W1.dimension() == 2);
  CHECK(W1.shape()[0] == 3);
  CHECK(W1.shape()[1] == 2);
  CHECK(W1(2, 1) == 5.0);   // row-major: θ[2·2 + 1]
  CHECK(b1(0) == 6.0);
  CHECK(W2(1, 2) == 14.0);  // θ[9 + 1·3 + 2]
  W2(0, 0) = -1.0;          // writes through
  CHECK(theta[9] == -1.0);
  const std::array<double, 2> zs{0.5, 0.25};
  CHECK(view(zs, state_vector<2>)(1) == 0.25);
}
