// Neural ODEs: f = W2·tanh(W1·z + b1) + b2 with θ flat in the order W1 (row-major), b1, W2, b2.
// Gradients against finite differences (and the complex step) at tolerances 1e-10, for hidden
// widths 16 and 64; batches against per-sample gradients; scalar and tensor symbols mixed.
#include <catch2/catch.hpp>

#include <array>
#include <random>
#include <sstream>

#include "costate/check/check_gradient.hpp"
#include "costate/expr/constant.hpp"
#include "costate/expr/operators.hpp"
#include "costate/expr/symbol.hpp"
#include "costate/solve/gradient.hpp"
#include "costate/system/batch.hpp"

using namespace costate;

namespace {
constexpr auto z = state_vector<2>;
const auto tight = options<>{.rtol = 1e-10, .atol = 1e-10};

template <std::size_t H>
struct mlp {
  static constexpr auto net = params(matrix<H, 2>, vector<H>, matrix<2, H>, vector<2>);
  static constexpr auto W1 = net.template get<0>();
  static constexpr auto b1 = net.template get<1>();
  static constexpr auto W2 = net.template get<2>();
  static constexpr auto b2 = net.template get<3>();
  static constexpr auto f = ode(W2 * tanh(W1 * z + b1) + b2);
  static std::array<double, net.size> theta(unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> n(0.0, 0.3);
    std::array<double, net.size> th{};
    for (auto& v : th) v = n(rng);
    return th;
  }
};
}  // namespace

TEST_CASE("parameter blocks are packed in order into one flat theta", "[neural]") {
  using M = mlp<16>;
  STATIC_REQUIRE(M::net.size == 16 * 2 + 16 + 2 * 16 + 2);
  STATIC_REQUIRE(decltype(M::W1)::index == 0);
  STATIC_REQUIRE(decltype(M::b1)::index == 32);
  STATIC_REQUIRE(decltype(M::W2)::index == 48);
  STATIC_REQUIRE(decltype(M::b2)::index == 80);
  using Sys = system_of_t<decltype(M::f)>;
  STATIC_REQUIRE(Sys::states == 2);
  STATIC_REQUIRE(Sys::params == 82);
  std::ostringstream os;
  os << vjp_params(M::f);
  CHECK(os.str().find("λᵀ∂f/∂θ[80:82] = λ[0:2]") != std::string::npos);
}

TEST_CASE("neural ODE, hidden 16: dθ and dz0 match finite differences", "[neural]") {
  using M = mlp<16>;
  const auto r = check_gradient(M::f, std::array{1.0, -0.5}, M::theta(1), {0.0, 1.0}, terminal_loss(0.5_c * dot(z, z)), tight);
  INFO(r);
  CHECK(r.entries.size() == 82 + 2 + 2);
  CHECK(r.max_error_fd <= 1e-6);
  CHECK(r.max_error_cs <= 1e-6);
}

TEST_CASE("neural ODE, hidden 64: dθ and dz0 match finite differences", "[neural]") {
  using M = mlp<64>;
  const auto r = check_gradient(M::f, std::array{0.7, 0.2}, M::theta(2), {0.0, 1.0}, terminal_loss(sum(z) + 0.5_c * norm2(z)), tight);
  INFO(r);
  CHECK(r.entries.size() == 322 + 2 + 2);
  CHECK(r.max_error_fd <= 1e-6);
  CHECK(r.max_error_cs <= 1e-6);
}

TEST_CASE("a batch gives the mean of the per-sample gradients", "[neural][batch]") {
  using M = mlp<8>;
  constexpr auto u = input_vector<2>;
  const auto loss = terminal_loss(0.5_c * dot(z - u, z - u));
  const auto th = M::theta(3);
  const std::array<std::array<double, 2>, 3> z0s{{{1.0, -0.5}, {0.3, 0.2}, {-1.0, 0.4}}};
  const std::array<std::array<double, 2>, 3> targets{{{0.5, 0.5}, {0.1, -0.2}, {0.0, 1.0}}};
  const auto gb = gradient(batch_mean<3>(M::f).with_inputs(targets), z0s, th, {0.0, 1.0}, loss, tight);
  double loss_mean = 0;
  std::array<double, th.size()> mean{};
  for (std::size_t s = 0; s < 3; ++s) {
    const auto g = gradient(M::f.with_inputs(targets[s]), z0s[s], th, {0.0, 1.0}, loss, tight);
    loss_mean += g.loss / 3;
    for (std::size_t k = 0; k < th.size(); ++k) mean[k] += g.dtheta[k] / 3;
    CHECK(gb.dz0[s][0] * 3 == Approx(g.dz0[0]).epsilon(1e-8));
    CHECK(gb.z1[s][1] == Approx(g.z1[1]).epsilon(1e-8));
  }
  CHECK(gb.loss == Approx(loss_mean).epsilon(1e-9));
  for (std::size_t k = 0; k < th.size(); ++k) CHECK(gb.dtheta[k] == Approx(mean[k]).margin(1e-9));
  // The batched right-hand side multiplies matrices: W1·Z with Z = matrix<2, 3>.
  using Batched = typename decltype(batch<3>(M::f))::system_type;
  STATIC_REQUIRE(Batched::states == 6);
  STATIC_REQUIRE(detail::list_contains<node<matmul_op, std::remove_const_t<decltype(M::W1)>, symbol<symbol_kind::state, 0, shape<2, 3>>>,
                                       typename detail::dag_nodes<typename detail::at<0, typename Batched::rhs>::type>>::value);
}

