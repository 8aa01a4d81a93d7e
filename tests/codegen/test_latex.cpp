// LaTeX printing: symbols, constants, operators, functions, and the Lotka–Volterra adjoint block.
#include <catch2/catch.hpp>

#include <string>

#include "costate/codegen/latex.hpp"
#include "costate/expr/constant.hpp"
#include "costate/expr/operators.hpp"
#include "costate/expr/ops.hpp"
#include "costate/expr/symbol.hpp"

using namespace costate;

namespace {
constexpr auto x = state<0>;
constexpr auto y = state<1>;
constexpr auto a = param<0>;
constexpr auto b = param<1>;
constexpr auto c = param<2>;
constexpr auto d = param<3>;
}  // namespace

TEST_CASE("LaTeX of symbols, constants and operations", "[codegen][latex]") {
  CHECK(to_latex(a * x - b * x * y) == "\\theta_{0} \\, z_{0} - \\theta_{1} \\, z_{0} \\, z_{1}");
  CHECK(to_latex(0.5_c * x) == "\\tfrac{1}{2} \\, z_{0}");
  CHECK(to_latex(tanh(x + t)) == "\\tanh\\left(z_{0} + t\\right)");
  CHECK(to_latex(sqrt(x)) == "\\sqrt{z_{0}}");
  CHECK(to_latex(pow(x + y, 3_c)) == "\\left(z_{0} + z_{1}\\right)^{3}");
  CHECK(to_latex(x / (y - a)) == "z_{0} / \\left(z_{1} - \\theta_{0}\\right)");
  CHECK(to_latex(adjoint<1> * input<2>) == "\\lambda_{1} \\, u_{2}");
}

TEST_CASE("the Lotka-Volterra adjoint system in LaTeX", "[codegen][latex]") {
  constexpr auto lv = ode(a * x - b * x * y, -c * y + d * x * y);
  const std::string s = latex_adjoint(lv);
  INFO(s);
  CHECK(s.rfind("\\begin{aligned}\n\\dot z_{0} &= ", 0) == 0);
  CHECK(s.find("\\dot\\lambda_{0} &= -\\left(") != std::string::npos);
  CHECK(s.find("\\dot g_{\\theta_{3}} &= -\\left(") != std::string::npos);
  CHECK(s.substr(s.size() - 13) == "\\end{aligned}");
  // Two dynamics rows, two λ rows, four g_θ rows.
  std::size_t rows = 0;
  for (std::size_t p = s.find("&="); p != std::string::npos; p = s.find("&=", p + 1)) ++rows;
  CHECK(rows == 8);
}
