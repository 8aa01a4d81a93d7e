// Systems written one scalar equation per state, large enough that their plans run in out-of-line
// blocks (expr/plan.hpp's large_plan, the scalar-instruction path) and that the backsolve adjoint
// evaluates f and its VJPs by two plans (system/rhs.hpp's composed adjoint). Checked against the
// same model written with tensors (small plans, another code path), against finite differences, across
// the adjoint strategies, and, for plans, output by output against one small plan per output.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <type_traits>
#include <utility>

#include "costate/check/check_gradient.hpp"
#include "costate/expr/constant.hpp"
#include "costate/expr/operators.hpp"
#include "costate/expr/plan.hpp"
#include "costate/expr/symbol.hpp"
#include "costate/expr/ops.hpp"
#include "costate/solve/gradient.hpp"
#include "costate/solve/rosenbrock.hpp"
#include "costate/system/rhs.hpp"

using namespace costate;

namespace {
constexpr std::size_t N = 40;

// Lorenz-96 component by component: dx_i/dt = (x_{i+1} - x_{i-2}) x_{i-1} - x_i + F, indices mod N.
template <std::size_t I>
constexpr auto l96_equation() {
  return (state<(I + 1) % N> - state<(I + N - 2) % N>) * state<(I + N - 1) % N> - state<I> + param<0>;
}
template <std::size_t... I>
constexpr auto l96_components(std::index_sequence<I...>) {
  return ode(l96_equation<I>()...);
}
constexpr auto l96 = l96_components(std::make_index_sequence<N>{});

// The same model with tensors: the neighbours are rotations of x.
constexpr auto x = state_vector<N>;
constexpr auto next = concat(slice<1, N - 1>(x), slice<0, 1>(x));
constexpr auto prev = concat(slice<N - 1, 1>(x), slice<0, N - 1>(x));
constexpr auto prev2 = concat(slice<N - 2, 2>(x), slice<0, N - 2>(x));
constexpr auto l96_tensor = ode((next - prev2) * prev - x + param<0>);
// And with roll: roll<-1>(x)[i] = x[i+1], roll<k>(x)[i] = x[i-k] (periodic).
constexpr auto l96_roll = ode((roll<-1>(x) - roll<2>(x)) * roll<1>(x) - x + param<0>);

// ½ Σ x_i² written as a chain of N terms (a deep loss plan), and as a dot product.
template <std::size_t... I>
constexpr auto half_squares(std::index_sequence<I...>) {
  return 0.5_c * (... + (state<I> * state<I>));
}
constexpr auto chain_loss = half_squares(std::make_index_sequence<N>{});

std::array<double, N> l96_start() {
  std::array<double, N> z{};
  for (std::size_t i = 0; i < N; ++i) z[i] = 8.0 + 0.1 * static_cast<double>((7 * i) % 5);
  return z;
}

// A mass-action chain: reaction r turns species r and r+1 into species r+2 at rate k_r x_r x_{r+1}
// (r < M - 2), so every species has its own rate constant in θ.
constexpr std::size_t M = 30;
template <std::size_t R>
constexpr auto rate() {
  return param<R> * state<R> * state<R + 1>;
}
template <std::size_t S>
constexpr auto species_equation() {
  // produced by reaction S-2, consumed by reactions S (as first reactant) and S-1 (as second)
  constexpr bool produced = S >= 2, first = S + 2 < M, second = S >= 1 && S + 1 < M;
  if constexpr (produced && first && second) return rate<S - 2>() - rate<S>() - rate<S - 1>();
  else if constexpr (produced && second) return rate<S - 2>() - rate<S - 1>();
  else if constexpr (produced) return rate<S - 2>();
  else if constexpr (first && second) return -rate<S>() - rate<S - 1>();
  else return -rate<S>();
}
template <std::size_t... S>
constexpr auto chain_network(std::index_sequence<S...>) {
  return ode(species_equation<S>()...);
}
constexpr auto network = chain_network(std::make_index_sequence<M>{});

template <class P> constexpr bool blocked = P::blocked;

// A large plan of scalar nodes only (the scalar program): unary and binary operations, constants,
// outputs that are leaves, constants or repeated. Output i < N is g_i below; then x_0, 3/2, g_0 again.
template <std::size_t I>
constexpr auto g_equation() {
  return exp(-0.5_c * state<I>) * sin(state<(I + 1) % N> + param<0>) - state<I> / (1_c + state<I> * state<I>) + 2_c;
}
template <std::size_t... I>
constexpr auto scalar_big_plan(std::index_sequence<I...>) {
  return plan<decltype(g_equation<I>())..., decltype(state<0>), decltype(3_c / 2_c), decltype(g_equation<0>())>{};
}

// Outputs 0..N-1: the Lorenz-96 equations; N: the chain loss; N+1: a scalar from a tensor; N+2: a
// tensor; N+3: output 0 again.
template <std::size_t... I, class V>
constexpr auto big_plan(std::index_sequence<I...>, V v) {
  return plan<decltype(l96_equation<I>())..., decltype(chain_loss), decltype(sum(exp(v) * state<0>)),
              decltype(tanh(v) * state<1>), decltype(l96_equation<0>())>{};
}
}  // namespace

