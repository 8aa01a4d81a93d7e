// rodas5p (solve/rodas5p.hpp): order, stiff decay, dense output, the stiff test problems against
// published reference values, and gradients.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "costate/check/check_gradient.hpp"
#include "costate/error.hpp"
#include "costate/expr/constant.hpp"
#include "costate/expr/operators.hpp"
#include "costate/expr/symbol.hpp"
#include "costate/solve/dense.hpp"
#include "costate/solve/gradient.hpp"
#include "costate/solve/rodas5p.hpp"
#include "costate/solve/rosenbrock.hpp"
#include "costate/solve/solve.hpp"
#include "costate/system/loss.hpp"
#include "stiff_problems.hpp"

using namespace costate;

namespace {
using stiff_test::forced;

using driver = detail::adaptive_stepper<rodas5p, std::array<double, 1>>;

// n equal steps of rodas5p over [0, T] from y(0) = 1: the error at T.
double fixed_steps(double K, int n, double T) {
  const forced f0{K};
  std::size_t evals = 0;
  detail::counted<forced> f{f0, evals};
  driver st;
  pass_stats stats;
  std::array<double, 1> x{1.0}, dx{}, xn{}, dxn{}, err{};
  const double h = T / n;
  for (int k = 0; k < n; ++k) {
    const double t = k * h;
    f(x, dx, t);
    st.attempt(f, stats, x, dx, t, xn, dxn, h, err);
    x = xn;
  }
  return x[0] - std::cos(T);
}

// The largest error of the recorded dense output at 2000 points per unit time, against cos t.
template <class St>
double dense_error(double K, double tol, std::size_t* steps) {
  detail::dense_segment<1> seg;
  std::array<double, 1> x{1.0};
  const auto st = detail::integrate(St{}, forced{K}, x, 0.0, 10.0, {tol, tol}, 1'000'000, "forward", seg);
  seg.finalize();
  *steps = st.steps;
  double e = 0.0;
  for (int i = 0; i <= 20000; ++i) {
    const double t = 10.0 * i / 20000;
    double z;
    seg(t, &z);
    e = std::max(e, std::abs(z - std::cos(t)));
  }
  return e;
}

// Records into seg, and keeps each step's end.
struct ends {
  static constexpr bool records_steps = true;
  detail::dense_segment<1>* seg;
  std::vector<std::array<double, 2>>* nodes;
  template <class Stepper, class S, class Rhs>
  void record(const Stepper& st, double t0, const S& z0, const S& f0, double t1, const S& z1, const S& f1, double h,
              Rhs& rhs) const {
    seg->record(st, t0, z0, f0, t1, z1, f1, h, rhs);
    nodes->push_back({t1, z1[0]});
  }
};

// record_within(max, ...) until it refuses.
struct within {
  static constexpr bool records_steps = true;
  detail::dense_segment<3>* seg;
  std::size_t max;
  bool* dropped;
  template <class Stepper, class S, class Rhs>
  void record(const Stepper& st, double t0, const S& z0, const S& f0, double t1, const S& z1, const S& f1, double h,
              Rhs& rhs) const {
    if (!*dropped && !seg->record_within(max, st, t0, z0, f0, t1, z1, f1, h, rhs)) *dropped = true;
  }
};

}  // namespace
using namespace robertson_problem;

TEST_CASE("rodas5p is of order 5, stiffly accurate and L-stable", "[rodas5p]") {
  // Non-stiff (K = 0, 1): the global error falls as h⁵ (measured slopes 4.99 .. 5.05).
  for (const double K : {0.0, 1.0}) {
    const double e10 = fixed_steps(K, 10, 2.0), e20 = fixed_steps(K, 20, 2.0), e40 = fixed_steps(K, 40, 2.0);
    INFO("K = " << K << ": errors " << e10 << ", " << e20 << ", " << e40);
    CHECK(std::log2(std::abs(e10 / e20)) == Approx(5.0).margin(0.3));
    CHECK(std::log2(std::abs(e20 / e40)) == Approx(5.0).margin(0.3));
  }
  // Very stiff (K = 1e6, hK ≥ 6e3): errors near 1e-11 already at 10 steps, falling as h³.
  const double s10 = fixed_steps(1e6, 10, 2.0), s40 = fixed_steps(1e6, 40, 2.0);
  INFO("K = 1e6: errors " << s10 << ", " << s40);
  CHECK(std::abs(s10) < 1e-10);
  CHECK(std::abs(s40) < std::abs(s10) / 20);
  // y' = λy with hλ = -1e12 from y = 1: a stiffly accurate, L-stable method returns (almost) 0.
  struct decay {
    void operator()(const std::array<double, 1>& x, std::array<double, 1>& d, double) const { d[0] = -1e12 * x[0]; }
    void jacobian(const std::array<double, 1>&, double* J, double, std::array<double, 1>& dfdt) const {
      J[0] = -1e12;
      dfdt[0] = 0.0;
    }
  };
  const decay f0;
  std::size_t evals = 0;
  detail::counted<decay> f{f0, evals};
  detail::adaptive_stepper<rodas5p, std::array<double, 1>> st;
  pass_stats stats;
  std::array<double, 1> x{1.0}, dx{}, xn{}, dxn{}, err{};
  f(x, dx, 0.0);
  st.attempt(f, stats, x, dx, 0.0, xn, dxn, 1.0, err);
  CHECK(std::abs(xn[0]) < 1e-10);
  CHECK(stats.jacobian_evals == 1);
  CHECK(stats.factorisations == 1);
}

