// LaTeX for expressions and for a system's adjoint equations, from the same printer as the plain
// form (expr/print.hpp) with each operation's own LaTeX spelling (its `notation`).
//
//   to_latex(a*x - b*x*y)            θ_{0} \, z_{0} - θ_{1} \, z_{0} \, z_{1}   (as LaTeX source)
//   latex_adjoint(lotka_volterra)    an aligned block: ż_i = f_i, λ̇ = -λᵀ∂f/∂z, ġ_θ = -λᵀ∂f/∂θ
#pragma once

#include <cstdint>
#include <ostream>
#include <sstream>
#include <string>

#include "costate/expr/node.hpp"
#include "costate/expr/print.hpp"
#include "costate/system/ode.hpp"

namespace costate {

struct latex_style {
  static const char* letter(symbol_kind k) {
    switch (k) {
      case symbol_kind::state: return "z";
      case symbol_kind::param: return "\\theta";
      case symbol_kind::input: return "u";
      case symbol_kind::adjoint: return "\\lambda";
      case symbol_kind::time: return "t";
    }
    return "?";
  }
  static void symbol(std::ostream& os, symbol_kind k, std::size_t i) {
    os << letter(k);
    if (k != symbol_kind::time) os << "_{" << i << '}';
  }
  static void block(std::ostream& os, symbol_kind k, std::size_t offset, std::size_t size) {
    os << letter(k) << "_{" << offset << ':' << offset + size << '}';
  }
  static void constant(std::ostream& os, std::intmax_t n, std::intmax_t d) {
    if (d == 1) { os << n; return; }
    os << (n < 0 ? "-" : "") << "\\tfrac{" << (n < 0 ? -n : n) << "}{" << d << '}';
  }
  static const char* op(const notation& n) { return n.latex; }
  static constexpr const char* infix_space = " ";
  static constexpr bool latex = true;
  static constexpr bool cpp = false;
};

template <Expr E>
std::string to_latex(E e) {
  return to_string<latex_style>(e);
}

namespace detail {
// One row per expression: `open` i `close` &= expression (negated for the adjoint rows).
template <class... E>
void latex_rows(std::ostream& os, const char* open, const char* close, tlist<E...>, bool& first) {
  std::size_t i = 0;
  ((os << (first ? "" : " \\\\\n") << open << i++ << close << " &= ", print<latex_style>(os, E{}), first = false), ...);
}
template <class... X, class... E>
void latex_vjp_rows(std::ostream& os, const char* open, const char* close, tlist<X...>, tlist<E...>, bool& first) {
  ((os << (first ? "" : " \\\\\n") << open << X::index << close << " &= -\\left(", print<latex_style>(os, E{}),
    os << "\\right)", first = false),
   ...);
}
}  // namespace detail

// The augmented adjoint system of a scalar system as a LaTeX `aligned` block: the dynamics, then
// dλ_i/dt = -(λᵀ∂f/∂z_i) and dg_{θ_k}/dt = -(λᵀ∂f/∂θ_k) as costate derived and simplified them.
template <class... F>
std::string latex_adjoint(system<F...>) {
  using S = system<F...>;
  static_assert(S::scalar, "costate::latex_adjoint: scalar systems only (tensor VJPs have no element-wise formula)");
  std::ostringstream os;
  bool first = true;
  os << "\\begin{aligned}\n";
  detail::latex_rows(os, "\\dot z_{", "}", typename S::rhs{}, first);
  detail::latex_vjp_rows(os, "\\dot\\lambda_{", "}", typename S::state_leaves{}, typename S::vjp_state{}, first);
  detail::latex_vjp_rows(os, "\\dot g_{\\theta_{", "}}", typename S::param_leaves{}, typename S::vjp_param{}, first);
  os << "\n\\end{aligned}";
  return os.str();
}

// For `using namespace costate::prelude` (costate/prelude.hpp).
namespace prelude {
using costate::to_latex;
using costate::latex_adjoint;
}  // namespace prelude
}  // namespace costate
