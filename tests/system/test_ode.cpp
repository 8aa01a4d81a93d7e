// ode(): sizes, time dependence, inputs, derived VJPs and Jacobian, and the adjoint right-hand side.
#include <catch2/catch.hpp>

#include <array>
#include <random>

#include "../numeric_derivative.hpp"
#include "costate/expr/constant.hpp"
#include "costate/expr/operators.hpp"
#include "costate/expr/symbol.hpp"
#include "costate/system/loss.hpp"
#include "costate/system/ode.hpp"
#include "costate/system/rhs.hpp"

using namespace costate;

namespace {
constexpr auto x = state<0>;
constexpr auto y = state<1>;
constexpr auto a = param<0>;
constexpr auto b = param<1>;
constexpr auto c = param<2>;
constexpr auto d = param<3>;
constexpr auto lotka_volterra = ode(a * x - b * x * y, -c * y + d * x * y);
constexpr auto forced = ode(y, -a * y - sin(x) + input<0> * cos(b * t));
using LV = std::remove_const_t<decltype(lotka_volterra)>;
using Forced = std::remove_const_t<decltype(forced)>;
}  // namespace

TEST_CASE("a system knows its sizes and whether it depends on t", "[ode]") {
  STATIC_REQUIRE(LV::states == 2);
  STATIC_REQUIRE(LV::params == 4);
  STATIC_REQUIRE(LV::inputs == 0);
  STATIC_REQUIRE(LV::autonomous);
  STATIC_REQUIRE(std::is_same_v<LV::vjp_time, zero>);
  STATIC_REQUIRE(Forced::params == 2);
  STATIC_REQUIRE(Forced::inputs == 1);
  STATIC_REQUIRE(!Forced::autonomous);
  CHECK(to_string(vjp_time(forced)) == "-θ1*u0*λ1*sin(θ1*t)");
}

TEST_CASE("derived formulas print one per line", "[ode]") {
  std::ostringstream os;
  os << vjp_params(lotka_volterra);
  CHECK(os.str() == "λᵀ∂f/∂θ0 = z0*λ0\nλᵀ∂f/∂θ1 = -z0*z1*λ0\nλᵀ∂f/∂θ2 = -z1*λ1\nλᵀ∂f/∂θ3 = z0*z1*λ1");
}

TEST_CASE("the Jacobian rows are ∂f_i/∂z_j and match numerical derivatives", "[ode]") {
  const std::array th{1.5, 1.0, 3.0, 1.0};
  const std::array z{0.7, 1.9};
  const context<double> ctx{z.data(), nullptr, th.data(), nullptr, 0.0};
  using R0 = LV::jacobian_row<0>;
  using R1 = LV::jacobian_row<1>;
  CHECK(evaluate(detail::at<0, R0>::type{}, ctx) == Approx(1.5 - 1.9));
  CHECK(evaluate(detail::at<1, R0>::type{}, ctx) == Approx(-0.7));
  CHECK(evaluate(detail::at<0, R1>::type{}, ctx) == Approx(1.9));
  CHECK(evaluate(detail::at<1, R1>::type{}, ctx) == Approx(-3.0 + 0.7));
}

TEST_CASE("the augmented adjoint rhs is [f, -λᵀ∂f/∂z, -λᵀ∂f/∂θ, -λᵀ∂f/∂t]", "[ode]") {
  const std::array th{0.3, 2.0};
  const std::array in{1.2};
  const adjoint_rhs<Forced, double> rhs{th.data(), in.data()};
  static_assert(adjoint_rhs<Forced, double>::size == 2 + 2 + 2 + 1);
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> u(-1, 1);
  for (int k = 0; k < 4; ++k) {
    const double tt = u(rng);
    std::array<double, 7> s{u(rng), u(rng), u(rng), u(rng), 0, 0, 0}, ds{};
    rhs(s, ds, tt);
    const double z0 = s[0], z1 = s[1], l0 = s[2], l1 = s[3];
    CHECK(ds[0] == Approx(z1));
    CHECK(ds[1] == Approx(-0.3 * z1 - std::sin(z0) + 1.2 * std::cos(2.0 * tt)));
    CHECK(ds[2] == Approx(l1 * std::cos(z0)));                   // -λᵀ∂f/∂z0
    CHECK(ds[3] == Approx(-(l0 - 0.3 * l1)));                     // -λᵀ∂f/∂z1
    CHECK(ds[4] == Approx(l1 * z1));                              // -λᵀ∂f/∂a
    CHECK(ds[5] == Approx(l1 * 1.2 * std::sin(2.0 * tt) * tt));   // -λᵀ∂f/∂b
    CHECK(ds[6] == Approx(l1 * 1.2 * std::sin(2.0 * tt) * 2.0));  // -λᵀ∂f/∂t
  }
}