TEST_CASE("rodas5p under error control: error within the tolerance, far fewer steps than rosenbrock4", "[rodas5p]") {
  for (const double K : {0.0, 1000.0}) {
    for (const double tol : {1e-6, 1e-10}) {
      std::array<double, 1> x{1.0}, y{1.0};
      const auto st = detail::integrate(rodas5p{}, forced{K}, x, 0.0, 10.0, {tol, tol}, 1'000'000, "forward",
                                        detail::no_observer{});
      const auto r4 = detail::integrate(rosenbrock4{}, forced{K}, y, 0.0, 10.0, {tol, tol}, 1'000'000, "forward",
                                        detail::no_observer{});
      INFO("K = " << K << ", tol " << tol << ": rodas5p " << st.steps << " steps (" << st.rejected << " rejected), error "
                  << x[0] - std::cos(10.0) << "; rosenbrock4 " << r4.steps << " steps");
      CHECK(std::abs(x[0] - std::cos(10.0)) < 10 * tol);
      // Measured: 36, 184 (K = 0) and 34, 480 (K = 1000) steps; rosenbrock4 102, 968 and 312, 17294.
      CHECK(st.steps < r4.steps);
      CHECK(st.jacobian_evals == st.steps);  // a rejected step keeps its Jacobian
      CHECK(st.factorisations == st.steps + st.rejected);  // and factorises W anew
    }
  }
}

TEST_CASE("rodas5p's dense output: its own continuous extension, far better than Hermite on stiff problems",
          "[rodas5p][dense]") {
  // Measured largest errors between the steps: K = 1000 at tol 1e-6: rodas5p 6.9e-6 (34 steps),
  // rosenbrock4's quintic Hermite interpolant 1.4e-2 (312 steps); at 1e-8: 1.9e-8 and 4.6e-6.
  // K = 0 at 1e-8: 7e-9 and 1.3e-12 (there the Hermite interpolant through rosenbrock4's many more
  // steps is the better one; on a non-stiff problem rodas5p's extension is of order 4).
  for (const double tol : {1e-6, 1e-8}) {
    std::size_t n5 = 0, n4 = 0;
    const double e5 = dense_error<rodas5p>(1000.0, tol, &n5), e4 = dense_error<rosenbrock4>(1000.0, tol, &n4);
    INFO("K = 1000, tol " << tol << ": rodas5p " << e5 << " (" << n5 << " steps), rosenbrock4 " << e4 << " (" << n4
                          << " steps)");
    CHECK(e5 < 10 * tol);
    CHECK(e5 < e4 / 100);
  }
  std::size_t n = 0;
  const double e = dense_error<rodas5p>(0.0, 1e-8, &n);
  INFO("K = 0: " << e << " (" << n << " steps)");
  CHECK(e < 1e-7);
}

TEST_CASE("dense_segment stores rodas5p's extension: exact at the step ends, memory within the budget",
          "[rodas5p][dense]") {
  detail::dense_segment<1> seg;
  std::vector<std::array<double, 2>> nodes;
  std::array<double, 1> x{1.0};
  const auto st =
      detail::integrate(rodas5p{}, forced{1000.0}, x, 0.0, 10.0, {1e-8, 1e-8}, 1'000'000, "forward", ends{&seg, &nodes});
  seg.finalize();
  REQUIRE(seg.steps() == st.steps);
  for (const auto& [tk, zk] : nodes) {
    double v;
    seg(tk, &v);
    CHECK(v == Approx(zk).margin(1e-15));
  }
  // record_within: coefficients only (no points for finalize()), within the budget plus one step.
  detail::dense_segment<3> budgeted;
  std::array<double, 3> y = z0;
  const forward_rhs<system_of_t<decltype(robertson)>, double> f{th.data(), nullptr};
  const std::size_t budget = 100 * detail::dense_segment<3>::stride;
  bool dropped = false;
  detail::integrate(rodas5p{}, f, y, 0.0, 40.0, {1e-8, 1e-14}, 1'000'000, "forward", within{&budgeted, budget, &dropped});
  CHECK(dropped);  // 197 steps do not fit in 100
  CHECK(budgeted.steps() <= 100);
  CHECK(budgeted.allocated() <= budget + detail::dense_segment<3>::stride + 3 * 7);
}

