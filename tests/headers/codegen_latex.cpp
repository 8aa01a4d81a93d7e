// costate/codegen/latex.hpp with a system: LaTeX of an expression and of the augmented adjoint.
#include <costate/codegen/latex.hpp>
#include <costate/expr/operators.hpp>
#include <costate/expr/symbol.hpp>
#include <costate/system/ode.hpp>

using namespace costate::prelude;

int main() {
  constexpr auto x = state<0>;
  return to_latex(exp(x)).empty() || latex_adjoint(ode(-param<0> * x)).empty() ? 1 : 0;
}
