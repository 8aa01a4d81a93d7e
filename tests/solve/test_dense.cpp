// Dense output of a recorded segment: the values between steps that the checkpointed adjoint reads.
#include <catch2/catch.hpp>

#include <array>
#include <boost/numeric/odeint/stepper/runge_kutta_cash_karp54.hpp>
#include <boost/numeric/odeint/stepper/runge_kutta_fehlberg78.hpp>
#include <cmath>
#include <cstdint>
#include <vector>

#include "costate/solve/dense.hpp"
#include "costate/solve/integrate.hpp"

using namespace costate;

namespace {
// The harmonic oscillator x' = y, y' = -x: x = cos t, y = -sin t from (1, 0).
struct oscillator {
  void operator()(const std::array<double, 2>& z, std::array<double, 2>& dz, double) const {
    dz[0] = z[1];
    dz[1] = -z[0];
  }
};

template <class Tag>
double max_interpolation_error(const Tag& tag, double tol, std::size_t* steps = nullptr) {
  detail::dense_segment<2> seg;
  std::array<double, 2> z{1.0, 0.0};
  detail::integrate(tag, oscillator{}, z, 0.0, 6.0, {tol, tol}, 1'000'000, "forward", seg);
  seg.finalize();
  if (steps) *steps = seg.steps();
  double worst = 0;
  for (int i = 1000; i >= 0; --i) {  // backward, as the adjoint asks
    const double t = 6.0 * i / 1000;
    std::array<double, 2> v{};
    seg(t, v.data());
    worst = std::max({worst, std::abs(v[0] - std::cos(t)), std::abs(v[1] + std::sin(t))});
  }
  return worst;
}
}  // namespace

TEST_CASE("the quintic fit reproduces polynomials of degree 5", "[dense]") {
  // p(θ) = Σ c_j θ^j: the residual conditions at θ = 1 (value, slope), 1/3 and 2/3 give back c2..c5.
  const double c[6] = {0.3, -1.2, 2.5, 0.7, -3.1, 1.9};
  const auto p = [&](double th) { double v = 0; for (int j = 5; j >= 0; --j) v = v * th + c[j]; return v; };
  const double dp1 = c[1] + 2 * c[2] + 3 * c[3] + 4 * c[4] + 5 * c[5];
  const double r[4] = {p(1) - c[0] - c[1], dp1 - c[1], p(1.0 / 3) - c[0] - c[1] / 3, p(2.0 / 3) - c[0] - 2 * c[1] / 3};
  for (int j = 0; j < 4; ++j) {
    double v = 0;
    for (int i = 0; i < 4; ++i) v += detail::quintic_inverse[j][i] * r[i];
    CHECK(v == Approx(c[j + 2]).margin(1e-12));
  }
}

TEST_CASE("dopri5's continuous extension is as accurate as its steps", "[dense]") {
  std::size_t steps = 0;
  const double e = max_interpolation_error(dopri5{}, 1e-10, &steps);
  INFO("steps " << steps << ", max error " << e);
  CHECK(e < 1e-8);
  CHECK(steps > 10);
}

TEST_CASE("Hermite dense output for steppers without an extension", "[dense]") {
  const double e = max_interpolation_error(odeint_stepper<boost::numeric::odeint::runge_kutta_cash_karp54>{}, 1e-10);
  INFO("cash_karp54 max error " << e);
  CHECK(e < 1e-8);
  // rk4 at a fixed step: the interpolant's error O(h^6) is below rk4's own O(h^4), so halving the
  // step divides the total error by about 16, as rk4's does.
  const double e1 = max_interpolation_error(rk4{.dt = 0.1}, 1.0), e2 = max_interpolation_error(rk4{.dt = 0.05}, 1.0);
  INFO("rk4 errors " << e1 << ", " << e2);
  CHECK(e1 / e2 > 12);
  CHECK(e1 < 1e-5);
}

TEST_CASE("high-order steppers without an extension get nodes inside their steps", "[dense]") {
  // runge_kutta_fehlberg78 takes steps so long that the quintic through three steps' ends was the
  // largest error of a checkpointed gradient (1e-6 where the steps were good to 1e-10).
  std::size_t pieces = 0;
  const double e = max_interpolation_error(odeint_stepper<boost::numeric::odeint::runge_kutta_fehlberg78>{}, 1e-10, &pieces);
  INFO("fehlberg78 max error " << e << ", pieces " << pieces);
  CHECK(e < 1e-9);
  CHECK(pieces % 3 == 0);  // three pieces a step
}

TEST_CASE("a one-step segment interpolates with the cubic Hermite polynomial", "[dense]") {
  detail::dense_segment<2> seg;
  std::array<double, 2> z{1.0, 0.0};
  detail::integrate(rk4{.dt = 0.01}, oscillator{}, z, 0.0, 0.01, {1, 1}, 10, "forward", seg);
  REQUIRE(seg.steps() == 1);
  REQUIRE(seg.wants_neighbour());
  seg.finalize();
  std::array<double, 2> v{};
  seg(0.005, v.data());
  CHECK(v[0] == Approx(std::cos(0.005)).epsilon(1e-10));
  seg(0.0, v.data());
  CHECK(v[0] == 1.0);
}