TEST_CASE("Robertson with rodas5p: Hairer & Wanner's and the IVP test set's reference values", "[rodas5p]") {
  // t = 40: Hairer & Wanner, Solving ODEs II, IV.10 (as in test_rosenbrock.cpp).
  const auto s40 = solve(robertson, z0, th, {0.0, 40.0}, options<rodas5p>{.rtol = 1e-10, .atol = 1e-16});
  INFO("[0, 40]: " << s40.stats.steps << " steps, " << s40.stats.rejected << " rejected");  // 1173 (rosenbrock4: 10756)
  CHECK(s40.final_state()[0] == Approx(0.7158270687193).epsilon(1e-9));
  CHECK(s40.final_state()[1] == Approx(9.185534764e-6).epsilon(1e-8));
  CHECK(s40.final_state()[2] == Approx(0.2841637457).epsilon(1e-9));
  CHECK(s40.stats.steps < 2000);
  CHECK(s40.stats.jacobian_evals == s40.stats.steps);

  // t = 1e11: F. Mazzia, C. Magherini, "Test Set for IVP Solvers", problem ROBER (reference solution
  // by RADAU in quadruple precision): y = (0.2083340149701255e-07, 0.8333360770334713e-13, 0.9999999791665050).
  const auto s11 = solve(robertson, z0, th, {0.0, 1e11}, options<rodas5p>{.rtol = 1e-8, .atol = 1e-20});
  INFO("[0, 1e11]: " << s11.stats.steps << " steps, " << s11.stats.rejected << " rejected");
  CHECK(s11.final_state()[0] == Approx(0.2083340149701255e-07).epsilon(1e-6));
  CHECK(s11.final_state()[1] == Approx(0.8333360770334713e-13).epsilon(1e-6));
  CHECK(s11.final_state()[2] == Approx(0.9999999791665050).epsilon(1e-12));
  CHECK(s11.stats.steps < 1500);

  // t = 4e11, four times the test set's span: against rosenbrock4 at rtol 1e-11.
  const auto s4 = solve(robertson, z0, th, {0.0, 4e11}, options<rodas5p>{.rtol = 1e-8, .atol = 1e-20});
  const auto r4 = solve(robertson, z0, th, {0.0, 4e11}, options<rosenbrock4>{.rtol = 1e-11, .atol = 1e-23});
  INFO("[0, 4e11]: rodas5p " << s4.stats.steps << " steps, " << s4.stats.rejected << " rejected; rosenbrock4 at 1e-11: "
                             << r4.stats.steps << " steps");
  for (std::size_t i = 0; i < 3; ++i) CHECK(s4.final_state()[i] == Approx(r4.final_state()[i]).epsilon(1e-6));
  CHECK(s4.stats.steps < 1500);
}

TEST_CASE("Van der Pol with ε = 1e-6 with rodas5p: the IVP test set's reference value", "[rodas5p]") {
  // Mazzia & Magherini's test set, problem VDPOL: y1' = y2, y2' = ((1 - y1²) y2 - y1)/ε on [0, 2],
  // y(0) = (2, 0), reference y(2) = (0.1706167732170483e+01, -0.8928097010247975e+00).
  constexpr auto u = state<0>;
  constexpr auto v = state<1>;
  constexpr auto inv_eps = param<0>;
  constexpr auto vdp = ode(v, ((1_c - u * u) * v - u) * inv_eps);
  const auto s = solve(vdp, std::array{2.0, 0.0}, std::array{1e6}, {0.0, 2.0}, options<rodas5p>{.rtol = 1e-8, .atol = 1e-8});
  INFO(s.stats.steps << " steps, " << s.stats.rejected << " rejected");
  CHECK(s.final_state()[0] == Approx(0.1706167732170483e+01).epsilon(1e-7));  // measured 4.8e-9
  CHECK(s.final_state()[1] == Approx(-0.8928097010247975e+00).epsilon(1e-7));  // 9.8e-9
  CHECK(s.stats.steps < 3000);  // 2170 (rosenbrock4: 5644)
}