TEST_CASE("component-wise systems are large plans and compose the backsolve adjoint", "[large]") {
  using Sys = std::remove_cvref_t<decltype(l96)>;
  STATIC_REQUIRE(Sys::states == N);
  STATIC_REQUIRE(forward_rhs<Sys, double>::out_of_line);
  STATIC_REQUIRE(blocked<typename forward_rhs<Sys, double>::plan_type>);
  STATIC_REQUIRE(adjoint_rhs<Sys, double, false>::composed);
  STATIC_REQUIRE(std::is_base_of_v<detail::scalar_plan<typename Sys::rhs>, typename forward_rhs<Sys, double>::plan_type>);
  using Tensor = std::remove_cvref_t<decltype(l96_tensor)>;
  STATIC_REQUIRE(!forward_rhs<Tensor, double>::out_of_line);
}

TEST_CASE("the large plan's right-hand sides equal the tensor-written model's", "[large]") {
  using Sys = std::remove_cvref_t<decltype(l96)>;
  using Tensor = std::remove_cvref_t<decltype(l96_tensor)>;
  const std::array<double, 1> theta{8.0};
  std::array<double, N> z = l96_start(), a{}, b{};
  forward_rhs<Sys, double>{theta.data(), nullptr}(z, a, 0.0);
  forward_rhs<Tensor, double>{theta.data(), nullptr}(z, b, 0.0);
  for (std::size_t i = 0; i < N; ++i) CHECK(a[i] == Approx(b[i]).epsilon(1e-15));

  // The backsolve adjoint [z | λ | g_θ]: f, λᵀ∂f/∂z and λᵀ∂f/∂θ by both paths.
  using AdjS = adjoint_rhs<Sys, double, false>;
  using AdjT = adjoint_rhs<Tensor, double, false>;
  STATIC_REQUIRE(AdjS::size == AdjT::size);
  std::array<double, AdjS::size> s{}, ds{}, dt{};
  for (std::size_t i = 0; i < N; ++i) {
    s[i] = z[i];
    s[N + i] = std::sin(1.0 + static_cast<double>(i));
  }
  AdjS{theta.data(), nullptr}(s, ds, 0.0);
  AdjT{theta.data(), nullptr}(s, dt, 0.0);
  for (std::size_t i = 0; i < AdjS::size; ++i) CHECK(ds[i] == Approx(dt[i]).epsilon(1e-13).margin(1e-13));
}