TEST_CASE("a terminal loss derives its gradient", "[ode][loss]") {
  constexpr auto loss = terminal_loss(0.5_c * (x * x + y * y) + a * x);
  using Lo = std::remove_const_t<decltype(loss)>;
  STATIC_REQUIRE(Lo::states == 2);
  STATIC_REQUIRE(Lo::params == 1);
  CHECK(to_string(detail::at<0, Lo::grad_state>::type{}) == "θ0 + z0");
  CHECK(to_string(detail::at<1, Lo::grad_state>::type{}) == "z1");
  CHECK(to_string(detail::at<0, Lo::grad_param>::type{}) == "z0");
}

TEST_CASE("an output simplified to a scalar is still written into every state of its shape", "[ode]") {
  constexpr auto w = state_vector<3>;
  constexpr auto sys = ode(exp(w - w) * param<0>);  // simplifies to θ0, a scalar, for a 3-vector of states
  using Sys = system_of_t<decltype(sys)>;
  STATIC_REQUIRE(Sys::states == 3);
  const std::array th{2.0};
  const forward_rhs<Sys, double> f{th.data(), nullptr};
  std::array<double, 3> z{1, 2, 3}, dz{-7, -7, -7};
  f(z, dz, 0.0);
  CHECK(dz[0] == 2.0);
  CHECK(dz[1] == 2.0);
  CHECK(dz[2] == 2.0);
}

// A tensor x − x or 0·x is a tensor zero: f and its VJPs keep their values (they were evaluated
// with a scalar zero once, which sum(exp(·)) turned into 1 instead of 3). z = (1, 2, 3), λ = 1.
TEST_CASE("systems with tensor zeros inside evaluate f and its VJPs right", "[ode]") {
  constexpr auto v = state_vector<3>;
  const std::array<double, 3> z{1, 2, 3}, lam{1, 1, 1};
  const auto run = [&](auto sys, std::array<double, 3> f, std::array<double, 3> dz, double dtheta0) {
    using Sys = std::remove_const_t<decltype(sys)>;
    constexpr std::size_t p = Sys::params;
    std::array<double, p + 1> th{};
    th[0] = 0.5;
    std::array<double, 3> dzdt{};
    forward_rhs<Sys, double>{th.data(), nullptr}(z, dzdt, 0.0);
    std::array<double, 3 + p + 1> out{};
    vjp_evaluator<Sys, double>::run(z.data(), lam.data(), th.data(), nullptr, 0.0, out.data());
    INFO(rhs(sys));
    for (std::size_t i = 0; i < 3; ++i) {
      CHECK(dzdt[i] == Approx(f[i]).epsilon(1e-15));
      CHECK(out[i] == Approx(dz[i]).epsilon(1e-15));
    }
    if constexpr (p > 0) CHECK(out[3] == Approx(dtheta0).epsilon(1e-15));
  };
  run(ode(v * sum(exp(v - v))), {3, 6, 9}, {3, 3, 3}, 0);
  run(ode(v * sum(cos(0_c * v))), {3, 6, 9}, {3, 3, 3}, 0);
  run(ode(v + sum((v - v) + param<0>)), {2.5, 3.5, 4.5}, {1, 1, 1}, 9);
  // And against finite differences, for every state and parameter.
  costate::test::check_tensor_vjp(v * sum(exp(v - v)) + param<0> * (v - v), 41);
  costate::test::check_tensor_vjp(v + sum((v - v) + param<0>), 42);
}
