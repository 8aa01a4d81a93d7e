// The generated header (costate_generate at build time, compiled here with -Werror) against the
// template path: rhs, vjp and jacobian equal to 1e-15 relative on random inputs.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <random>

#include "costate/system/rhs.hpp"
#include "generated_systems.hpp"
#include "tests/codegen/systems.hpp"

using namespace costate;

namespace {
template <class Sys, class Rhs, class Vjp, class Jac>
void compare(Rhs gen_rhs, Vjp gen_vjp, Jac gen_jacobian) {
  constexpr std::size_t n = Sys::states, p = Sys::params;
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> U(-2.0, 2.0);
  double worst = 0;
  const auto rel = [&](double v, double w) { worst = std::max(worst, std::abs(v - w) / std::max(1.0, std::abs(w))); };
  for (int trial = 0; trial < 100; ++trial) {
    std::array<double, n> z, lambda;
    std::array<double, p> theta;
    for (auto& v : z) v = U(rng);
    for (auto& v : lambda) v = U(rng);
    for (auto& v : theta) v = U(rng);
    const double t = U(rng);
    // rhs
    const forward_rhs<Sys, double> f{theta.data(), nullptr};
    std::array<double, n> fz{}, gz{};
    f(z, fz, t);
    gen_rhs(z.data(), theta.data(), nullptr, t, gz.data());
    for (std::size_t i = 0; i < n; ++i) rel(gz[i], fz[i]);
    // vjp: [vz | vθ | vt] from the template plan
    std::array<double, n + p + 1> out{};
    vjp_evaluator<Sys, double>::run(z.data(), lambda.data(), theta.data(), nullptr, t, out.data());
    std::array<double, n> vz{};
    std::array<double, p> vth{};
    double vt = 0;
    gen_vjp(z.data(), lambda.data(), theta.data(), nullptr, t, vz.data(), vth.data(), &vt);
    for (std::size_t i = 0; i < n; ++i) rel(vz[i], out[i]);
    for (std::size_t k = 0; k < p; ++k) rel(vth[k], out[n + k]);
    rel(vt, out[n + p]);
    // jacobian (the template path forms it from unit-seeded VJPs)
    std::array<double, n * n> J{}, G{};
    std::array<double, n> dfdt{};
    f.jacobian(z, J.data(), t, dfdt);
    gen_jacobian(z.data(), theta.data(), nullptr, t, G.data());
    for (std::size_t i = 0; i < n * n; ++i) rel(G[i], J[i]);
  }
  INFO("worst relative difference " << worst);
  CHECK(worst <= 1e-15);
}
}  // namespace

TEST_CASE("generated Lotka-Volterra equals the template path", "[codegen][generated]") {
  static_assert(gen_lv::states == 2 && gen_lv::params == 4);
  compare<system_of_t<decltype(costate_test_systems::lotka_volterra)>>(gen_lv::rhs, gen_lv::vjp, gen_lv::jacobian);
}

TEST_CASE("generated forced pendulum (softplus, sigmoid, pow, division) equals the template path", "[codegen][generated]") {
  compare<system_of_t<decltype(costate_test_systems::pendulum)>>(gen_pendulum::rhs, gen_pendulum::vjp,
                                                                  gen_pendulum::jacobian);
}
