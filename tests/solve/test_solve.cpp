// Forward solves against closed forms, with every kind of stepper, and exact statistics.
#include <catch2/catch.hpp>

#include <array>
#include <boost/numeric/odeint/stepper/euler.hpp>
#include <boost/numeric/odeint/stepper/runge_kutta_cash_karp54.hpp>
#include <boost/numeric/odeint/stepper/runge_kutta_fehlberg78.hpp>
#include <cmath>

#include "costate/expr/constant.hpp"
#include "costate/expr/operators.hpp"
#include "costate/expr/symbol.hpp"
#include "costate/solve/solve.hpp"

using namespace costate;
namespace odeint = boost::numeric::odeint;

namespace {
constexpr auto x = state<0>;
constexpr auto y = state<1>;
constexpr auto a = param<0>;
constexpr auto decay = ode(-a * x);
constexpr auto oscillator = ode(y, -x);  // x = cos t, y = -sin t from (1, 0)
}  // namespace

TEST_CASE("dopri5 solves exponential decay to its tolerance", "[solve]") {
  const auto s = solve(decay, std::array{2.0}, std::array{0.7}, {0.0, 3.0}, options<>{.rtol = 1e-12, .atol = 1e-12});
  CHECK(s.t.front() == 0.0);
  CHECK(s.t.back() == 3.0);  // lands exactly on t1
  CHECK(s.final_state()[0] == Approx(2.0 * std::exp(-2.1)).epsilon(1e-10));
  CHECK(s.t.size() == s.stats.steps + 1);
  // FSAL: one evaluation at t0, one for the starting step, six per attempted step.
  CHECK(s.stats.rhs_evals == 2 + 6 * (s.stats.steps + s.stats.rejected));
}

TEST_CASE("tighter tolerances give smaller errors and more steps", "[solve]") {
  const auto loose = solve(oscillator, std::array{1.0, 0.0}, std::array<double, 0>{}, {0.0, 10.0}, options<>{.rtol = 1e-6, .atol = 1e-6});
  const auto tight = solve(oscillator, std::array{1.0, 0.0}, std::array<double, 0>{}, {0.0, 10.0}, options<>{.rtol = 1e-11, .atol = 1e-11});
  const double e_loose = std::abs(loose.final_state()[0] - std::cos(10.0));
  const double e_tight = std::abs(tight.final_state()[0] - std::cos(10.0));
  CHECK(e_tight < 1e-9);
  CHECK(e_tight < e_loose / 100);
  CHECK(tight.stats.steps > loose.stats.steps);
}

TEST_CASE("rk4 takes equal fixed steps that land on t1", "[solve]") {
  const auto s = solve(oscillator, std::array{1.0, 0.0}, std::array<double, 0>{}, {0.0, 1.0}, options<rk4>{.stepper = {.dt = 0.03}});
  CHECK(s.stats.steps == 34);  // ceil(1 / 0.03)
  CHECK(s.stats.rhs_evals == 4 * 34);
  CHECK(s.t.back() == 1.0);
  CHECK(s.t[1] == Approx(1.0 / 34));
  CHECK(s.final_state()[0] == Approx(std::cos(1.0)).epsilon(1e-7));
  CHECK(s.final_state()[1] == Approx(-std::sin(1.0)).epsilon(1e-7));
}

TEST_CASE("any Boost.Odeint stepper: error steppers adapt, plain steppers take fixed steps", "[solve]") {
  const std::array z0{1.0, 0.0};
  const std::array<double, 0> none{};
  const auto ck = solve(oscillator, z0, none, {0.0, 5.0},
                        options<odeint_stepper<odeint::runge_kutta_cash_karp54>>{.rtol = 1e-10, .atol = 1e-10});
  CHECK(ck.final_state()[0] == Approx(std::cos(5.0)).epsilon(1e-8));
  const auto f78 = solve(oscillator, z0, none, {0.0, 5.0},
                         options<odeint_stepper<odeint::runge_kutta_fehlberg78>>{.rtol = 1e-12, .atol = 1e-12});
  CHECK(f78.final_state()[0] == Approx(std::cos(5.0)).epsilon(1e-10));
  CHECK(f78.stats.steps < ck.stats.steps);  // higher order: fewer, longer steps
  const auto eu = solve(oscillator, z0, none, {0.0, 1.0}, options<odeint_stepper<odeint::euler>>{.stepper = {.dt = 1e-4}});
  CHECK(eu.stats.steps == 10000);
  CHECK(std::abs(eu.final_state()[0] - std::cos(1.0)) < 1e-4);  // first order
  CHECK(std::abs(eu.final_state()[0] - std::cos(1.0)) > 1e-6);
}

TEST_CASE("inputs are bound to the system at run time", "[solve]") {
  constexpr auto forced = ode(input<0> - a * x);  // → input/a
  const auto s = solve(forced.with_inputs(std::array{3.0}), std::array{0.0}, std::array{2.0}, {0.0, 20.0});
  CHECK(s.final_state()[0] == Approx(1.5).epsilon(1e-7));
}

// The step-size controller's e^(-1/K) (solve/integrate.hpp) against powl in long double, whose
// exponent -1/K is rounded 2^11 times more finely than pow's -1.0/K (which alone puts pow 100 ulps off
// at e = 1e300, K = 3): every exponent the steppers use (K = order + 1 = 4 … 9), every binade,
// every one of the 64 subintervals of the mantissa and both ends of each.
template <int K>
double worst_inverse_root_error() {
  double worst = 0.0;
  for (int E = -1020; E <= 1020; E += 7)
    for (int j = 0; j < 64; ++j)
      for (const double m : {1.0 + j / 64.0, 1.0 + (j + 0.5) / 64.0, std::nextafter(1.0 + (j + 1) / 64.0, 0.0)}) {
        const double e = std::ldexp(m, E);
        const double exact = static_cast<double>(std::pow(static_cast<long double>(e), -1.0L / K));
        worst = std::max(worst, std::abs(detail::inverse_root<K>(e) - exact) / exact);
      }
  return worst;
}

TEST_CASE("the controller's root e^(-1/K) is within 1e-15 of the exact value", "[solve]") {
  static_assert(sizeof(long double) > sizeof(double), "the reference needs a wider long double");
  CHECK(worst_inverse_root_error<4>() < 1e-15);
  CHECK(worst_inverse_root_error<5>() < 1e-15);
  CHECK(worst_inverse_root_error<6>() < 1e-15);
  CHECK(worst_inverse_root_error<8>() < 1e-15);
  CHECK(worst_inverse_root_error<9>() < 1e-15);
}
