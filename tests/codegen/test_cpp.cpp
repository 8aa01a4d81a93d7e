// C++ printing of scalar expressions.
#include <catch2/catch.hpp>

#include <string>

#include "costate/codegen/cpp.hpp"
#include "costate/expr/constant.hpp"
#include "costate/expr/operators.hpp"
#include "costate/expr/ops.hpp"
#include "costate/expr/symbol.hpp"

using namespace costate;

namespace {
constexpr auto x = state<0>;
constexpr auto y = state<1>;
constexpr auto a = param<0>;
constexpr auto b = param<1>;
}  // namespace

TEST_CASE("C++ of symbols, constants and operations", "[codegen][cpp]") {
  CHECK(to_cpp(a * x - b * x * y) == "theta[0]*z[0] - theta[1]*z[0]*z[1]");
  CHECK(to_cpp(0.5_c * x) == "1.0 / 2.0*z[0]");
  CHECK(to_cpp(tanh(x) + exp(t)) == "std::tanh(z[0]) + std::exp(t)");
  CHECK(to_cpp(pow(x + y, 3_c)) == "std::pow(z[0] + z[1], 3)");
  CHECK(to_cpp(sigmoid(x) * softplus(y)) == "costate_sigmoid(z[0])*costate_softplus(z[1])");
  CHECK(to_cpp(-(x - y)) == "-(z[0] - z[1])");
  CHECK(to_cpp(adjoint<0> * input<1>) == "lambda[0]*u[1]");
  CHECK(cpp_helpers().find("inline double costate_sigmoid(double x)") != std::string::npos);
}
