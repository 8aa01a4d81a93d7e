// The systems of the generated-header tests, shared by the generator and the test.
#pragma once

#include "costate/expr/constant.hpp"
#include "costate/expr/operators.hpp"
#include "costate/expr/ops.hpp"
#include "costate/expr/symbol.hpp"
#include "costate/system/ode.hpp"

namespace costate_test_systems {
using namespace costate;
inline constexpr auto x = state<0>;
inline constexpr auto y = state<1>;
inline constexpr auto a = param<0>;
inline constexpr auto b = param<1>;
inline constexpr auto c = param<2>;
inline constexpr auto d = param<3>;
inline constexpr auto lotka_volterra = ode(a * x - b * x * y, -c * y + d * x * y);
inline constexpr auto pendulum =
    ode(y, -a * y - b * sin(x) + c * cos(d * t) + 0.1_c * softplus(x) * sigmoid(y) - pow(x, 3_c) / 7_c + x / (0.1_c * y * y + 1_c));
}  // namespace costate_test_systems
