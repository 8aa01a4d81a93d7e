// The operators users write: a*x - b*x*y, pow(x, 3_c), ... (each function of one operation, tanh(u),
// sum(v), slice<0, 2>(z), is in its operation's header).
//
// They build nodes exactly as written (no simplification), so a system prints as the user wrote it.
// Plain numbers are rejected: a double inside a formula would be invisible to the type, so it could
// be neither folded nor printed. Use a compile-time literal (2_c) or a runtime input<k>.
#pragma once

#include <type_traits>

#include "costate/expr/constant.hpp"
#include "costate/expr/node.hpp"
#include "costate/expr/ops.hpp"
#include "costate/expr/shape_of.hpp"

namespace costate {

namespace detail {
template <class T>
concept plain_number = !__is_class(T) && std::is_arithmetic<std::remove_cvref_t<T>>::value;  // (classes cheaply rejected)

template <class T>
constexpr void reject_plain_number() {
  static_assert(dependent_false<T>,
                "costate: a plain number (double, int, ...) cannot appear in an expression, because its value "
                "would not be part of the formula's type. Use a compile-time literal such as 2_c or 0.5_c, "
                "or a runtime input<k> symbol bound with sys.with_inputs(...)");
}
}  // namespace detail

// (The operation and the shapes are checked in the operator itself, as detail::make does: one function
// per node, not two.)
template <Expr A, Expr B> constexpr node<add_op, A, B> operator+(A, B) {
  static_assert(detail::checked_operation<add_op, shape<>, shape<>>::value && sizeof(shape_of_t<node<add_op, A, B>>) > 0);
  return {};
}
template <Expr A, Expr B> constexpr node<sub_op, A, B> operator-(A, B) {
  static_assert(detail::checked_operation<sub_op, shape<>, shape<>>::value && sizeof(shape_of_t<node<sub_op, A, B>>) > 0);
  return {};
}
template <Expr A, Expr B> constexpr node<div_op, A, B> operator/(A, B) {
  static_assert(detail::checked_operation<div_op, shape<>, shape<>>::value && sizeof(shape_of_t<node<div_op, A, B>>) > 0);
  return {};
}
template <Expr A> constexpr node<neg_op, A> operator-(A) { return detail::make<neg_op, A>(); }

// Matrix × vector and matrix × matrix are products; everything else multiplies elementwise,
// broadcasting scalars (a*x, 2_c*v, u*v for vectors of one length).
template <Expr A, Expr B>
constexpr auto operator*(A, B) {
  if constexpr (shape_of_t<A>::rank == 2 && shape_of_t<B>::rank == 1) return detail::make<matvec_op, A, B>();
  else if constexpr (shape_of_t<A>::rank == 2 && shape_of_t<B>::rank == 2) return detail::make<matmul_op, A, B>();
  else {
    static_assert(detail::checked_operation<mul_op, shape<>, shape<>>::value && sizeof(shape_of_t<node<mul_op, A, B>>) > 0);
    return node<mul_op, A, B>{};
  }
}
/// hadamard(a, b): the product value by value, for any shapes `*` multiplies elementwise and also for
/// two matrices (grids, state_matrix), where `a * b` is the matrix product.
template <Expr A, Expr B>
constexpr auto hadamard(A, B) {
  static_assert(detail::checked_operation<mul_op, shape<>, shape<>>::value && sizeof(shape_of_t<node<mul_op, A, B>>) > 0);
  return node<mul_op, A, B>{};
}
namespace prelude {  // (costate/prelude.hpp)
using costate::hadamard;
}  // namespace prelude
// -2_c is the constant -2, not a negation node.
template <std::intmax_t N, std::intmax_t D> constexpr constant<-N, D> operator-(constant<N, D>) { return {}; }
template <Expr A> constexpr A operator+(A) { return {}; }

// The deduced return type instantiates the body at the call, so the static_assert is the first error
// a user sees (a declared void would first report "'void e' has incomplete type"); returning the
// expression keeps follow-on errors away.
#define COSTATE_REJECT_NUMBER(OP)                                                               \
  template <Expr A, detail::plain_number N> constexpr auto operator OP(A a, N) { detail::reject_plain_number<N>(); return a; } \
  template <detail::plain_number N, Expr A> constexpr auto operator OP(N, A a) { detail::reject_plain_number<N>(); return a; }
COSTATE_REJECT_NUMBER(+)
COSTATE_REJECT_NUMBER(-)
COSTATE_REJECT_NUMBER(*)
COSTATE_REJECT_NUMBER(/)
#undef COSTATE_REJECT_NUMBER

// |a|² = dot(a, a)
template <Expr A> constexpr auto norm2(A) { return detail::make<dot_op, A, A>(); }

// pow(x, 3_c) is an integer power (exact for negative x); pow(x, 0.5_c) or pow(x, a) a real power.
template <Expr A, Expr B>
constexpr auto pow(A, B) {
  if constexpr (Constant<B>) {
    if constexpr (B::den == 1 && B::num >= -64 && B::num <= 64)
      return detail::make<pow_int_op<static_cast<int>(B::num)>, A>();
    else
      return detail::make<pow_op, A, B>();
  } else {
    return detail::make<pow_op, A, B>();
  }
}
template <Expr A, detail::plain_number N> constexpr auto pow(A a, N) { detail::reject_plain_number<N>(); return a; }

// x² written as square(x): a common case that reads better than pow(x, 2_c).
template <Expr A> constexpr node<pow_int_op<2>, A> square(A) { return detail::make<pow_int_op<2>, A>(); }

// For `using namespace costate::prelude` (costate/prelude.hpp).
namespace prelude {
using costate::norm2;
using costate::pow;
using costate::square;
}  // namespace prelude
}  // namespace costate
