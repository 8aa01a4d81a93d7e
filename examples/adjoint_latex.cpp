// Prints the Lotka–Volterra adjoint system as costate derived it, in LaTeX: the block in docs/codegen.md
// ("The derived adjoint, in LaTeX") is this program's output, and a test keeps the two equal.
#include <costate/codegen/latex.hpp>
#include <costate/costate.hpp>

#include <iostream>

using namespace costate::prelude;

constexpr auto x = state<0>;
constexpr auto y = state<1>;
constexpr auto a = param<0>;
constexpr auto b = param<1>;
constexpr auto c = param<2>;
constexpr auto d = param<3>;

constexpr auto lotka_volterra = ode(a * x - b * x * y,
                                    -c * y + d * x * y);

int main() { std::cout << "$$\n" << latex_adjoint(lotka_volterra) << "\n$$\n"; }