TEST_CASE("component-wise Lorenz-96 (40 states): gradients agree with the tensor models (rotations, roll) and finite differences", "[large]") {
  const std::array<double, 1> theta{8.0};
  const auto z0 = l96_start();
  const time_span span{0.0, 0.5};
  const auto tight = options<>{.rtol = 1e-10, .atol = 1e-10};
  const auto ref = gradient(l96_tensor, z0, theta, span, terminal_loss(0.5_c * dot(x, x)), tight);
  const auto scale = std::abs(ref.dtheta[0]);
  REQUIRE(scale > 1.0);

  SECTION("the chain-written loss and both adjoint strategies") {
    for (const auto method : {adjoint_method{}, adjoint_method(backsolve{})}) {
      options<dopri5, adjoint_method> o{.rtol = tight.rtol, .atol = tight.atol, .adjoint = method};
      const auto g = gradient(l96, z0, theta, span, terminal_loss(chain_loss), o);
      CHECK(g.loss == Approx(ref.loss).epsilon(1e-12));
      CHECK(g.dtheta[0] == Approx(ref.dtheta[0]).epsilon(1e-7));
      for (std::size_t i = 0; i < N; ++i) CHECK(g.dz0[i] == Approx(ref.dz0[i]).margin(1e-7 * scale));
      CHECK(g.dt1 == Approx(ref.dt1).margin(1e-7 * scale));
    }
  }
  SECTION("the tensor model written with roll") {
    for (const auto method : {adjoint_method{}, adjoint_method(backsolve{})}) {
      options<dopri5, adjoint_method> o{.rtol = tight.rtol, .atol = tight.atol, .adjoint = method};
      const auto g = gradient(l96_roll, z0, theta, span, terminal_loss(0.5_c * dot(x, x)), o);
      CHECK(g.loss == Approx(ref.loss).epsilon(1e-12));
      CHECK(g.dtheta[0] == Approx(ref.dtheta[0]).epsilon(1e-7));
      for (std::size_t i = 0; i < N; ++i) CHECK(g.dz0[i] == Approx(ref.dz0[i]).margin(1e-7 * scale));
    }
    const auto r = check_gradient(l96_roll, z0, theta, span, terminal_loss(0.5_c * dot(x, x)), tight);
    INFO("largest relative error against finite differences: " << r.max_error_fd);
    CHECK(r.passed(1e-6));
  }
  SECTION("finite differences") {
    const auto r = check_gradient(l96, z0, theta, span, terminal_loss(chain_loss), tight);
    INFO("largest relative error against finite differences: " << r.max_error_fd);
    CHECK(r.passed(1e-6));
  }
}

TEST_CASE("a mass-action chain of 30 species and 28 rate constants: gradients against finite differences", "[large]") {
  using Sys = std::remove_cvref_t<decltype(network)>;
  STATIC_REQUIRE(Sys::params == M - 2);
  STATIC_REQUIRE(adjoint_rhs<Sys, double, false>::composed);
  std::array<double, M> z0{};
  for (std::size_t i = 0; i < M; ++i) z0[i] = 1.0 + 0.05 * static_cast<double>(i % 4);
  std::array<double, M - 2> k{};
  for (std::size_t r = 0; r < M - 2; ++r) k[r] = 0.5 + 0.1 * static_cast<double>(r % 3);
  const auto loss = terminal_loss(state<M - 1> * state<M - 1> + state<M / 2>);
  const auto r = check_gradient(network, z0, k, {0.0, 1.0}, loss, options<>{.rtol = 1e-10, .atol = 1e-10});
  INFO("largest relative error against finite differences: " << r.max_error_fd);
  CHECK(r.passed(1e-6));

  // The stiff stepper's Jacobian is n VJPs of the large plan: against a difference of f.
  using F = forward_rhs<Sys, double>;
  const F f{k.data(), nullptr};
  std::array<double, M * M> J{};
  std::array<double, M> dfdt{}, fp{}, fm{};
  f.jacobian(z0, J.data(), 0.0, dfdt);
  for (std::size_t j = 0; j < M; ++j) {
    auto zp = z0, zm = z0;
    zp[j] += 1e-6;
    zm[j] -= 1e-6;
    f(zp, fp, 0.0);
    f(zm, fm, 0.0);
    for (std::size_t i = 0; i < M; ++i) CHECK(J[i * M + j] == Approx((fp[i] - fm[i]) / 2e-6).margin(1e-8));
  }
  for (const double v : dfdt) CHECK(v == 0.0);
}

