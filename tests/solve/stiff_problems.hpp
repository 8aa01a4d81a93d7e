// The problems the stiff-stepper tests share: Robertson's kinetics (θ = (k1, k2, k3) = (0.04, 3e7,
// 1e4), y0 = (1, 0, 0); SUNDIALS' examples order the rates (0.04, 1e4, 3e7), and test_rosenbrock.cpp's
// cvsRoberts_ASAi_dns test states its own system), and Prothero–Robinson's forced decay.
#pragma once

#include <array>
#include <cmath>

#include "costate/expr/operators.hpp"
#include "costate/expr/symbol.hpp"
#include "costate/system/ode.hpp"

namespace robertson_problem {
constexpr auto c1 = costate::state<0>;
constexpr auto c2 = costate::state<1>;
constexpr auto c3 = costate::state<2>;
constexpr auto k1 = costate::param<0>;
constexpr auto k2 = costate::param<1>;
constexpr auto k3 = costate::param<2>;
constexpr auto robertson = costate::ode(-k1 * c1 + k3 * c2 * c3,
                                        k1 * c1 - k3 * c2 * c3 - k2 * c2 * c2,
                                        k2 * c2 * c2);
inline const std::array z0{1.0, 0.0, 0.0};
inline const std::array th{0.04, 3e7, 1e4};
}  // namespace robertson_problem

namespace stiff_test {
// y' = -K (y - cos t) - sin t, y = cos t (Prothero–Robinson): time-dependent, stiff for large K;
// a right-hand side with its Jacobian, as the step loop takes it.
struct forced {
  double K;
  void operator()(const std::array<double, 1>& x, std::array<double, 1>& d, double t) const {
    d[0] = -K * (x[0] - std::cos(t)) - std::sin(t);
  }
  void jacobian(const std::array<double, 1>&, double* J, double t, std::array<double, 1>& dfdt) const {
    J[0] = -K;
    dfdt[0] = -K * std::sin(t) - std::cos(t);
  }
};
}  // namespace stiff_test