namespace {
// Records through record_within(max_values) as gradient()'s forward pass does, keeping the most values held.
struct limited_recorder {
  static constexpr bool records_steps = true;
  detail::dense_segment<2>* seg;
  std::size_t max_values;
  bool fit = true;
  std::size_t most = 0, most_allocated = 0;
  template <class St, class S, class Rhs>
  void record(const St& st, double t0, const S& z0, const S& f0, double t1, const S& z1, const S& f1, double h, Rhs& rhs) {
    if (fit && !seg->record_within(max_values, st, t0, z0, f0, t1, z1, f1, h, rhs)) fit = false;
    most = std::max(most, seg->values());
    most_allocated = std::max(most_allocated, seg->allocated());
  }
};
// The most doubles allocated by the last record_limited() (after finalize() too).
std::size_t last_allocated = 0;
// Whether every step fit; the most values held and the steps recorded.
template <class Tag>
bool record_limited(const Tag& tag, std::size_t max_values, std::size_t& most, std::size_t& steps) {
  detail::dense_segment<2> seg;
  limited_recorder rec{&seg, max_values};
  std::array<double, 2> z{1.0, 0.0};
  detail::integrate(tag, oscillator{}, z, 0.0, 60.0, {1e-10, 1e-10}, 1'000'000, "forward", rec);
  seg.finalize();
  most = std::max(rec.most, seg.values());
  last_allocated = std::max(rec.most_allocated, seg.allocated());
  steps = seg.steps();
  return rec.fit;
}
}  // namespace

TEST_CASE("recording within a budget stops before the segment would exceed it", "[dense]") {
  std::size_t most = 0, steps = 0;
  // Unlimited: every step recorded (dopri5: 14 values a step for 2 states).
  REQUIRE(record_limited(dopri5{}, 1'000'000, most, steps));
  const std::size_t all = steps;
  CHECK(most == all * detail::dense_segment<2>::stride);
  // A budget of a third of that: recording stops, and never holds more than the budget.
  const std::size_t budget = all * detail::dense_segment<2>::stride / 3;
  CHECK(!record_limited(dopri5{}, budget, most, steps));
  CHECK(most <= budget);
  // Allocated: the budget and at most one step's room (3 pieces of 14 + 5 values) more.
  constexpr std::size_t step_room = 3 * (detail::dense_segment<2>::stride + 5) + 5;
  CHECK(last_allocated <= budget + step_room);
  CHECK(steps < all);
  // Steppers without a continuous extension hold points until finalize(): counted too.
  REQUIRE(record_limited(rk4{.dt = 0.05}, 1'000'000, most, steps));
  const std::size_t rk4_most = most;
  CHECK(!record_limited(rk4{.dt = 0.05}, rk4_most / 2, most, steps));
  CHECK(most <= rk4_most / 2);
  CHECK(last_allocated <= rk4_most / 2 + step_room);  // points and finalize()'s coefficients together
}

TEST_CASE("derivative() is the derivative of the interpolant, next_node() its step boundaries", "[dense]") {
  detail::dense_segment<2> seg;
  std::array<double, 2> z{1.0, 0.0};
  detail::integrate(dopri5{}, oscillator{}, z, 0.0, 6.0, {1e-10, 1e-10}, 1'000'000, "forward", seg);
  seg.finalize();
  REQUIRE(seg.steps() > 5);
  double worst_fd = 0, worst_exact = 0;
  for (int i = 999; i >= 1; --i) {
    const double t = 6.0 * i / 1000, d = 1e-6;
    std::array<double, 2> dz{}, a{}, b{};
    seg.derivative(t, dz.data());
    // Within a step the interpolant is one polynomial: compare with its difference quotient where
    // t ± d lies in the same step.
    if (seg.next_node(t, -1.0) < t - d && seg.next_node(t, 1.0) > t + d) {
      seg(t + d, a.data());
      seg(t - d, b.data());
      for (int k = 0; k < 2; ++k) worst_fd = std::max(worst_fd, std::abs(dz[k] - (a[k] - b[k]) / (2 * d)));
    }
    worst_exact = std::max({worst_exact, std::abs(dz[0] + std::sin(t)), std::abs(dz[1] + std::cos(t))});
  }
  CHECK(worst_fd < 1e-8);
  CHECK(worst_exact < 1e-7);
  // Outside the recorded span z is clamped: its derivative is 0.
  std::array<double, 2> dz{1, 1};
  seg.derivative(7.0, dz.data());
  CHECK(dz == std::array{0.0, 0.0});
  // Step boundaries: from inside a step, the boundaries on either side; from a boundary, the next one.
  const double t_mid = 3.0, below = seg.next_node(t_mid, -1.0), above = seg.next_node(t_mid, 1.0);
  CHECK(below < t_mid);
  CHECK(above > t_mid);
  CHECK(seg.next_node(below, 1.0) >= above);
  CHECK(seg.next_node(below, -1.0) < below);
  CHECK(seg.next_node(0.0, -1.0) == 0.0);  // none before the first step
}

