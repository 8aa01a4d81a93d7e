// C++ for scalar expressions: `to_cpp(a*x - b*x*y)` is `theta[0]*z[0] - theta[1]*z[0]*z[1]`, a valid
// C++ expression over arrays z, theta, u, lambda and a double t, from the same printer as the plain
// form (expr/print.hpp). Each operation spells itself (`cpp`); those without a <cmath> function (sigmoid,
// softplus, relu, step, sign) are costate_<name>(x), and cpp_helpers() collects their definitions, for
// code that includes nothing of costate.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include "costate/expr/node.hpp"
#include "costate/expr/ops.hpp"
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
  // Operators only: a function call is spelled by its operation (`cpp`, expr/operation.hpp).
  static const char* op(const notation& n) { return n.symbol; }
  static constexpr const char* infix_space = " ";
  static constexpr bool latex = false;
  static constexpr bool cpp = true;
};

template <Expr E>
std::string to_cpp(E e) {
  static_assert(is_scalar_v<E>, "costate::to_cpp: scalar expressions only (tensor operations need loops)");
  return to_string<cpp_style>(e);
}

namespace detail {
template <class... Ops>
std::string cpp_definitions(tlist<Ops...>) {
  std::string s;
  ([&] { if constexpr (requires { Ops::cpp_definition; }) s += Ops::cpp_definition; }(), ...);
  return s;
}
}  // namespace detail

// Definitions of the helper functions that to_cpp may call (each operation's `cpp_definition`), for a
// standalone translation unit; Ops: a list of operations (costate::operations, or a user's).
template <class Ops = operations>
std::string cpp_helpers() {
  return detail::cpp_definitions(Ops{});
}

// For `using namespace costate::prelude` (costate/prelude.hpp).
namespace prelude {
using costate::to_cpp;
}  // namespace prelude
}  // namespace costate