TEST_CASE("scalar and tensor symbols mix in one system", "[neural]") {
  // A damped oscillator (scalar states) driven by a 2-vector of states through a small network.
  constexpr auto x = state<2>;
  constexpr auto w = state_vector<2>;  // z[0:2]
  constexpr auto p = params(matrix<2, 2>, vector<2>);
  constexpr auto A = p.get<0>();
  constexpr auto c = p.get<1>();
  constexpr auto k = param<6>;
  constexpr auto sys = ode(tanh(A * w) - k * w, dot(c, w) - x);
  using Sys = system_of_t<decltype(sys)>;
  STATIC_REQUIRE(Sys::states == 3);
  STATIC_REQUIRE(Sys::params == 7);
  const std::array th{0.3, -0.4, 0.5, 0.2, 1.0, -0.7, 0.8};
  const auto r = check_gradient(sys, std::array{0.5, -0.3, 0.1}, th, {0.0, 2.0}, terminal_loss(x * x + component<0>(w)), tight);
  INFO(r);
  CHECK(r.max_error_fd <= 1e-6);
}

TEST_CASE("overlapping state symbols add their VJPs", "[neural]") {
  // state<0> is also element 0 of state_vector<2>: both paths reach λ[0].
  constexpr auto w = state_vector<2>;
  constexpr auto x0 = state<0>;
  constexpr auto a = param<0>;
  constexpr auto sys = ode(-a * w * x0 + sin(w));
  using Rhs = adjoint_rhs<system_of_t<decltype(sys)>, double>;
  STATIC_REQUIRE(!Rhs::direct_z);
  STATIC_REQUIRE(Rhs::direct_p);
  const auto r = check_gradient(sys, std::array{0.4, -0.3}, std::array{0.7}, {0.0, 1.5}, terminal_loss(norm2(w)), tight);
  INFO(r);
  CHECK(r.max_error_fd <= 1e-6);
}

namespace {
// The batch gradient against the sum (or mean) of per-sample gradients.
template <bool Mean, std::size_t B, class Sys, class L, std::size_t N, std::size_t P>
void check_batch_against_samples(Sys sys, L loss, const std::array<std::array<double, N>, B>& z0s,
                                 const std::array<std::array<double, 2>, B>& inputs, const std::array<double, P>& th) {
  const auto bs = [&] { if constexpr (Mean) return batch_mean<B>(sys); else return batch<B>(sys); }();
  const auto gb = gradient(bs.with_inputs(inputs), z0s, th, {0.0, 1.0}, loss, tight);
  const double w = Mean ? 1.0 / B : 1.0;
  double l = 0;
  std::array<double, P> dth{};
  for (std::size_t s = 0; s < B; ++s) {
    const auto g = gradient(sys.with_inputs(inputs[s]), z0s[s], th, {0.0, 1.0}, loss, tight);
    l += w * g.loss;
    for (std::size_t k = 0; k < P; ++k) dth[k] += w * g.dtheta[k];
    for (std::size_t i = 0; i < N; ++i) CHECK(gb.dz0[s][i] == Approx(w * g.dz0[i]).epsilon(1e-7).margin(1e-10));
  }
  CHECK(gb.loss == Approx(l).epsilon(1e-8));
  for (std::size_t k = 0; k < P; ++k) CHECK(gb.dtheta[k] == Approx(dth[k]).epsilon(1e-7).margin(1e-10));
}
}  // namespace

TEST_CASE("batches keep samples apart: reductions inside f and nonlinear losses are per sample", "[batch]") {
  constexpr auto u = input_vector<2>;
  constexpr auto a = param<0>;
  const std::array<std::array<double, 2>, 3> z0s{{{1.0, -0.5}, {0.3, 0.2}, {-1.0, 0.4}}};
  const std::array<std::array<double, 2>, 3> targets{{{0.5, 0.5}, {0.1, -0.2}, {0.0, 1.0}}};
  // norm2 inside f couples the components of one sample, not the samples.
  constexpr auto damped = ode(-a * norm2(z) * z + sum(z) * u);
  check_batch_against_samples<false>(damped, terminal_loss(sum(z)), z0s, targets, std::array{0.7});
  // A loss nonlinear in a reduction, and a term without states (counted once per sample).
  check_batch_against_samples<true>(damped, terminal_loss(sqrt(dot(z - u, z - u)) + a * a), z0s, targets, std::array{0.7});
  // An output that depends on no state: repeated for every sample.
  constexpr auto x = state<0>;
  constexpr auto drift = ode(state<1> * x, -a + 0_c * x * 0_c);
  using Batched = typename decltype(batch<4>(drift))::system_type;
  STATIC_REQUIRE(Batched::states == 8);
  check_batch_against_samples<false>(drift, terminal_loss(x * x + state<1> * dot(u, u)), z0s, targets, std::array{0.4});
}