TEST_CASE("dense output's allocator: large blocks aligned for huge pages, small ones as std::allocator", "[dense]") {
  using alloc = detail::uninitialised_allocator<double>;
  alloc a;
  const std::size_t big = alloc::huge_block / sizeof(double) + 3;  // just over one huge page
  double* p = a.allocate(big);
  CHECK(reinterpret_cast<std::uintptr_t>(p) % alloc::huge_block == 0);
  for (std::size_t i = 0; i < big; ++i) p[i] = static_cast<double>(i);  // every byte asked for is usable
  CHECK(p[big - 1] == static_cast<double>(big - 1));
  a.deallocate(p, big);
  double* q = a.allocate(16);
  q[15] = 1.5;
  CHECK(q[15] == 1.5);
  a.deallocate(q, 16);
  // A vector that grows across the threshold moves its values from a small block to a large one.
  std::vector<double, alloc> v;
  for (std::size_t i = 0; i < big; ++i) v.push_back(static_cast<double>(i));
  CHECK(v[12345] == 12345.0);
  CHECK(reinterpret_cast<std::uintptr_t>(v.data()) % alloc::huge_block == 0);
}

TEST_CASE("large blocks are kept for the next request of the same size, at most huge_block_pool::kept of them", "[dense]") {
  using alloc = detail::uninitialised_allocator<double>;
  auto& pool = detail::huge_block_pool::instance();
  pool.release();  // (what earlier gradients in this process left)
  alloc a;
  constexpr std::size_t page = alloc::huge_block / sizeof(double);
  const std::size_t big = 3 * page + 7;  // rounds up to four huge pages
  double* p = a.allocate(big);
  for (std::size_t i = 0; i < big; ++i) p[i] = 1.0;
  a.deallocate(p, big);
  // The same rounded size again: the kept block, writable (its pages were marked free, not unmapped).
  double* q = a.allocate(big - 5);
  CHECK(q == p);
  for (std::size_t i = 0; i < big - 5; ++i) q[i] = static_cast<double>(i);
  CHECK(q[big - 6] == static_cast<double>(big - 6));
  a.deallocate(q, big - 5);
  // Another size is not served from it.
  CHECK(pool.take(alloc::huge_block) == nullptr);
  // More blocks given back than the pool keeps: the largest stay, the smallest are freed.
  constexpr std::size_t k = detail::huge_block_pool::kept + 2;
  std::array<double*, k> blocks{};
  for (std::size_t j = 0; j < k; ++j) blocks[j] = a.allocate((j + 1) * page);
  for (std::size_t j = 0; j < k; ++j) a.deallocate(blocks[j], (j + 1) * page);
  CHECK(pool.take(alloc::huge_block) == nullptr);
  CHECK(pool.take(2 * alloc::huge_block) == nullptr);
  for (std::size_t j = 2; j < k; ++j) {
    double* kept = a.allocate((j + 1) * page);
    CHECK(kept == blocks[j]);
    a.deallocate(kept, (j + 1) * page);
  }
  pool.release();
  CHECK(pool.take(k * alloc::huge_block) == nullptr);
}

TEST_CASE("dopri5's recorded step is odeint's continuous extension, at any point of the step", "[dense]") {
  // One step of a nonlinear system (Lotka–Volterra), recorded, against odeint's calc_state on the
  // step's own times: the same quintic, so they agree to rounding everywhere in the step, including
  // far from the nodes θ = 1/3, 2/3 that the record samples (on times of its own).
  using S = std::array<double, 2>;
  const auto lv = [](const S& z, S& dz, double) {
    dz[0] = 1.5 * z[0] - z[0] * z[1];
    dz[1] = z[0] * z[1] - 3.0 * z[1];
  };
  boost::numeric::odeint::runge_kutta_dopri5<S, double, S, double> st;
  for (const double t0 : {0.0, 7.25, 1e6}) {
    const double h = 0.375;  // t0 + h exact: calc_state takes its step length from t_new − t_old
    S z0{1.2, 0.8}, f0{}, z1{}, f1{};
    lv(z0, f0, t0);
    st.do_step(lv, z0, f0, t0, z1, f1, h);
    detail::dense_segment<2> seg;
    seg.record(st, t0, z0, f0, t0 + h, z1, f1, h, lv);
    for (const double th : {0.0, 0.05, 1.0 / 3, 0.5, 2.0 / 3, 0.93, 1.0}) {
      const double t = t0 + th * h;
      S ext{}, rec{};
      st.calc_state(t, ext, z0, f0, t0, z1, f1, t0 + h);
      seg(t, rec.data());
      for (std::size_t i = 0; i < 2; ++i) {
        INFO("t0 = " << t0 << ", theta = " << th << ", component " << i);
        CHECK(std::abs(rec[i] - ext[i]) <= 1e-14 * (1.0 + std::abs(ext[i])));
      }
    }
  }
}
