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

namespace {
// out = plan's outputs written by run_direct_to (store) and, for comparison, copied from run's values.
template <class E, std::size_t N>
void run_both(const context<double>& c, std::array<double, N>& direct, std::array<double, N>& via_run) {
  using P = plan<E>;
  double* const bases[1] = {direct.data()};
  P::template run_direct_to<double>(c, bases, detail::tlist<detail::out<0, 0, shape<N>, detail::put_mode::store>>{});
  P::run(c, [&](auto, const auto& val) { store<shape<N>>(via_run.data(), val); });
}
}  // namespace

TEST_CASE("index maps are read in place by the loops that use them", "[plan]") {
  constexpr auto x = state_vector<6>;
  constexpr auto next = concat(slice<1, 5>(x), slice<0, 1>(x));   // x_{i+1}
  constexpr auto prev2 = concat(slice<4, 2>(x), slice<0, 4>(x));  // x_{i-2}
  constexpr auto shifted = node<embed_op<1, 6>, decltype(slice<0, 4>(x))>{};  // (0, x0, x1, x2, x3, 0)
  constexpr auto e = (next - prev2) * x + shifted;
  using P = plan<decltype(e)>;
  // Slices, concats, the embed and the difference are computed inside the output's loop: only the
  // output keeps a slot.
  STATIC_REQUIRE(P::fused_nodes == P::slots - 1);
  STATIC_REQUIRE(P::values == 6);
  const std::array z{0.5, -1.25, 2.0, 3.5, -0.75, 1.5};
  std::array<double, 6> direct{}, via_run{};
  run_both<decltype(e)>(context<double>{z.data()}, direct, via_run);
  for (std::size_t i = 0; i < 6; ++i) {
    const double expected = (z[(i + 1) % 6] - z[(i + 4) % 6]) * z[i] + (i >= 1 && i <= 4 ? z[i - 1] : 0.0);
    CHECK(direct[i] == expected);
    CHECK(via_run[i] == expected);
  }
}

TEST_CASE("one operation on index maps is repeated in the loops that use it rather than stored", "[plan]") {
  constexpr auto x = state_vector<4>;
  constexpr auto d = concat(slice<1, 3>(x), slice<0, 1>(x)) - x;  // x_{i+1} - x_i
  constexpr auto y = symbol<symbol_kind::param, 0, shape<4>>{};
  using P = plan<decltype(d * y), decltype(exp(d) + y)>;
  STATIC_REQUIRE(P::fused_nodes == P::slots - 2);  // only the two outputs keep their slots
  using Q = plan<decltype(exp(d) * y), decltype(exp(d) + y)>;
  STATIC_REQUIRE(Q::fused_nodes == Q::slots - 3);  // exp(d) is not repeated: it keeps its slot
  const std::array z{0.5, -1.25, 2.0, 3.5};
  const std::array th{1.5, 0.25, -2.0, 1.0};
  std::array<double, 4> a{}, b{};
  P::run(context<double>{z.data(), nullptr, th.data()}, [&](auto i, const auto& val) {
    if constexpr (decltype(i)::value == 0) store<shape<4>>(a.data(), val);
    else store<shape<4>>(b.data(), val);
  });
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(a[i] == (z[(i + 1) % 4] - z[i]) * th[i]);
    CHECK(b[i] == std::exp(z[(i + 1) % 4] - z[i]) + th[i]);
  }
}

TEST_CASE("the zeros of an embed are not added", "[plan]") {
  constexpr auto x = state_vector<5>;
  constexpr auto head = node<embed_op<0, 5>, decltype(slice<0, 2>(x))>{};  // (x0, x1, 0, 0, 0)
  constexpr auto tail = node<embed_op<3, 5>, decltype(slice<3, 2>(x))>{};  // (0, 0, 0, x3, x4)
  constexpr auto e = (head - tail) * (tail - x) + (x - head);  // 0 - b, a - 0, b - a and a + 0 in its pieces
  const std::array z{0.5, -1.25, 2.0, 3.5, -0.75};
  std::array<double, 5> direct{}, via_run{};
  run_both<decltype(e)>(context<double>{z.data()}, direct, via_run);
  for (std::size_t i = 0; i < 5; ++i) {
    const double h = i < 2 ? z[i] : 0.0, t = i >= 3 ? z[i] : 0.0;
    CHECK(direct[i] == (h - t) * (t - z[i]) + (z[i] - h));
    CHECK(via_run[i] == direct[i]);
  }
}

TEST_CASE("an index map read by a tensor operation, or shared, is still exact", "[plan]") {
  constexpr auto x = state_vector<3>;
  constexpr auto W = params(matrix<3, 3>).get<0>();
  constexpr auto rot = concat(slice<1, 2>(x), slice<0, 1>(x));
  // rot is materialised for the product (which reads it through a pointer) and read in place by the
  // sum; x*x is used by two views and keeps its slot (computed once).
  constexpr auto sq = x * x;
  constexpr auto e = W * rot + rot * concat(slice<2, 1>(sq), slice<0, 2>(sq)) - concat(slice<1, 2>(sq), slice<0, 1>(sq));
  const std::array z{0.5, -1.25, 2.0};
  const std::array th{1.0, 2.0, -1.0, 0.5, 0.25, 3.0, -2.0, 1.5, 0.75};
  std::array<double, 3> direct{}, via_run{};
  run_both<decltype(e)>(context<double>{z.data(), nullptr, th.data()}, direct, via_run);
  for (std::size_t i = 0; i < 3; ++i) {
    double wr = 0.0;
    for (std::size_t j = 0; j < 3; ++j) wr += th[3 * i + j] * z[(j + 1) % 3];
    const double sqm = z[(i + 2) % 3] * z[(i + 2) % 3], sqp = z[(i + 1) % 3] * z[(i + 1) % 3];
    CHECK(direct[i] == Approx(wr + z[(i + 1) % 3] * sqm - sqp).epsilon(1e-15));
    CHECK(via_run[i] == direct[i]);
  }
}

namespace {
constexpr auto x20 = state_vector<20>;
// (x_K, x_{K-1}, ..., x_0), one component at a time.
template <std::size_t K>
constexpr auto reversed() {
  if constexpr (K == 0) return component<0>(x20);
  else return concat(component<K>(x20), reversed<K - 1>());
}
}  // namespace

TEST_CASE("a loop over more pieces than it splits into segments tests each element's piece", "[plan]") {
  constexpr auto e = reversed<19>() * x20 + x20;  // 19 cuts: more than detail::max_cuts
  STATIC_REQUIRE(detail::max_cuts < 19);
  std::array<double, 20> z{};
  for (std::size_t i = 0; i < 20; ++i) z[i] = 0.25 * static_cast<double>(i) - 1.5;
  std::array<double, 20> direct{}, via_run{};
  run_both<decltype(e)>(context<double>{z.data()}, direct, via_run);
  for (std::size_t i = 0; i < 20; ++i) {
    CHECK(direct[i] == z[19 - i] * z[i] + z[i]);
    CHECK(via_run[i] == direct[i]);
  }
}