TEST_CASE("a large plan of scalar and tensor nodes evaluates every output as a small plan does", "[large]") {
  // Enough scalar outputs to pass large_plan, with tensor nodes among them (the blocks of general
  // instructions rather than scalar codes), and outputs that repeat and share nodes.
  constexpr auto v = state_vector<3, 10>;
  constexpr auto big = big_plan(std::make_index_sequence<N>{}, v);
  using Big = std::remove_cvref_t<decltype(big)>;
  STATIC_REQUIRE(Big::blocked);
  STATIC_REQUIRE(!std::is_base_of_v<detail::scalar_plan<typename Big::index::roots>, Big>);
  std::array<double, N> z{};
  for (std::size_t i = 0; i < N; ++i) z[i] = std::cos(0.3 * static_cast<double>(i));
  const std::array<double, 1> theta{0.7};
  const context<double> c{z.data(), nullptr, theta.data(), nullptr, 0.0};
  std::array<double, N + 6> got{};
  std::size_t k = 0;
  Big::run(c, [&](auto i, const auto& value) {
    constexpr std::size_t out = decltype(i)::value;
    if constexpr (out == N + 2) {
      for (std::size_t j = 0; j < 3; ++j) got[N + 2 + j] = value[j];
    } else if constexpr (out == N + 3) {
      got[N + 5] = value;
    } else {
      got[out] = value;
    }
    ++k;
  });
  CHECK(k == N + 4);
  const auto one = [&](auto e) { return evaluate<double>(e, c); };
  CHECK(got[0] == Approx(one(l96_equation<0>())).epsilon(1e-15));
  CHECK(got[1] == Approx(one(l96_equation<1>())).epsilon(1e-15));
  CHECK(got[N - 1] == Approx(one(l96_equation<N - 1>())).epsilon(1e-15));
  CHECK(got[N] == Approx(one(chain_loss)).epsilon(1e-14));
  CHECK(got[N + 1] == Approx(one(sum(exp(v) * state<0>))).epsilon(1e-14));
  for (std::size_t j = 0; j < 3; ++j) CHECK(got[N + 2 + j] == Approx(std::tanh(z[10 + j]) * z[1]).epsilon(1e-15));
  CHECK(got[N + 5] == got[0]);
}

TEST_CASE("a large plan of scalar nodes evaluates every output as a small plan does", "[large]") {
  using Big = std::remove_cvref_t<decltype(scalar_big_plan(std::make_index_sequence<N>{}))>;
  STATIC_REQUIRE(Big::blocked);
  STATIC_REQUIRE(Big::outputs == N + 3);
  std::array<double, N> z{};
  for (std::size_t i = 0; i < N; ++i) z[i] = std::sin(0.7 * static_cast<double>(i) + 0.2);
  const std::array<double, 1> theta{0.3};
  const context<double> c{z.data(), nullptr, theta.data(), nullptr, 0.0};
  const auto one = [&](auto e) { return evaluate<double>(e, c); };
  const auto expected = [&](std::size_t i) {
    const double x = z[i], xn = z[(i + 1) % N];
    return std::exp(-0.5 * x) * std::sin(xn + theta[0]) - x / (1.0 + x * x) + 2.0;
  };

  // Through a sink, output by output.
  std::array<double, N + 3> got{};
  Big::run(c, [&](auto i, double value) { got[decltype(i)::value] = value; });
  for (std::size_t i = 0; i < N; ++i) CHECK(got[i] == Approx(expected(i)).epsilon(1e-14));
  CHECK(got[1] == Approx(one(g_equation<1>())).epsilon(1e-15));
  CHECK(got[N] == z[0]);
  CHECK(got[N + 1] == 1.5);
  CHECK(got[N + 2] == got[0]);

  // Straight to destinations: stored, added, and skipped where the destination is null.
  using D = detail::put_mode;
  using dests = decltype([]<std::size_t... I>(std::index_sequence<I...>) {
    return detail::tlist<detail::out<0, I, shape<>, (I % 2 == 0 ? D::store : D::accumulate)>..., detail::out<1, 0, shape<>, D::store, true>,
                         detail::out<0, N, shape<>, D::accumulate>, detail::out<0, N + 1, shape<>, D::store>>{};
  }(std::make_index_sequence<N>{}));
  std::array<double, N + 2> out{};
  out.fill(10.0);
  double* const bases[2] = {out.data(), nullptr};
  Big::run_direct_to(c, bases, dests{});
  for (std::size_t i = 0; i < N; ++i) CHECK(out[i] == Approx(expected(i) + (i % 2 == 0 ? 0.0 : 10.0)).epsilon(1e-14));
  CHECK(out[N] == Approx(11.5));
  CHECK(out[N + 1] == Approx(expected(0)).epsilon(1e-14));
}
