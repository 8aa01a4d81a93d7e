// The generated header (costate_generate at build time, compiled here with -Werror) against the
// template path: rhs, vjp and jacobian equal to 1e-15 relative on random inputs.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <random>

#include "costate/check/check_gradient.hpp"
#include "costate/solve/gradient.hpp"
#include "costate/solve/rosenbrock.hpp"
#include "costate/solve/solve.hpp"
#include "costate/system/generated.hpp"
#include "costate/system/rhs.hpp"
#include "generated_systems.hpp"
#include "tests/codegen/systems.hpp"

using namespace costate;

namespace {
// The largest relative difference between the generated functions and the template path over 100
// random (z, λ, θ, u, t).
template <class Sys, class Rhs, class Vjp, class Jac>
double compare(Rhs gen_rhs, Vjp gen_vjp, Jac gen_jacobian) {
  constexpr std::size_t n = Sys::states, p = Sys::params, m = Sys::inputs;
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> U(-2.0, 2.0);
  double worst = 0;
  const auto rel = [&](double v, double w) { worst = std::max(worst, std::abs(v - w) / std::max(1.0, std::abs(w))); };
  for (int trial = 0; trial < 100; ++trial) {
    std::array<double, n> z, lambda;
    std::array<double, p + 1> theta;  // + 1: no zero-length arrays for systems without parameters
    std::array<double, m + 1> u;
    for (auto& v : z) v = U(rng);
    for (auto& v : lambda) v = U(rng);
    for (auto& v : theta) v = U(rng);
    for (auto& v : u) v = U(rng);
    const double t = U(rng);
    // rhs
    const forward_rhs<Sys, double> f{theta.data(), u.data()};
    std::array<double, n> fz{}, gz{};
    f(z, fz, t);
    gen_rhs(z.data(), theta.data(), u.data(), t, gz.data());
    for (std::size_t i = 0; i < n; ++i) rel(gz[i], fz[i]);
    // vjp: [vz | vθ | vt] from the template plan
    std::array<double, n + p + 1> out{};
    vjp_evaluator<Sys, double>::run(z.data(), lambda.data(), theta.data(), u.data(), t, out.data());
    std::array<double, n> vz{};
    std::array<double, p + 1> vth{};
    double vt = 0;
    gen_vjp(z.data(), lambda.data(), theta.data(), u.data(), t, vz.data(), vth.data(), &vt);
    for (std::size_t i = 0; i < n; ++i) rel(vz[i], out[i]);
    for (std::size_t k = 0; k < p; ++k) rel(vth[k], out[n + k]);
    rel(vt, out[n + p]);
    // jacobian (the template path forms it from unit-seeded VJPs)
    std::array<double, n * n> J{}, G{};
    std::array<double, n> dfdt{};
    f.jacobian(z, J.data(), t, dfdt);
    gen_jacobian(z.data(), theta.data(), u.data(), t, G.data());
    for (std::size_t i = 0; i < n * n; ++i) rel(G[i], J[i]);
  }
  return worst;
}

// The same for a terminal loss: value and gradient (which adds into what dz and dθ hold).
template <class Lo, std::size_t n, std::size_t p, std::size_t m, class Value, class Gradient>
double compare_loss(Value gen_value, Gradient gen_gradient) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> U(-2.0, 2.0);
  double worst = 0;
  const auto rel = [&](double v, double w) { worst = std::max(worst, std::abs(v - w) / std::max(1.0, std::abs(w))); };
  for (int trial = 0; trial < 100; ++trial) {
    std::array<double, n> z, dz, gz;
    std::array<double, p + 1> th, dth, gth;
    std::array<double, m + 1> u;
    for (auto& v : z) v = U(rng);
    for (auto& v : th) v = U(rng);
    for (auto& v : u) v = U(rng);
    for (auto& v : dz) v = U(rng);
    for (auto& v : dth) v = U(rng);
    gz = dz;
    gth = dth;
    const double l = detail::point_loss<Lo>(z.data(), th.data(), u.data(), 0.0, dz.data(), dth.data());
    rel(gen_gradient(z.data(), th.data(), u.data(), gz.data(), gth.data()), l);
    rel(gen_value(z.data(), th.data(), u.data()), l);
    for (std::size_t i = 0; i < n; ++i) rel(gz[i], dz[i]);
    for (std::size_t k = 0; k < p; ++k) rel(gth[k], dth[k]);
  }
  return worst;
}
}  // namespace