TEST_CASE("gradients with rodas5p match finite differences", "[rodas5p]") {
  const auto o = options<rodas5p>{.rtol = 1e-10, .atol = 1e-16};
  SECTION("Robertson on [0, 40], a terminal loss") {
    const auto loss = terminal_loss(c1 + 1e4_c * c2 + 0.5_c * c3 * c3);
    const auto r = check_gradient(robertson, z0, th, {0.0, 40.0}, loss, o,
                                  {.relative_step = 1e-5, .fd_rtol = 1e-12, .fd_atol = 1e-18});
    INFO(r);
    CHECK(r.max_error_fd <= 1e-6);
    const auto g = gradient(robertson, z0, th, {0.0, 40.0}, loss, o);
    CHECK(g.stats.backward.jacobian_evals > 0);
    CHECK(g.dt0 == Approx(-g.dt1).epsilon(1e-6));
  }
  SECTION("Robertson on [0, 1e3], the running loss ∫ y3 dt") {
    const auto r = check_gradient(robertson, z0, th, {0.0, 1e3}, running_loss(c3), o,
                                  {.relative_step = 1e-5, .fd_rtol = 1e-12, .fd_atol = 1e-18});
    INFO(r);
    CHECK(r.max_error_fd <= 1e-6);
  }
  SECTION("the forced problem written as a system, K = 1000") {
    constexpr auto y = state<0>;
    constexpr auto K = param<0>;
    const auto sys = ode(-K * (y - cos(costate::t)) - sin(costate::t));
    const auto r = check_gradient(sys, std::array{1.2}, std::array{1000.0}, {0.0, 3.0}, terminal_loss(y * y),
                                  options<rodas5p>{.rtol = 1e-10, .atol = 1e-12});
    INFO(r);
    CHECK(r.max_error_fd <= 1e-6);
  }
}

TEST_CASE("Robertson's running loss over [0, 4e7] (SUNDIALS' cvsRoberts_ASAi_dns) with rodas5p at rtol 1e-6",
          "[rodas5p]") {
  // Reference: rodas5p at rtol 1e-12 and 1e-13 (atol 1e-20, 1e-21) agree to 11 digits; rosenbrock4
  // at rtol 1e-12 to 2e-10. θ ordered (k1, k2, k3) = (0.04, 3e7, 1e4).
  const std::array ref{7.6837732660e+05, 5.1148899788e-04, -3.0689209200e+00};
  const auto g = gradient(robertson, z0, th, {0.0, 4e7}, running_loss(c3), options<rodas5p>{.rtol = 1e-6, .atol = 1e-14});
  INFO("dG/dθ = " << g.dtheta[0] << ", " << g.dtheta[1] << ", " << g.dtheta[2] << "; steps " << g.stats.forward.steps
                  << " + " << g.stats.backward.steps << ", rejected " << g.stats.forward.rejected << " + "
                  << g.stats.backward.rejected);
  for (std::size_t k = 0; k < 3; ++k) CHECK(g.dtheta[k] == Approx(ref[k]).epsilon(1e-5));  // measured 1.4e-6
  CHECK(g.stats.forward.steps < 400);   // 212
  CHECK(g.stats.backward.steps < 400);  // 103
}

TEST_CASE("cvsRoberts_ASAi_dns at the example's own tolerances: rodas5p within 1e-3 of the converged gradient",
          "[rodas5p][published]") {
  // The acceptance: rtol 1e-6, atol (1e-8, 1e-14, 1e-6), λ at 1e-8, the quadratures at 1e-6
  // (CVODES' settings in the example; CVODES itself is 8.6e-5 off there, bench_cvodes). dG/dp and
  // dG/dy0 against rodas5p at rtol 1e-12 and 1e-13 (atol 1e-8 rtol), which agree to 11 digits, and
  // CVODES at rtol 1e-12 to 5e-10 (bench_cvodes). θ ordered (k1, k2, k3) = (0.04, 3e7, 1e4).
  const std::array ref_p{7.6837732660e+05, 5.1148899788e-04, -3.0689209200e+00};
  const std::array ref_y0{3.9967183670e+07, 3.9967208669e+07, 3.9967208667e+07};
  const auto g = gradient(robertson, z0, th, {0.0, 4e7}, running_loss(c3),
                          options<rodas5p>{.rtol = 1e-6, .atol = {1e-8, 1e-14, 1e-6}, .adjoint_atol = 1e-8,
                                           .quadrature_atol = 1e-6});
  INFO("steps " << g.stats.forward.steps << " + " << g.stats.backward.steps);
  for (std::size_t k = 0; k < 3; ++k) {
    CHECK(g.dtheta[k] == Approx(ref_p[k]).epsilon(1e-5));  // measured 1.5e-6
    CHECK(g.dz0[k] == Approx(ref_y0[k]).epsilon(1e-5));
  }
  CHECK(g.stats.backward.steps <= 2 * g.stats.forward.steps);  // 182 + 87
}

