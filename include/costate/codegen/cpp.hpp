// C++ for scalar expressions: `to_cpp(a*x - b*x*y)` is `theta[0]*z[0] - theta[1]*z[0]*z[1]`, a valid
// C++ expression over arrays z, theta, u, lambda and a double t, from the same printer as the plain
// form (expr/print.hpp). Operations without a <cmath> function (sigmoid, softplus, relu, step, sign)
// are spelled costate_<name>(x); cpp_helpers() defines them, for code that includes nothing of costate.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include "costate/expr/node.hpp"
#include "costate/expr/print.hpp"
#include "costate/expr/shape_of.hpp"

namespace costate {

struct cpp_style {
  static void symbol(std::ostream& os, symbol_kind k, std::size_t i) {
    switch (k) {
      case symbol_kind::state: os << "z[" << i << ']'; break;
      case symbol_kind::param: os << "theta[" << i << ']'; break;
      case symbol_kind::input: os << "u[" << i << ']'; break;
      case symbol_kind::adjoint: os << "lambda[" << i << ']'; break;
      case symbol_kind::time: os << 't'; break;
    }
  }
  static void block(std::ostream& os, symbol_kind, std::size_t, std::size_t) {
    os << "/* tensor symbols have no C++ expression form */";
  }
  static void constant(std::ostream& os, std::intmax_t n, std::intmax_t d) {
    if (d == 1) os << n << ".0";
    else os << n << ".0 / " << d << ".0";
  }
  static std::string op(const notation& n) {
    const std::string_view s = n.symbol;
    if (n.form != notation::function) return std::string(s);
    for (const std::string_view f : {"exp", "log", "sin", "cos", "tan", "tanh", "sqrt", "abs", "pow"})
      if (s == f) return "std::" + std::string(s);
    return "costate_" + std::string(s);
  }
  static constexpr const char* infix_space = " ";
  static constexpr bool latex = false;
  static constexpr bool cpp = true;
};

template <Expr E>
std::string to_cpp(E e) {
  static_assert(is_scalar_v<E>, "costate::to_cpp: scalar expressions only (tensor operations need loops)");
  return to_string<cpp_style>(e);
}

// Definitions of the helper functions that to_cpp may call, for a standalone translation unit.
inline std::string cpp_helpers() {
  return "inline double costate_sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }\n"
         "inline double costate_softplus(double x) { return (x > 0 ? x : 0.0) + std::log1p(std::exp(-std::abs(x))); }\n"
         "inline double costate_relu(double x) { return x > 0 ? x : 0.0; }\n"
         "inline double costate_step(double x) { return x > 0 ? 1.0 : 0.0; }\n"
         "inline double costate_sign(double x) { return double((x > 0) - (x < 0)); }\n";
}

// For `using namespace costate::prelude` (costate/prelude.hpp).
namespace prelude {
using costate::to_cpp;
}  // namespace prelude
}  // namespace costate
