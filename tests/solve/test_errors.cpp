// Bad input and numerical failure: a costate::error that names the problem (and the time reached),
// quickly — nothing hangs, nothing returns a silent NaN.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <limits>

#include "costate/expr/constant.hpp"
#include "costate/expr/operators.hpp"
#include "costate/expr/symbol.hpp"
#include "costate/solve/gradient.hpp"
#include "costate/solve/rosenbrock.hpp"
#include "costate/solve/solve.hpp"

using namespace costate;
using Catch::Matchers::Contains;

namespace {
constexpr auto x = state<0>;
constexpr auto a = param<0>;
constexpr auto decay = ode(-a * x);
const auto loss = terminal_loss(x * x);
const double not_a_number = std::numeric_limits<double>::quiet_NaN();
const double inf = std::numeric_limits<double>::infinity();
}  // namespace

TEST_CASE("non-finite z0, theta and times are rejected by name", "[errors]") {
  CHECK_THROWS_WITH(gradient(decay, std::array{not_a_number}, std::array{1.0}, {0.0, 1.0}, loss), Contains("z0[0] is not finite"));
  CHECK_THROWS_WITH(gradient(decay, std::array{1.0}, std::array{inf}, {0.0, 1.0}, loss), Contains("theta[0] is not finite"));
  CHECK_THROWS_WITH(solve(decay, std::array{1.0}, std::array{1.0}, {0.0, not_a_number}), Contains("time span"));
  CHECK_THROWS_AS(solve(decay, std::array{1.0}, std::array{1.0}, {-inf, 1.0}), costate::error);
}

TEST_CASE("an empty or reversed time span is rejected", "[errors]") {
  CHECK_THROWS_WITH(gradient(decay, std::array{1.0}, std::array{1.0}, {2.0, 2.0}, loss), Contains("t0 == t1"));
  CHECK_THROWS_WITH(solve(decay, std::array{1.0}, std::array{1.0}, {2.0, 1.0}), Contains("before t0"));
}

TEST_CASE("bad options are rejected", "[errors]") {
  CHECK_THROWS_WITH(solve(decay, std::array{1.0}, std::array{1.0}, {0.0, 1.0}, options<rk4>{}),
                    Contains("fixed-step stepper needs dt > 0"));
  CHECK_THROWS_WITH(solve(decay, std::array{1.0}, std::array{1.0}, {0.0, 1.0}, options<>{.rtol = 0, .atol = 0}),
                    Contains("tolerances"));
  CHECK_THROWS_WITH(solve(decay, std::array{1.0}, std::array{1.0}, {0.0, 1.0}, options<>{.rtol = not_a_number}), Contains("tolerances"));
  CHECK_THROWS_WITH(solve(decay, std::array{1.0}, std::array{1.0}, {0.0, 1.0}, options<rk4>{.stepper = {.dt = 1e-9}}),
                    Contains("more than max_steps"));
  CHECK_THROWS_WITH(gradient(decay, std::array{1.0}, std::array{1.0}, {0.0, 1.0}, loss, options<>{.adjoint = checkpointed{2'000'000}}),
                    Contains("checkpointed{count}"));
  CHECK_THROWS_WITH(gradient(decay, std::array{1.0}, std::array{1.0}, {0.0, 1.0}, loss,
                             options<dopri5, adjoint_method>{.adjoint = adjoint_method{.segments = 0, .steps_per_checkpoint = 0}}),
                    Contains("steps_per_checkpoint"));
  CHECK_THROWS_WITH(gradient(decay, std::array{1.0}, std::array{1.0}, {0.0, 1.0}, loss,
                             options<rosenbrock4, adjoint_method>{.adjoint = backsolve{}}),
                    Contains("rosenbrock4 needs the checkpointed adjoint"));
}

TEST_CASE("exceeding max_steps names the pass and the time reached", "[errors]") {
  constexpr auto osc = ode(state<1>, -a * x);
  CHECK_THROWS_WITH(solve(osc, std::array{1.0, 0.0}, std::array{100.0}, {0.0, 100.0}, options<>{.max_steps = 50}),
                    Contains("forward pass: exceeded max_steps = 50") && Contains("at t = "));
}

