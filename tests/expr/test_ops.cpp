// Every operation's derivative (and the reverse sweep's, and the second derivative) against a
// numerical derivative at several points, through the one shared helper.
#include <catch2/catch.hpp>

#include <complex>
#include <initializer_list>

#include "../numeric_derivative.hpp"
#include "costate/expr/constant.hpp"
#include "costate/expr/operators.hpp"
#include "costate/expr/symbol.hpp"

using namespace costate;
using costate::test::check_partials;

namespace {
constexpr auto x = state<0>;
constexpr auto y = state<1>;
// Points away from the kinks and poles of the operations checked with them.
constexpr std::array<std::array<double, 2>, 4> generic{{{0.7, -1.3}, {-0.4, 0.9}, {1.9, 0.35}, {-2.2, -0.6}}};
constexpr std::array<std::array<double, 2>, 4> positive{{{0.7, 1.3}, {0.4, 0.9}, {1.9, 0.35}, {2.2, 2.6}}};
}  // namespace

TEST_CASE("add, sub, mul, div, neg: partials match numerical derivatives", "[ops]") {
  check_partials<2>(x + y, generic);
  check_partials<2>(x - y, generic);
  check_partials<2>(x * y, generic);
  check_partials<2>(x / y, generic);
  check_partials<2>(-x, generic);
  check_partials<2>(x * x * y - y / (x * x + 1_c), generic);
}

TEST_CASE("integer and real powers: partials match numerical derivatives", "[ops]") {
  check_partials<2>(pow(x, 3_c), generic);
  check_partials<2>(pow(x, -2_c), generic);
  check_partials<2>(square(x - y), generic);
  check_partials<2>(pow(x, 0.5_c), positive);
  check_partials<2>(pow(x, y), positive);  // both operands vary
  check_partials<2>(pow(x + y, 2.5_c), positive);
}

TEST_CASE("sqrt, exp, log: partials match numerical derivatives", "[ops]") {
  check_partials<2>(sqrt(x * y), positive);
  check_partials<2>(exp(x - 2_c * y), generic);
  check_partials<2>(log(x + y), positive);
}

TEST_CASE("sin, cos, tan: partials match numerical derivatives", "[ops]") {
  check_partials<2>(sin(x * y), generic);
  check_partials<2>(cos(x - y), generic);
  check_partials<2>(tan(0.5_c * x), generic);
}

TEST_CASE("tanh, sigmoid, softplus: partials match numerical derivatives", "[ops]") {
  check_partials<2>(tanh(x * y), generic);
  check_partials<2>(sigmoid(x - y), generic);
  check_partials<2>(softplus(x + y), generic);
  check_partials<2>(softplus(40_c * x), generic);  // large arguments: the stable form
}

TEST_CASE("abs and sign: partials match numerical derivatives away from 0", "[ops]") {
  check_partials<2>(abs(x * y), generic);
  check_partials<2>(sign(x) * y, generic);
}

TEST_CASE("values of the operations", "[ops]") {
  const std::array z{0.3, -1.7};
  using costate::test::value_at;
  CHECK(value_at(pow(y, 3_c), z) == Approx(-1.7 * -1.7 * -1.7).epsilon(1e-15));
  CHECK(value_at(pow(y, -2_c), z) == Approx(1 / (1.7 * 1.7)).epsilon(1e-15));
  CHECK(value_at(softplus(1000_c * x), z) == Approx(300.0));           // no overflow
  CHECK(value_at(softplus(-1000_c * x), z) == Approx(std::exp(-300.0)));
  CHECK(value_at(sigmoid(-10000_c * x), z) == 0.0);  // exp overflows to inf: exactly 0, no NaN
  CHECK(value_at(abs(y), z) == 1.7);
  CHECK(value_at(sign(y), z) == -1.0);
  CHECK(value_at(sign(x - x), z) == 0.0);
  CHECK(value_at(tanh(x), z) == Approx(std::tanh(0.3)).epsilon(1e-15));
}

