// The reverse sweep: VJPs of several outputs equal Σ_i w_i ∂f_i/∂X from forward differentiation
// (values, at random points), and the derived formulas are the ones a person derives by hand.
#include <catch2/catch.hpp>

#include <random>

#include "../numeric_derivative.hpp"
#include "costate/expr/constant.hpp"
#include "costate/expr/metrics.hpp"
#include "costate/expr/operators.hpp"
#include "costate/expr/simplify.hpp"
#include "costate/expr/symbol.hpp"

using namespace costate;
using detail::tlist;

namespace {
constexpr auto x = state<0>;
constexpr auto y = state<1>;
constexpr auto z = state<2>;
constexpr auto a = param<0>;
constexpr auto b = param<1>;
constexpr auto c = param<2>;
constexpr auto d = param<3>;
using L0 = symbol<symbol_kind::adjoint, 0>;
using L1 = symbol<symbol_kind::adjoint, 1>;
using L2 = symbol<symbol_kind::adjoint, 2>;
}  // namespace

TEST_CASE("reverse sweep equals the sum of forward derivatives (Lorenz-like system)", "[reverse]") {
  using F0 = decltype(a * (y - x));
  using F1 = decltype(x * (b - z) - y);
  using F2 = decltype(x * y - c * z + tanh(x * y));
  using R = tlist<F0, F1, F2>;
  using W = tlist<L0, L1, L2>;
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(-2, 2);
  for (int k = 0; k < 5; ++k) {
    const std::array<double, 3> s{u(rng), u(rng), u(rng)}, l{u(rng), u(rng), u(rng)}, th{u(rng), u(rng), u(rng)};
    const context<double> ctx{s.data(), l.data(), th.data(), nullptr, 0.0};
    const auto fwd = [&]<class X>(X) {
      return l[0] * evaluate(derivative_t<F0, X>{}, ctx) + l[1] * evaluate(derivative_t<F1, X>{}, ctx) +
             l[2] * evaluate(derivative_t<F2, X>{}, ctx);
    };
    CHECK(evaluate(vjp_t<R, W, std::remove_const_t<decltype(x)>>{}, ctx) == Approx(fwd(x)).epsilon(1e-13));
    CHECK(evaluate(vjp_t<R, W, std::remove_const_t<decltype(y)>>{}, ctx) == Approx(fwd(y)).epsilon(1e-13));
    CHECK(evaluate(vjp_t<R, W, std::remove_const_t<decltype(z)>>{}, ctx) == Approx(fwd(z)).epsilon(1e-13));
    CHECK(evaluate(vjp_t<R, W, std::remove_const_t<decltype(a)>>{}, ctx) == Approx(fwd(a)).epsilon(1e-13));
    CHECK(evaluate(vjp_t<R, W, std::remove_const_t<decltype(b)>>{}, ctx) == Approx(fwd(b)).epsilon(1e-13));
    CHECK(evaluate(vjp_t<R, W, std::remove_const_t<decltype(c)>>{}, ctx) == Approx(fwd(c)).epsilon(1e-13));
  }
}

TEST_CASE("Lotka-Volterra VJPs are the hand-derived formulas", "[reverse]") {
  using R = tlist<decltype(a * x - b * x * y), decltype(-c * y + d * x * y)>;
  using W = tlist<L0, L1>;
  CHECK(to_string(vjp_t<R, W, std::remove_const_t<decltype(a)>>{}) == "z0*λ0");
  CHECK(to_string(vjp_t<R, W, std::remove_const_t<decltype(b)>>{}) == "-z0*z1*λ0");
  CHECK(to_string(vjp_t<R, W, std::remove_const_t<decltype(c)>>{}) == "-z1*λ1");
  CHECK(to_string(vjp_t<R, W, std::remove_const_t<decltype(d)>>{}) == "z0*z1*λ1");
  // A symbol that does not occur has a zero VJP.
  STATIC_REQUIRE(std::is_same_v<vjp_t<R, W, symbol<symbol_kind::param, 7>>, zero>);
}

TEST_CASE("the VJP reuses f's nodes: tanh(u) is one node in f and in 1 - tanh(u)^2", "[reverse]") {
  using U = decltype(a * x + b);
  using F = simplify_t<node<tanh_op, U>>;
  using V = vjp_t<tlist<F>, tlist<L0>, std::remove_const_t<decltype(x)>>;
  INFO("VJP: " << to_string(V{}));
  STATIC_REQUIRE(detail::occurs<F, V>::value);
  // Every node of f is already in the VJP's DAG: evaluating f beside its VJP adds no work.
  STATIC_REQUIRE(dag_size(F{}, V{}) == dag_size(V{}));
  // λ·(1 - tanh(u)²)·a: tanh(u)², 1 - tanh(u)², two products, plus f's three nodes.
  STATIC_REQUIRE(dag_size(V{}) == 3 + 4);
}