TEST_CASE("generated Lotka-Volterra equals the template path", "[codegen][generated]") {
  static_assert(gen_lv::states == 2 && gen_lv::params == 4);
  CHECK(compare<system_of_t<decltype(costate_test_systems::lotka_volterra)>>(gen_lv::rhs, gen_lv::vjp, gen_lv::jacobian) <= 1e-15);
}

TEST_CASE("generated forced pendulum (softplus, sigmoid, pow, division) equals the template path", "[codegen][generated]") {
  CHECK(compare<system_of_t<decltype(costate_test_systems::pendulum)>>(gen_pendulum::rhs, gen_pendulum::vjp,
                                                                        gen_pendulum::jacobian) <= 1e-15);
}

TEST_CASE("generated MLP neural ODE (tensor operations written out) equals the template path", "[codegen][generated]") {
  static_assert(gen_mlp::states == 2 && gen_mlp::params == 5 * 16 + 2);
  // The same operations in the same order: equal to the last bit.
  CHECK(compare<system_of_t<decltype(costate_test_systems::mlp)>>(gen_mlp::rhs, gen_mlp::vjp, gen_mlp::jacobian) == 0.0);
  using Lo = std::remove_cvref_t<decltype(costate_test_systems::mlp_loss)>;
  CHECK(compare_loss<Lo, 2, 82, 0>(gen_mlp::loss_value, gen_mlp::loss_gradient) == 0.0);
}

TEST_CASE("generated corner cases equal the template path to the last bit", "[codegen][generated]") {
  using namespace costate_test_systems;
  // Inputs, t, integer powers, concat and slice, a VJP that is a scalar zero for a vector.
  static_assert(gen_zoo::states == 3 && gen_zoo::params == 15 && gen_zoo::inputs == 4);
  CHECK(compare<system_of_t<decltype(tensor_zoo)>>(gen_zoo::rhs, gen_zoo::vjp, gen_zoo::jacobian) == 0.0);
  using Lo = std::remove_cvref_t<decltype(zoo_loss)>;
  CHECK(compare_loss<Lo, 3, 6, 3>(gen_zoo::loss_value, gen_zoo::loss_gradient) == 0.0);
  // Scalar outputs made with tensor operations; a system without parameters.
  CHECK(compare<system_of_t<decltype(scalar_outputs)>>(gen_scalar_outputs::rhs, gen_scalar_outputs::vjp,
                                                       gen_scalar_outputs::jacobian) == 0.0);
  CHECK(compare<system_of_t<decltype(no_params)>>(gen_no_params::rhs, gen_no_params::vjp, gen_no_params::jacobian) == 0.0);
  // Grid operations along both axes (index maps and loops), an input matrix, value-by-value products.
  static_assert(gen_grid::states == 12 && gen_grid::params == 2 && gen_grid::inputs == 12);
  CHECK(compare<system_of_t<decltype(grid_ops)>>(gen_grid::rhs, gen_grid::vjp, gen_grid::jacobian) == 0.0);
  CHECK(compare_loss<std::remove_cvref_t<decltype(grid_loss)>, 12, 2, 12>(gen_grid::loss_value, gen_grid::loss_gradient) == 0.0);
  // Small systems are inlined into the stepper, large ones called out of line.
  static_assert(!detail::call_out_of_line<gen_lv::system> && detail::call_out_of_line<gen_mlp::system>);
}

