// rosenbrock4 with the derived Jacobians: the Robertson problem, forward and gradient.
#include <catch2/catch.hpp>

#include <array>
#include <boost/numeric/odeint/stepper/rosenbrock4.hpp>
#include <cmath>

#include "costate/check/check_gradient.hpp"
#include "costate/expr/constant.hpp"
#include "costate/expr/operators.hpp"
#include "costate/expr/symbol.hpp"
#include "costate/solve/dense_lu.hpp"
#include "costate/solve/gradient.hpp"
#include "costate/solve/rosenbrock.hpp"
#include "costate/solve/solve.hpp"
#include "costate/system/loss.hpp"
#include "stiff_problems.hpp"

using namespace costate;

using namespace robertson_problem;

TEST_CASE("the coefficients are odeint's, except d4's sign", "[rosenbrock]") {
  const boost::numeric::odeint::default_rosenbrock_coefficients<double> o;
  using k = detail::rosenbrock4_coefficients;
  CHECK(k::d4 == -o.d4);
  const double ours[] = {k::gamma, k::d1, k::d2, k::d3, k::c2, k::c3, k::c4, k::c21, k::a21, k::c31, k::c32, k::a31,
                         k::a32, k::c41, k::c42, k::c43, k::a41, k::a42, k::a43, k::c51, k::c52, k::c53, k::c54, k::a51,
                         k::a52, k::a53, k::a54, k::c61, k::c62, k::c63, k::c64, k::c65};
  const double theirs[] = {o.gamma, o.d1, o.d2, o.d3, o.c2, o.c3, o.c4, o.c21, o.a21, o.c31, o.c32, o.a31,
                           o.a32, o.c41, o.c42, o.c43, o.a41, o.a42, o.a43, o.c51, o.c52, o.c53, o.c54, o.a51,
                           o.a52, o.a53, o.a54, o.c61, o.c62, o.c63, o.c64, o.c65};
  for (std::size_t i = 0; i < std::size(ours); ++i) CHECK(ours[i] == theirs[i]);
  CHECK(k::stepper_order == int(o.stepper_order));
  CHECK(k::error_order == int(o.error_order));
}

TEST_CASE("forward_rhs::jacobian is the derived ∂f/∂z and ∂f/∂t", "[rosenbrock]") {
  const forward_rhs<system_of_t<decltype(robertson)>, double> f{th.data(), nullptr};
  const std::array z{0.9, 2e-5, 0.1};
  std::array<double, 9> J{};
  std::array<double, 3> dfdt{};
  f.jacobian(z, J.data(), 0.0, dfdt);
  const std::array<double, 9> expect{-th[0], th[2] * z[2], th[2] * z[1],
                                     th[0], -th[2] * z[2] - 2 * th[1] * z[1], -th[2] * z[1],
                                     0.0, 2 * th[1] * z[1], 0.0};
  for (std::size_t i = 0; i < 9; ++i) CHECK(J[i] == Approx(expect[i]).margin(1e-12));
  CHECK(dfdt == std::array{0.0, 0.0, 0.0});
}

namespace {
using stiff_test::forced;
}  // namespace

TEST_CASE("rosenbrock4 keeps its order on time-dependent problems (d4 = -0.0362)", "[rosenbrock]") {
  for (const double K : {0.0, 1000.0}) {
    std::array<double, 1> x{1.0};
    const auto st = detail::integrate(rosenbrock4{}, forced{K}, x, 0.0, 10.0, {1e-8, 1e-8}, 1'000'000, "forward",
                                      detail::no_observer{});
    INFO("K = " << K << ": " << st.steps << " steps, error " << x[0] - std::cos(10.0));
    CHECK(std::abs(x[0] - std::cos(10.0)) < 1e-8);
    CHECK(st.steps < 5000);  // with odeint's d4 = +0.0362: 5866 (K = 0) and 182500 (K = 1000) steps
  }
}

