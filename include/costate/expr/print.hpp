// Printing expressions as readable infix: `std::cout << (a*x - b*x*y)` prints `θ0*z0 - θ1*z0*z1`.
//
// The printer is parameterised by a style (how symbols, constants and operators are spelled) so that
// the same precedence logic serves the plain form here and the C++ and LaTeX printers in codegen/.
// Each operation supplies its own notation (expr/notation.hpp); nothing here lists operations.
#pragma once

#include <cstdint>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>

#include "costate/expr/node.hpp"
#include "costate/expr/notation.hpp"
#include "costate/expr/operation.hpp"

namespace costate {

// Plain text: z0, θ0, u0, λ0, t; rationals as exact decimals where possible.
struct plain_style {
  static void symbol(std::ostream& os, symbol_kind k, std::size_t i) {
    switch (k) {
      case symbol_kind::state: os << 'z' << i; break;
      case symbol_kind::param: os << "θ" << i; break;
      case symbol_kind::input: os << 'u' << i; break;
      case symbol_kind::adjoint: os << "λ" << i; break;
      case symbol_kind::time: os << 't'; break;
    }
  }
  // A tensor symbol: the range of values it covers, z[0:2], θ[32:48].
  static void block(std::ostream& os, symbol_kind k, std::size_t offset, std::size_t size) {
    switch (k) {
      case symbol_kind::state: os << 'z'; break;
      case symbol_kind::param: os << "θ"; break;
      case symbol_kind::input: os << 'u'; break;
      case symbol_kind::adjoint: os << "λ"; break;
      case symbol_kind::time: os << 't'; break;
    }
    os << '[' << offset << ':' << offset + size << ']';
  }
  static void constant(std::ostream& os, std::intmax_t n, std::intmax_t d) {
    if (d == 1) { os << n; return; }
    std::intmax_t p = 1;
    int digits = 0;
    while (p % d != 0 && digits < 18) { p *= 10; ++digits; }
    if (p % d != 0) { os << n << '/' << d; return; }  // not a finite decimal: 1/3
    const std::intmax_t m = n * (p / d), a = m < 0 ? -m : m;
    std::string frac = std::to_string(a % p);
    frac = std::string(static_cast<std::size_t>(digits) - frac.size(), '0') + frac;
    os << (m < 0 ? "-" : "") << a / p << '.' << frac;
  }
  static const char* op(const notation& n) { return n.symbol; }
  static constexpr const char* infix_space = " ";
  static constexpr bool latex = false;
  static constexpr bool cpp = false;  // C++ spells powers as std::pow (codegen/cpp.hpp)
};

namespace detail {

template <class Style, class E> struct printer;

template <class Style, symbol_kind K, std::size_t I, class S>
struct printer<Style, symbol<K, I, S>> {
  static constexpr int precedence = costate::precedence::atom;
  static void print(std::ostream& os) {
    if constexpr (S::rank == 0) Style::symbol(os, K, I);
    else Style::block(os, K, I, S::size);
  }
};

template <class Style, std::intmax_t N, std::intmax_t D>
struct printer<Style, constant<N, D>> {
  // A negative or fractional constant binds like a unary minus or a quotient.
  static constexpr int precedence =
      N < 0 ? costate::precedence::sum : (D != 1 ? costate::precedence::product : costate::precedence::atom);
  static void print(std::ostream& os) { Style::constant(os, N, D); }
};

template <class Style, class E>
void print_operand(std::ostream& os, int min_precedence) {
  if (printer<Style, E>::precedence < min_precedence) {
    os << (Style::latex ? "\\left(" : "(");
    printer<Style, E>::print(os);
    os << (Style::latex ? "\\right)" : ")");
  } else {
    printer<Style, E>::print(os);
  }
}

template <class Style, class Op, class... A>
struct printer<Style, node<Op, A...>> {
  static constexpr notation note = Op::note;
  static constexpr int precedence = note.precedence;
  static void print(std::ostream& os) {
    if constexpr (note.form == notation::infix) {
      print_infix<A...>(os);
    } else if constexpr (note.form == notation::prefix) {
      os << Style::op(note);
      (print_operand<Style, A>(os, precedence + 1), ...);
    } else if constexpr (note.form == notation::power && Style::cpp) {
      os << "std::pow(";
      (printer<Style, A>::print(os), ...);
      os << ", " << op_parameters<Op>()[0] << ')';
    } else if constexpr (note.form == notation::power) {  // the exponent is the operation's parameter
      (print_operand<Style, A>(os, costate::precedence::power + 1), ...);
      if constexpr (Style::latex) os << "^{" << op_parameters<Op>()[0] << '}';
      else os << '^' << op_parameters<Op>()[0];
    } else if constexpr (Style::latex && std::string_view(note.latex) == "\\sqrt") {  // \sqrt takes a group
      os << "\\sqrt{";
      (printer<Style, A>::print(os), ...);
      os << '}';
    } else {  // function call
      if constexpr (Style::cpp) os << cpp_spelling<Op>();
      else os << Style::op(note);
      print_parameters<Op>(os);
      os << (Style::latex ? "\\left(" : "(");
      bool first = true;
      ((os << (first ? "" : ", "), first = false, printer<Style, A>::print(os)), ...);
      os << (Style::latex ? "\\right)" : ")");
    }
  }
  // slice<2, 2>(z[0:4]), \\operatorname{slice}_{2, 2}(...): what the user wrote, not only the name.
  template <class O>
  static void print_parameters(std::ostream& os) {
    constexpr auto p = op_parameters<O>();
    if constexpr (p.size() > 0 && !Style::cpp) {
      os << (Style::latex ? "_{" : "<");
      for (std::size_t i = 0; i < p.size(); ++i) os << (i == 0 ? "" : ", ") << p[i];
      os << (Style::latex ? "}" : ">");
    }
  }
  template <class L, class R>
  static void print_infix(std::ostream& os) {
    // Left operand may share the precedence (a - b - c); the right one only if associative.
    print_operand<Style, L>(os, precedence);
    if (note.precedence == costate::precedence::product && !Style::latex) {
      os << Style::op(note);
    } else {
      os << Style::infix_space << Style::op(note) << Style::infix_space;
    }
    print_operand<Style, R>(os, note.associative ? precedence : precedence + 1);
  }
};

}  // namespace detail

template <class Style = plain_style, Expr E>
void print(std::ostream& os, E) {
  detail::printer<Style, E>::print(os);
}

template <class Style = plain_style, Expr E>
std::string to_string(E e) {
  std::ostringstream os;
  print<Style>(os, e);
  return os.str();
}

template <Expr E>
std::ostream& operator<<(std::ostream& os, E e) {
  print(os, e);
  return os;
}

// For `using namespace costate::prelude` (costate/prelude.hpp).
namespace prelude {
using costate::to_string;
}  // namespace prelude
}  // namespace costate