TEST_CASE("gradient() with a generated header gives the template path's gradient", "[codegen][generated]") {
  using namespace costate_test_systems;
  const std::array z0{1.0, 1.0};
  const std::array th{1.5, 1.0, 3.0, 1.0};
  const auto loss = terminal_loss(0.5_c * (x * x + y * y));
  const auto close = [](const auto& g, const auto& h, double tol) {
    for (std::size_t k = 0; k < 4; ++k) CHECK(g.dtheta[k] == Approx(h.dtheta[k]).epsilon(tol));
    for (std::size_t i = 0; i < 2; ++i) CHECK(g.dz0[i] == Approx(h.dz0[i]).epsilon(tol));
    CHECK(g.dt0 == Approx(h.dt0).epsilon(tol));
    CHECK(g.loss == Approx(h.loss).epsilon(tol));
  };
  // The same fixed steps on both sides: equal up to rounding.
  for (const adjoint_method m : {adjoint_method(checkpointed{}), adjoint_method(backsolve{})}) {
    const auto o = options<rk4, adjoint_method>{.stepper = {.dt = 1e-3}, .adjoint = m};
    close(gradient(generated<gen_lv::system>, z0, th, {0.0, 10.0}, loss, o), gradient(lotka_volterra, z0, th, {0.0, 10.0}, loss, o),
          1e-12);
  }
  // Adaptive steps may differ by rounding: equal to the tolerance.
  const auto tight = options<>{.rtol = 1e-11, .atol = 1e-11};
  close(gradient(generated<gen_lv::system>, z0, th, {0.0, 10.0}, loss, tight),
        gradient(lotka_volterra, z0, th, {0.0, 10.0}, loss, tight), 1e-8);
  // Observations, and rosenbrock4 (the generated Jacobian) on the time-dependent pendulum.
  const auto obs = observations(x * x + 0.5_c * y, std::vector{1.0, 2.5, 4.0});
  close(gradient(generated<gen_lv::system>, z0, th, {0.0, 5.0}, obs, tight), gradient(lotka_volterra, z0, th, {0.0, 5.0}, obs, tight),
        1e-8);
  const auto ro = options<rosenbrock4>{.rtol = 1e-10, .atol = 1e-10};
  close(gradient(generated<gen_pendulum::system>, std::array{0.5, 0.0}, th, {0.0, 3.0}, loss, ro),
        gradient(pendulum, std::array{0.5, 0.0}, th, {0.0, 3.0}, loss, ro), 1e-7);
}

TEST_CASE("gradient, solve and check_gradient on a generated neural ODE", "[codegen][generated]") {
  using namespace costate_test_systems;
  std::mt19937 rng(5);
  std::normal_distribution<double> N(0.0, 0.3);
  std::array<double, 82> th{};
  for (auto& v : th) v = N(rng);
  const std::array z0{1.0, -0.5};
  const auto& loss = mlp_loss;
  // rk4: the same steps, and (bitwise equal right-hand sides) the same numbers.
  const auto o = options<rk4>{.stepper = {.dt = 1e-2}};
  const auto g = gradient(generated<gen_mlp::system>, z0, th, {0.0, 1.0}, loss, o);
  const auto h = gradient(mlp, z0, th, {0.0, 1.0}, loss, o);
  for (std::size_t k = 0; k < th.size(); ++k) CHECK(g.dtheta[k] == Approx(h.dtheta[k]).epsilon(1e-13).margin(1e-15));
  CHECK(g.dz0[0] == Approx(h.dz0[0]).epsilon(1e-13));
  CHECK(g.dt1 == Approx(h.dt1).epsilon(1e-13));

  const auto s = solve(generated<gen_mlp::system>, z0, th, {0.0, 1.0}, o);
  const auto r = solve(mlp, z0, th, {0.0, 1.0}, o);
  REQUIRE(s.z.size() == r.z.size());
  CHECK(s.final_state()[0] == r.final_state()[0]);
  CHECK(s.final_state()[1] == r.final_state()[1]);

  const auto c = check_gradient(generated<gen_mlp::system>, z0, th, {0.0, 1.0}, loss, options<>{.rtol = 1e-10, .atol = 1e-10});
  INFO(c);
  CHECK(c.max_error_fd < 1e-6);
  CHECK(std::isnan(c.entries.front().complex_step));  // no complex step through double-only functions
}