TEST_CASE("rodas5p: bad input and failures are costate::error", "[rodas5p]") {
  using Catch::Matchers::Contains;
  const auto loss = terminal_loss(c1);
  CHECK_THROWS_WITH(gradient(robertson, z0, th, {0.0, 40.0}, loss, options<rodas5p, adjoint_method>{.adjoint = backsolve{}}),
                    Contains("rodas5p needs the checkpointed adjoint"));
  CHECK_THROWS_AS(solve(robertson, z0, th, {0.0, 40.0}, options<rodas5p>{.stepper = {.dt = -1.0}}), error);
  CHECK_THROWS_AS(solve(robertson, z0, th, {0.0, 40.0}, options<rodas5p>{.rtol = -1e-6}), error);
  CHECK_THROWS_WITH(solve(robertson, z0, th, {0.0, 40.0}, options<rodas5p>{.max_steps = 10}), Contains("max_steps"));
  // A solution that leaves the reals in finite time: y' = y², y(0) = 1, blows up at t = 1.
  constexpr auto y = state<0>;
  constexpr auto a = param<0>;
  CHECK_THROWS_AS(solve(ode(a * y * y), std::array{1.0}, std::array{1.0}, {0.0, 2.0}, options<rodas5p>{}), error);
}

namespace {
// max over t of |dfdt from the adjoint's jacobian() − the central difference of the adjoint right-hand
// side at fixed x| relative to the latter's scale, with t ± d inside one step of the dense output
// (where z(t) is one polynomial, so the difference is accurate to O(d²)).
template <class Sys, bool WithTime, std::size_t N, std::size_t P>
double dfdt_error(const std::array<double, N>& z0_, const std::array<double, P>& theta, double t1) {
  detail::dense_segment<N> seg;
  std::array<double, N> z = z0_;
  const forward_rhs<Sys, double> f{theta.data(), nullptr};
  detail::integrate(rodas5p{}, f, z, 0.0, t1, {1e-8, 1e-12}, 1'000'000, "forward", seg);
  seg.finalize();
  using R = interpolated_adjoint_rhs<Sys, double, detail::dense_segment<N>, WithTime>;
  const R adj{theta.data(), nullptr, &seg};
  std::array<double, R::size> x{};
  for (std::size_t i = 0; i < N; ++i) x[i] = 1.0 + 0.5 * static_cast<double>(i);  // λ
  std::vector<double> J(R::size * R::size);
  double worst = 0.0;
  for (int k = 1; k < 20; ++k) {
    const double t = t1 * k / 20.0;
    const double lo = seg.next_node(t, -1.0), hi = seg.next_node(t, 1.0);
    const double d = 1e-3 * std::min(t - lo, hi - t);
    if (!(d > 0)) continue;
    std::array<double, R::size> a{}, b{}, dfdt{};
    adj(x, a, t + d);
    adj(x, b, t - d);
    adj.jacobian(x, J.data(), t, dfdt);
    double scale = 0.0, err = 0.0;
    for (std::size_t r = 0; r < R::size; ++r) {
      const double fd = (a[r] - b[r]) / (2 * d);
      scale = std::max(scale, std::abs(fd));
      err = std::max(err, std::abs(dfdt[r] - fd));
    }
    worst = std::max(worst, err / scale);
  }
  return worst;
}
}  // namespace

TEST_CASE("the stiff adjoint's time derivative is exact along the interpolated z(t)", "[rodas5p]") {
  // Autonomous f (Robertson): all of it comes from z(t), by the complex step along ż.
  const double e_rob = dfdt_error<system_of_t<decltype(robertson)>, false>(z0, th, 2.0);
  INFO("Robertson: " << e_rob);
  CHECK(e_rob < 1e-8);  // measured 1.1e-10, the difference quotient's own error
  // f that depends on t as well: the part through z(t), plus f's own ∂/∂t by a difference at fixed z.
  constexpr auto forced_osc = ode(state<1>, -param<0> * state<0> - 0.1_c * state<1> + sin(2_c * t) * state<0>);
  const double e_osc = dfdt_error<system_of_t<decltype(forced_osc)>, true>(std::array{1.0, 0.0}, std::array{4.0}, 3.0);
  INFO("forced oscillator: " << e_osc);
  CHECK(e_osc < 1e-8);  // 9.5e-10
}
