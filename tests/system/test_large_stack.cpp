// A gradient whose passes need more stack than a thread usually has (detail::on_stack_for): a
// 100×100 grid, about 9 MB of arrays along its call chain, against the 8 MiB main stack ctest gives.
// Without a stack of its own it crashes; with one it must give the closed-form gradient, and its
// errors must reach the caller as costate::error.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <optional>
#include <type_traits>
#include <thread>

#include "costate/costate.hpp"

using namespace costate::prelude;

namespace {
constexpr std::size_t R = 100, C = 100, n = R * C;
constexpr auto u = state_matrix<R, C>;
constexpr auto D = param<0>;
// Periodic diffusion keeps the total: L = Σ u(t1) = Σ u(0), so dL/dz0 = 1 everywhere and dL/dD = 0.
constexpr auto diffusion = ode(D * (roll<1, 0>(u) + roll<-1, 0>(u) + roll<1, 1>(u) + roll<-1, 1>(u) - 4_c * u));
constexpr auto mass = terminal_loss(sum(u));
static_assert(costate::detail::stack_estimate(2 * (n + 1) + 1 + 1) > costate::detail::inline_stack_bytes,
              "the test must exercise the gradient's own stack");
}  // namespace

TEST_CASE("a 100x100 grid's gradient runs on a stack of its own and keeps the total's closed form", "[grid][large]") {
  static std::array<double, n> z0;
  for (std::size_t i = 0; i < n; ++i) z0[i] = 1.0 + 0.5 * std::sin(0.37 * static_cast<double>(i));
  const std::array<double, 1> theta{0.2};
  const auto g = gradient(diffusion, z0, theta, {0.0, 0.5}, mass, options<>{.rtol = 1e-8, .atol = 1e-8});
  double total = 0.0, worst = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    total += z0[i];
    worst = std::max(worst, std::abs(g.dz0[i] - 1.0));
  }
  CHECK(g.loss == Approx(total).epsilon(1e-10));
  CHECK(worst < 1e-10);
  CHECK(std::abs(g.dtheta[0]) < 1e-8 * total);
  CHECK(g.stats.forward.steps > 0);

  // The calling thread keeps the stack block, and the dense output's block goes back to a pool: the
  // next gradient reuses both (pages marked free in between), from this thread and from another one
  // (whose block goes when it ends), and must compute the same numbers bit for bit.
  REQUIRE(g.stats.in_memory_steps * (3 + 6 * n) * sizeof(double) > (std::size_t{2} << 20));  // a pooled block
  const auto same = [&](const auto& h) {
    CHECK(h.loss == g.loss);
    CHECK(h.dz0 == g.dz0);
    CHECK(h.dtheta == g.dtheta);
    CHECK(h.stats.forward.steps == g.stats.forward.steps);
    CHECK(h.stats.backward.steps == g.stats.backward.steps);
  };
  same(gradient(diffusion, z0, theta, {0.0, 0.5}, mass, options<>{.rtol = 1e-8, .atol = 1e-8}));
  std::optional<std::remove_cvref_t<decltype(g)>> from_other;  // (Catch's assertions are for the test's own thread)
  std::thread other([&] { from_other = gradient(diffusion, z0, theta, {0.0, 0.5}, mass, options<>{.rtol = 1e-8, .atol = 1e-8}); });
  other.join();
  REQUIRE(from_other);
  same(*from_other);
  same(gradient(diffusion, z0, theta, {0.0, 0.5}, mass, options<>{.rtol = 1e-8, .atol = 1e-8}));
}

TEST_CASE("a large system's gradient reports its errors as costate::error from its own stack", "[grid][large]") {
  static std::array<double, n> z0;
  z0.fill(1.0);
  z0[17] = 2.0;
  const std::array<double, 1> theta{50.0};
  // Far too few steps for a stiff diffusion with dopri5: the forward pass fails inside the thread.
  CHECK_THROWS_AS(gradient(diffusion, z0, theta, {0.0, 1.0}, mass, options<>{.rtol = 1e-8, .atol = 1e-8, .max_steps = 20}),
                  costate::error);
}
