// The evaluation plan computes each distinct subexpression once, in any scalar type.
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>

#include "costate/expr/constant.hpp"
#include "costate/expr/metrics.hpp"
#include "costate/expr/operators.hpp"
#include "costate/expr/plan.hpp"
#include "costate/expr/symbol.hpp"

using namespace costate;

namespace {
constexpr auto x = state<0>;
constexpr auto y = state<1>;
constexpr auto a = param<0>;
}  // namespace

TEST_CASE("a plan has one slot per distinct inner node", "[plan]") {
  constexpr auto u = a * x + y;
  constexpr auto f0 = tanh(u) * x;
  constexpr auto f1 = tanh(u) - u;
  using P = plan<decltype(f0), decltype(f1)>;
  // a*x, a*x + y, tanh(u), tanh(u)*x, tanh(u) - u: five, although the trees have nine inner nodes.
  STATIC_REQUIRE(P::slots == 5);
  STATIC_REQUIRE(node_count(f0) + node_count(f1) == 8 + 12);
  STATIC_REQUIRE(depth(f0) == 5);
}

TEST_CASE("a plan evaluates its outputs in order, leaves from the context", "[plan]") {
  const std::array z{0.3, -1.2};
  const std::array th{2.0};
  const std::array in{0.25};
  const context<double> c{z.data(), nullptr, th.data(), in.data(), 1.5};
  std::array<double, 3> out{};
  plan<decltype(a * x), decltype(input<0> * t), decltype(exp(y) + 2_c)>::run(c, [&](auto i, double v) { out[i] = v; });
  CHECK(out[0] == 0.6);
  CHECK(out[1] == 0.375);
  CHECK(out[2] == Approx(std::exp(-1.2) + 2).epsilon(1e-15));
}

TEST_CASE("plans run in float and complex scalars", "[plan]") {
  constexpr auto f = sin(x) * softplus(y) + abs(x);
  const std::array<float, 2> zf{0.5f, 0.25f};
  CHECK(evaluate(f, context<float>{zf.data()}) == Approx(std::sin(0.5) * std::log1p(std::exp(0.25)) + 0.5).epsilon(1e-6));
  // Complex step: Im f(x + ih)/h is ∂f/∂x to machine precision.
  using cplx = std::complex<double>;
  const double h = 1e-30;
  const std::array<cplx, 2> zc{cplx(0.5, h), cplx(0.25, 0)};
  const double dfdx = evaluate(f, context<cplx>{zc.data()}).imag() / h;
  CHECK(dfdx == Approx(std::cos(0.5) * std::log1p(std::exp(0.25)) + 1.0).epsilon(1e-14));
}

TEST_CASE("elementwise chains on tensors are fused into one loop", "[plan]") {
  constexpr auto u = state_vector<3>;
  constexpr auto v = symbol<symbol_kind::param, 0, shape<3>>{};
  constexpr auto g = (1_c - square(tanh(u))) * v;  // tanh(u)² and 1 - tanh(u)² live inside the product's loop
  using P = plan<decltype(g), decltype(tanh(u))>;
  STATIC_REQUIRE(P::slots == 4);
  STATIC_REQUIRE(P::fused_nodes == 2);  // tanh(u) is an output and used twice: it keeps its slot
  const std::array z{0.1, -0.4, 0.9};
  const std::array th{2.0, 3.0, -1.0};
  std::array<double, 3> out{};
  P::run(context<double>{z.data(), nullptr, th.data()}, [&](auto i, const auto& val) {
    if constexpr (decltype(i)::value == 0) store<shape<3>>(out.data(), val);
  });
  for (std::size_t k = 0; k < 3; ++k) CHECK(out[k] == Approx((1 - std::pow(std::tanh(z[k]), 2)) * th[k]).epsilon(1e-15));
}