TEST_CASE("Robertson on [0, 40] with rosenbrock4: the solution and the gradient", "[rosenbrock]") {
  // atol 1e-16: y2 ~ 1e-5, and dL/dt1 = λᵀf(z(t1)) weighs y2' (a difference of terms 3000 times larger)
  // by 1e4; at atol 1e-14 its forward error alone is 1.3e-5 relative.
  const auto o = options<rosenbrock4>{.rtol = 1e-10, .atol = 1e-16};
  const auto s = solve(robertson, z0, th, {0.0, 40.0}, o);
  // Reference values at t = 40 (Hairer & Wanner, Solving ODEs II, IV.10).
  CHECK(s.final_state()[0] == Approx(0.7158270687193).epsilon(1e-7));
  CHECK(s.final_state()[1] == Approx(9.185534764e-6).epsilon(1e-6));
  CHECK(s.final_state()[2] == Approx(0.2841637457).epsilon(1e-7));
  CHECK(s.stats.jacobian_evals == s.stats.steps + s.stats.rejected);
  CHECK(s.stats.steps < 20000);  // explicit steppers need millions (stability, not accuracy)

  const auto loss = terminal_loss(c1 + 1e4_c * c2 + 0.5_c * c3 * c3);
  // Relative step 1e-5: the default 1e-3 moves y2(0) = 0 to -2e-3, where Robertson blows up.
  const auto r = check_gradient(robertson, z0, th, {0.0, 40.0}, loss, o,
                                {.relative_step = 1e-5, .fd_rtol = 1e-12, .fd_atol = 1e-18});
  INFO(r);
  CHECK(r.max_error_fd <= 1e-5);
  const auto g = gradient(robertson, z0, th, {0.0, 40.0}, loss, o);
  CHECK(g.stats.backward.jacobian_evals > 0);
  CHECK(g.dt0 == Approx(-g.dt1).epsilon(1e-5));
}

TEST_CASE("Robertson's adjoint starts at t1 = 40 even with a tiny atol", "[rosenbrock]") {
  // The starting-step heuristic gave ~2·atol for the adjoint (g_θ starts at 0 with a non-zero slope),
  // below what t = 40 can resolve: a false "step size underflow" before the first step.
  const auto loss = terminal_loss(c1 + 1e4_c * c2);
  for (const double atol : {1e-14, 1e-16}) {
    const auto g = gradient(robertson, z0, th, {0.0, 40.0}, loss, options<rosenbrock4>{.rtol = 1e-6, .atol = atol});
    CHECK(std::isfinite(g.dtheta[1]));
    CHECK(g.stats.backward.steps > 0);
  }
}

TEST_CASE("the LU solve is right when a later column pivots (a quadrature state beside Robertson)", "[rosenbrock]") {
  // q' = y3 does not feed back, so Robertson's steps are the same with it. Its row makes column 3
  // of W = I/(γh) − J pivot once γh > 1, after earlier columns have multipliers: a solve that applied
  // the row swaps out of order returned wrong stages there (5× the steps, q off by 6e-5).
  constexpr auto with_q = ode(-k1 * c1 + k3 * c2 * c3, k1 * c1 - k3 * c2 * c3 - k2 * c2 * c2, k2 * c2 * c2, c3);
  const auto o = options<rosenbrock4>{.rtol = 1e-6, .atol = 1e-14};
  const auto plain = solve(robertson, z0, th, {0.0, 4e7}, o);
  const auto aug = solve(with_q, std::array{1.0, 0.0, 0.0, 0.0}, th, {0.0, 4e7}, o);
  INFO(plain.stats.steps << " steps without q, " << aug.stats.steps << " with");
  CHECK(aug.stats.steps <= plain.stats.steps * 11 / 10);
  CHECK(aug.final_state()[3] == Approx(3.998253e7).epsilon(1e-6));  // ∫y3 over [0, 4e7], converged value
  // And the solve itself, on a matrix whose third column pivots after the first two have multipliers.
  const std::array<double, 16> W{4, 1, 2, 0, 2, 3, 1, 0, 0, 0.5, 0.25, 0, 1, 0, 3, 5};
  detail::dense_lu<4> lu;
  for (std::size_t i = 0; i < 16; ++i) lu.data()[i] = -W[i];  // shift·I − J with J = −W, shift 0
  lu.factorise_shifted(0.0);
  const std::array<double, 4> xs{1, -2, 3, 0.5};
  std::array<double, 4> rhs{};
  for (std::size_t r = 0; r < 4; ++r)
    for (std::size_t c = 0; c < 4; ++c) rhs[r] += W[r * 4 + c] * xs[c];
  lu.solve(rhs);
  for (std::size_t i = 0; i < 4; ++i) CHECK(rhs[i] == Approx(xs[i]).margin(1e-13));
}