// The complex step (check_gradient's reference) evaluates f in std::complex: each elementwise
// operation must give the double value as its real part and h·f'(a) as its imaginary part over the
// whole double range, where log(1 + exp(a)) and 1/(1 + exp(-a)) do not. `exact` is f' in closed form.
// The symbolic derivative is checked against it too: tanh' = 1 - tanh² and σ' = σ(1 - σ) reuse the
// forward value, so they are exact to an absolute 1e-16 (the rounding of tanh, σ near ±1), not relatively.
namespace {
template <class E, class Exact>
void check_complex_step(E e, std::initializer_list<double> points, Exact exact) {
  using D = derivative_t<E, std::remove_const_t<decltype(x)>>;
  constexpr double h = 1e-30;
  for (const double a : points) {
    const std::array<double, 2> zr{a, 0.0};
    const std::array<std::complex<double>, 2> zc{std::complex<double>(a, h), 0.0};
    const context<std::complex<double>> cc{zc.data(), nullptr, nullptr, nullptr, 0.0};
    const std::complex<double> v = evaluate(e, cc);
    const double value = costate::test::value_at(e, zr), slope = costate::test::value_at(D{}, zr), ref = exact(a);
    INFO(to_string(e) << " at " << a << ": value " << value << " (complex " << v.real() << "), derivative " << ref
                      << " (complex step " << v.imag() / h << ", symbolic " << slope << ")");
    CHECK(std::isfinite(v.real()));
    CHECK(v.real() == Approx(value).epsilon(1e-14).margin(0));
    CHECK(v.imag() / h == Approx(ref).epsilon(1e-12).margin(0));
    CHECK(slope == Approx(ref).epsilon(1e-12).margin(2e-16));
  }
}
}  // namespace

TEST_CASE("the complex step of every elementwise operation at edge values", "[ops]") {
  const auto all = {-750.0, -40.0, -30.0, -1.5, 0.0, 0.25, 30.0, 40.0, 750.0};
  const auto sigma = [](double a) { return a >= 0 ? 1 / (1 + std::exp(-a)) : std::exp(a) / (1 + std::exp(a)); };
  check_complex_step(softplus(x), all, sigma);
  check_complex_step(sigmoid(x), all, [&](double a) { return sigma(a) * sigma(-a); });
  check_complex_step(tanh(x), all, [](double a) { return std::abs(a) > 700 ? 0.0 : 1 / (std::cosh(a) * std::cosh(a)); });
  check_complex_step(exp(x), {-750.0, -40.0, -30.0, -1.5, 0.0, 0.25, 30.0, 40.0, 700.0},  // e^750 is inf
                     [](double a) { return std::exp(a); });
  check_complex_step(sin(x), {-40.0, -1.5, 0.0, 0.25, 30.0}, [](double a) { return std::cos(a); });
  check_complex_step(cos(x), {-40.0, -1.5, 0.25, 30.0}, [](double a) { return -std::sin(a); });
  check_complex_step(tan(x), {-40.0, -1.5, 0.0, 0.25, 30.0}, [](double a) { return 1 / (std::cos(a) * std::cos(a)); });
  // h·f' must stay above the smallest double and h far below a: log and sqrt from 1e-20 to 1e100.
  check_complex_step(log(x), {1e-20, 0.25, 30.0, 1e100}, [](double a) { return 1 / a; });
  check_complex_step(sqrt(x), {1e-20, 0.25, 30.0, 1e100}, [](double a) { return 0.5 / std::sqrt(a); });
  check_complex_step(abs(x), {-750.0, -0.25, 0.25, 750.0}, [](double a) { return a < 0 ? -1.0 : 1.0; });
  check_complex_step(relu(x), {-750.0, -0.25, 0.25, 750.0}, [](double a) { return a < 0 ? 0.0 : 1.0; });
  check_complex_step(pow(x, 3_c), {-40.0, -1.5, 0.25, 30.0}, [](double a) { return 3 * a * a; });
  check_complex_step(pow(x, 2.5_c), {1e-10, 0.25, 30.0, 1e100}, [](double a) { return 2.5 * std::pow(a, 1.5); });
  check_complex_step(-x / (x * x + 1_c), all, [](double a) { return (a * a - 1) / ((a * a + 1) * (a * a + 1)); });
}