TEST_CASE("a generated terminal loss equals the expression's value and gradient", "[codegen][generated]") {
  using namespace costate_test_systems;
  using Lo = std::remove_cvref_t<decltype(lv_loss)>;
  CHECK(compare_loss<Lo, 2, 5, 0>(gen_lv::loss_value, gen_lv::loss_gradient) <= 1e-15);
  static_assert(gen_lv::terminal_loss::params == 5 && gen_mlp::terminal_loss::params == 0);

  // Through gradient and check_gradient: the loss's own parameter θ4 gets its derivative too.
  const std::array z0{1.0, 1.0};
  const std::array th{1.5, 1.0, 3.0, 1.0, 0.3};
  const auto o = options<rk4>{.stepper = {.dt = 1e-3}};
  const auto g = gradient(generated<gen_lv::system>, z0, th, {0.0, 10.0}, generated_loss<gen_lv::terminal_loss>, o);
  const auto h = gradient(lotka_volterra, z0, th, {0.0, 10.0}, lv_loss, o);
  CHECK(g.loss == Approx(h.loss).epsilon(1e-14));
  for (std::size_t k = 0; k < 5; ++k) CHECK(g.dtheta[k] == Approx(h.dtheta[k]).epsilon(1e-12));
  for (std::size_t i = 0; i < 2; ++i) CHECK(g.dz0[i] == Approx(h.dz0[i]).epsilon(1e-12));
  CHECK(g.dt1 == Approx(h.dt1).epsilon(1e-12));
  const auto c = check_gradient(generated<gen_lv::system>, z0, th, {0.0, 10.0}, generated_loss<gen_lv::terminal_loss>,
                                options<>{.rtol = 1e-10, .atol = 1e-10}, {.relative_step = 1e-4});
  INFO(c);
  CHECK(c.max_error_fd < 1e-6);
}

TEST_CASE("a generated system with inputs: with_inputs, generated loss, gradient", "[codegen][generated]") {
  using namespace costate_test_systems;
  const std::array<double, 4> u{0.3, -0.2, 0.1, 0.5};
  std::array<double, 15> th{};
  for (std::size_t k = 0; k < th.size(); ++k) th[k] = 0.1 * static_cast<double>(k % 5) - 0.2;
  const std::array z0{0.2, -0.1, 0.3};
  const auto o = options<rk4>{.stepper = {.dt = 1e-2}};
  const auto g = gradient(generated<gen_zoo::system>.with_inputs(u), z0, th, {0.0, 0.5}, generated_loss<gen_zoo::terminal_loss>, o);
  const auto h = gradient(tensor_zoo.with_inputs(u), z0, th, {0.0, 0.5}, zoo_loss, o);
  CHECK(g.loss == Approx(h.loss).epsilon(1e-13));
  for (std::size_t k = 0; k < th.size(); ++k) CHECK(g.dtheta[k] == Approx(h.dtheta[k]).epsilon(1e-12).margin(1e-14));
  for (std::size_t i = 0; i < 3; ++i) CHECK(g.dz0[i] == Approx(h.dz0[i]).epsilon(1e-12).margin(1e-14));
  CHECK(g.dt0 == Approx(h.dt0).epsilon(1e-12).margin(1e-14));
  CHECK(g.dt1 == Approx(h.dt1).epsilon(1e-12).margin(1e-14));
}