TEST_CASE("SUNDIALS' cvsRoberts_ASAi_dns: dG/dp and dG/dy0 of G = ∫ y3 dt over [0, 4e7] match the published output",
          "[rosenbrock][published]") {
  // examples/cvodes/serial/cvsRoberts_ASAi_dns.c and .out (LLNL/sundials): p = (0.04, 1e4, 3e7) in
  // y1' = -p1 y1 + p2 y2 y3, y2' = p1 y1 - p2 y2 y3 - p3 y2², y3' = p3 y2²; CVODES (BDF, rtol 1e-6,
  // atol (1e-8, 1e-14, 1e-6)) prints G = 3.9983e+07, dG/dp = (7.6842e+05, -3.0691e+00, 5.1144e-04),
  // λ(t0) = (3.9967e+07, 3.9967e+07, 3.9967e+07). Its own error is ~5e-5 (the converged dG/dp1 is
  // 7.68377e+05), so five printed digits are matched to 1e-4.
  constexpr auto rob = ode(-k1 * c1 + k2 * c2 * c3, k1 * c1 - k2 * c2 * c3 - k3 * c2 * c2, k3 * c2 * c2);
  const std::array p{0.04, 1e4, 3e7};
  const auto g = gradient(rob, z0, p, {0.0, 4e7}, running_loss(c3),
                          options<rosenbrock4>{.rtol = 1e-9, .atol = {1e-11, 1e-17, 1e-9}, .adjoint_atol = 1e-11,
                                               .quadrature_atol = 1e-9});
  INFO("steps forward " << g.stats.forward.steps << ", backward " << g.stats.backward.steps);
  CHECK(g.loss == Approx(3.9983e7).epsilon(1.3e-5));
  CHECK(g.dtheta[0] == Approx(7.6842e5).epsilon(1e-4));
  CHECK(g.dtheta[1] == Approx(-3.0691).epsilon(1e-4));
  CHECK(g.dtheta[2] == Approx(5.1144e-4).epsilon(1e-4));
  for (const double l : g.dz0) CHECK(l == Approx(3.9967e7).epsilon(1.3e-5));
  // The converged values (rtol 1e-10 … 1e-12, atol 1e-8 rtol, all digits shown agree) to 1e-5.
  CHECK(g.dtheta[0] == Approx(7.683773e5).epsilon(1e-5));
  CHECK(g.dtheta[1] == Approx(-3.068921).epsilon(1e-5));
  CHECK(g.dtheta[2] == Approx(5.114890e-4).epsilon(1e-5));
}

TEST_CASE("dense_lu solves systems whose pivoting swaps rows after the first column", "[rosenbrock]") {
  // W = [[2, 1, 1], [4, 3, 3], [8, 7, 9]]: column 0 pivots on row 2, column 1 on the row that started
  // as row 0. The solve once applied each interchange between the eliminations while the
  // factorisation had already moved the multipliers to their final rows: (−23.5, 69.4, −27.6) here,
  // and on the stiff systems where 1/(γh) falls below the couplings, errors of 1e-2 relative.
  const double W[9] = {2, 1, 1, 4, 3, 3, 8, 7, 9};
  detail::dense_lu<3> lu;
  for (std::size_t i = 0; i < 9; ++i) lu.data()[i] = -W[i];  // it factorises shift·I − J; J = −W, shift 0
  lu.factorise_shifted(0.0);
  std::array<double, 3> b{7.0, 19.0, 49.0};  // W · (1, 2, 3)
  lu.solve(b);
  CHECK(b[0] == Approx(1.0).epsilon(1e-14));
  CHECK(b[1] == Approx(2.0).epsilon(1e-14));
  CHECK(b[2] == Approx(3.0).epsilon(1e-14));
}

TEST_CASE("rosenbrock4 on Robertson with a running loss over [0, 4e7] (SUNDIALS' cvsRoberts_ASAi_dns)", "[rosenbrock]") {
  // G = ∫ y3 dt. The quadrature's row takes the pivot of y3's column once 1/(γh) < 1: with the solve
  // above misapplying that interchange, dG/dθ was off by 19 % and 300 % at rtol 1e-6.
  // Reference: rosenbrock4 at rtol 1e-12, atol 1e-20 (7.6837732675e5, 5.1148899784e-4, -3.0689209197).
  const std::array ref{7.6837733e5, 5.1148900e-4, -3.0689209};
  const auto g = gradient(robertson, z0, th, {0.0, 4e7}, running_loss(c3), options<rosenbrock4>{.rtol = 1e-6, .atol = 1e-14});
  INFO("dG/dθ = " << g.dtheta[0] << ", " << g.dtheta[1] << ", " << g.dtheta[2] << "; steps " << g.stats.forward.steps
                  << " + " << g.stats.backward.steps);
  for (std::size_t k = 0; k < 3; ++k) CHECK(g.dtheta[k] == Approx(ref[k]).epsilon(2e-2));  // 5e-3 now
}