TEST_CASE("a stiff system under an explicit stepper runs out of steps and is told of the stiff stepper", "[errors]") {
  constexpr auto y0 = state<0>;
  constexpr auto y1 = state<1>;
  constexpr auto y2 = state<2>;
  constexpr auto robertson = ode(-0.04_c * y0 + 1e4_c * y1 * y2, 0.04_c * y0 - 1e4_c * y1 * y2 - 3e7_c * y1 * y1, 3e7_c * y1 * y1);
  const std::array z0{1.0, 0.0, 0.0};
  const std::array<double, 0> none{};
  CHECK_THROWS_WITH(solve(robertson, z0, none, {0.0, 1e5}, options<>{.rtol = 1e-6, .atol = 1e-10, .max_steps = 20'000}),
                    Contains("forward pass: exceeded max_steps = 20000") && Contains("at t = ") &&
                        Contains("use the stiff stepper, options<rodas5p>"));
  // The stiff stepper needs a few hundred.
  const auto s = solve(robertson, z0, none, {0.0, 1e5}, options<rosenbrock4>{.rtol = 1e-6, .atol = {1e-8, 1e-14, 1e-6}});
  CHECK(s.stats.steps < 1000);
  // A stiff stepper that runs out is not told to use itself.
  try {
    solve(robertson, z0, none, {0.0, 1e5}, options<rosenbrock4>{.max_steps = 10});
    FAIL("no error");
  } catch (const error& e) {
    CHECK_THAT(e.what(), Contains("exceeded max_steps = 10") && !Contains("rodas5p"));
  }
}

TEST_CASE("a solution that blows up ends in step-size underflow, with the time", "[errors]") {
  // z' = z², z(0) = 1: z = 1/(1 - t) blows up at t = 1.
  constexpr auto blowup = ode(x * x);
  CHECK_THROWS_WITH(solve(blowup, std::array{1.0}, std::array<double, 0>{}, {0.0, 2.0}),
                    Contains("forward pass: step size underflow") && (Contains("at t = 0.99") || Contains("at t = 1.00")));
  // Fixed steps: the state itself becomes non-finite.
  CHECK_THROWS_WITH(solve(blowup, std::array{1.0}, std::array<double, 0>{}, {0.0, 2.0}, options<rk4>{.stepper = {.dt = 0.01}}),
                    Contains("non-finite"));
}

TEST_CASE("a right-hand side that is NaN at the start is reported, not returned", "[errors]") {
  constexpr auto bad = ode(log(x));  // log of a negative number
  CHECK_THROWS_AS(solve(bad, std::array{-1.0}, std::array<double, 0>{}, {0.0, 1.0}), costate::error);
  CHECK_THROWS_AS(gradient(bad, std::array{-1.0}, std::array<double, 0>{}, {0.0, 1.0}, terminal_loss(x)), costate::error);
}

TEST_CASE("a non-finite loss is reported", "[errors]") {
  CHECK_THROWS_WITH(gradient(decay, std::array{1.0}, std::array{1.0}, {0.0, 1.0}, terminal_loss(log(x - 2_c))),
                    Contains("loss is not finite"));
}

TEST_CASE("atol = 0 is a pure relative tolerance, also for the adjoint", "[errors]") {
  const auto g = gradient(decay, std::array{1.0}, std::array{0.5}, {0.0, 2.0}, loss, options<>{.rtol = 1e-10, .atol = 0});
  CHECK(g.dtheta[0] == Approx(-2.0 * 2.0 * std::exp(-2.0)).epsilon(1e-8));  // L = e^{-2a·2}
  CHECK_THROWS_WITH(gradient(decay, std::array{1.0}, std::array{0.5}, {0.0, 2.0}, loss,
                             options<>{.adjoint_rtol = 0, .adjoint_atol = 0}),
                    Contains("adjoint tolerances"));
  CHECK_THROWS_WITH(solve(decay, std::array{1.0}, std::array{0.5}, {0.0, 2.0}, options<>{.rtol = 1e-300, .atol = 0}),
                    Contains("rtol must be at least"));
}

TEST_CASE("a non-finite loss gradient or input is reported by name", "[errors]") {
  constexpr auto b = param<1>;
  CHECK_THROWS_WITH(gradient(decay, std::array{1.0}, std::array{1.0, 0.0}, {0.0, 1.0}, terminal_loss(x + sqrt(b))),
                    Contains("dL/dtheta[1] is not finite"));
  CHECK_THROWS_WITH(gradient(decay, std::array{0.0}, std::array{1.0}, {0.0, 1.0}, terminal_loss(sqrt(x))),
                    Contains("dL/dz(t1)[0] is not finite"));
  constexpr auto forced = ode(input<0> - a * x);
  CHECK_THROWS_WITH(solve(forced.with_inputs(std::array{not_a_number}), std::array{1.0}, std::array{1.0}, {0.0, 1.0}),
                    Contains("inputs[0] is not finite"));
}

TEST_CASE("long spans, tiny first steps and slivers are not mistaken for underflow", "[errors]") {
  // z' = 1/(t + 1e-6): steps grow from 1e-7 near t = 0 to ~1e7.
  constexpr auto slow = ode(1_c / (t + 1e-6_c));
  const auto s = solve(slow, std::array{0.0}, std::array<double, 0>{}, {0.0, 1e8}, options<>{.rtol = 1e-8, .atol = 1e-8});
  CHECK(s.final_state()[0] == Approx(std::log((1e8 + 1e-6) / 1e-6)).epsilon(1e-6));
  const auto tiny = solve(decay, std::array{1.0}, std::array{1.0}, {0.0, 1.0}, options<dopri5>{.stepper = {.dt = 1e-300}});
  CHECK(tiny.final_state()[0] == Approx(std::exp(-1.0)).epsilon(1e-7));
  const auto sliver = solve(decay, std::array{1.0}, std::array{1.0}, {1e6, 1e6 + 1}, options<dopri5>{.stepper = {.dt = 1 - 1e-9}});
  CHECK(sliver.t.back() == 1e6 + 1);
}

TEST_CASE("max_steps bounds a whole pass, across checkpoint segments", "[errors]") {
  constexpr auto osc = ode(state<1>, -a * x);
  const auto opts = options<>{.adjoint = checkpointed{8}, .max_steps = 200};
  CHECK_THROWS_WITH(gradient(osc, std::array{1.0, 0.0}, std::array{100.0}, {0.0, 20.0}, terminal_loss(x), opts),
                    Contains("forward pass: exceeded max_steps = "));
}
