// The operation protocol: what an operation states, checked when a node is formed.
//
// An operation is an empty struct Op with
//   name         static constexpr const char*, unique among the operations (expr/ops.hpp checks it);
//                the list's order of names orders nodes (expr/order.hpp), so no number is picked by hand
//   note         its notation (expr/notation.hpp)
//   commutative  (two operands) whether they may be put in canonical order
//   parameters   (operations with template parameters) std::array<std::intmax_t, K> of them, in the
//                order the user writes them: printed after the name, slice<2, 2>(z[0:4]), and ordered
// and either, for an elementwise operation (applied to tensors it acts element by element and
// broadcasts scalars),
//   eval         template <class T> static T eval(const T&...): double, float and std::complex<double>
//                (check_gradient's complex step evaluates every operation in complex arithmetic)
//   partials     template <class Self, class... A> using partials = tlist<∂Self/∂a_1, ...>
//   cpp          (function notation) its C++ spelling for generated code, "std::sin"; a function
//                that <cmath> lacks is spelled costate_<name> and its definition is `cpp_definition`
// or, for a tensor operation (tensor = true),
//   result_shape template <class... S> using result_shape = shape of the result for operand shapes S
//   eval         template <class T, class... S, class... V> static void eval(T* out, const V&...)
//                (a scalar operand by value, a tensor operand as something indexable)
//   vjp          template <size_t K, class Self, class Adj, class... A> using vjp = adj(a_K) contribution
//
// detail::make<Op, A...>() (and the arithmetic operators) check the protocol once per operation and
// operand shapes; what is missing stops compilation in a template named after it, with the operation
// as its argument: elementwise_operation_does_not_evaluate_in_complex<cube_op>.
#pragma once

#include <array>
#include <complex>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "costate/expr/node.hpp"
#include "costate/expr/notation.hpp"
#include "costate/expr/shape.hpp"
#include "costate/expr/shape_of.hpp"

namespace costate {
namespace detail {

// The real part of a scalar: operations with a branch (abs, step, sigmoid, ...) branch on it, so that a
// complex step stays analytic in the perturbation.
template <class T> constexpr double real_part(const T& a) { return static_cast<double>(a); }
template <class T> constexpr double real_part(const std::complex<T>& a) { return static_cast<double>(a.real()); }

// Operations that are not elementwise evaluate themselves into their slot (matrix products, sums...).
template <class Op>
concept tensor_operation = requires { Op::tensor; };

template <class Op> constexpr auto op_parameters() {
  if constexpr (requires { Op::parameters; }) return Op::parameters;
  else return std::array<std::intmax_t, 0>{};
}

// A shape's dimensions as an operation's parameters (broadcast<S>).
template <class S> constexpr std::array<std::intmax_t, S::rank> shape_parameters() {
  std::array<std::intmax_t, S::rank> p{};
  for (std::size_t i = 0; i < S::rank; ++i) p[i] = static_cast<std::intmax_t>(S::dims[i]);
  return p;
}

// How generated C++ calls an operation written as a function: its own spelling (the name for tensor
// operations, which have no C++ expression form).
template <class Op> constexpr const char* cpp_spelling() {
  if constexpr (requires { Op::cpp; }) return Op::cpp;
  else return Op::note.symbol;
}

// An operand of shape S stands in the checks below as a state symbol of that shape.
template <class S> using operand_placeholder = symbol<symbol_kind::state, 0, S>;
template <class S, class T> using scalar_as = T;
template <class S, class T> using tensor_argument = pick_t<S::rank == 0, T, const T*>;

template <class Op>
concept named_operation = requires {
  { Op::name } -> std::convertible_to<const char*>;
  { Op::note } -> std::convertible_to<notation>;
};

template <class Op, class... S>
concept evaluates_in_double = requires(scalar_as<S, double>... a) {
  { Op::eval(a...) } -> std::convertible_to<double>;
};
template <class Op, class... S>
concept evaluates_in_complex = requires(scalar_as<S, std::complex<double>>... a) {
  { Op::eval(a...) } -> std::convertible_to<std::complex<double>>;
};
template <class Op, class... S>
concept states_partials = requires {
  typename Op::template partials<node<Op, operand_placeholder<scalar_as<S, shape<>>>...>, operand_placeholder<scalar_as<S, shape<>>>...>;
  requires Op::template partials<node<Op, operand_placeholder<scalar_as<S, shape<>>>...>,
                                 operand_placeholder<scalar_as<S, shape<>>>...>::size == sizeof...(S);
};
template <class Op>
concept spelled_in_cpp = Op::note.form != notation::function || requires {
  { Op::cpp } -> std::convertible_to<const char*>;
};

template <class Op, class... S>
concept states_result_shape = requires { typename Op::template result_shape<S...>; };
template <class Op, class... S>
concept evaluates_tensor_in_complex =
    requires(std::complex<double>* out, tensor_argument<S, std::complex<double>>... a) {
      Op::template eval<std::complex<double>, S...>(out, a...);
    };
template <class Op, class Is, class... S> struct vjp_rules;
template <class Op, std::size_t... K, class... S>
struct vjp_rules<Op, std::index_sequence<K...>, S...> {
  using self = node<Op, operand_placeholder<S>...>;
  using adj = symbol<symbol_kind::adjoint, 0, shape_of_t<self>>;
  static constexpr bool value = (requires { typename Op::template vjp<K, self, adj, operand_placeholder<S>...>; } && ...);
};
template <class Op, class... S>
concept states_vjp = vjp_rules<Op, std::index_sequence_for<S...>, S...>::value;

// What an operation must state, for operands of shapes S (elementwise: only their number matters).
template <class Op, class... S>
concept states_commutativity = sizeof...(S) != 2 || requires { { Op::commutative } -> std::convertible_to<bool>; };
template <class Op, class... S>
concept elementwise_operation = evaluates_in_double<Op, S...> && evaluates_in_complex<Op, S...> &&
                                states_partials<Op, S...> && spelled_in_cpp<Op> && states_commutativity<Op, S...>;
template <class Op, class... S>
concept tensor_operation_for = states_result_shape<Op, S...> && evaluates_tensor_in_complex<Op, S...> && states_vjp<Op, S...> &&
                               states_commutativity<Op, S...>;
template <class Op, class... S>
concept operation = named_operation<Op> && ((tensor_operation<Op> && tensor_operation_for<Op, S...>) ||
                                            (!tensor_operation<Op> && elementwise_operation<Op, scalar_as<S, shape<>>...>));

// The diagnostics: the first line of the error names the template, so the operation and what it lacks.
template <class Op> struct operation_lacks_name_or_notation {
  static_assert(dependent_false<Op>, "costate: an operation states `static constexpr const char* name` (unique) and "
                                     "`static constexpr notation note` (expr/operation.hpp)");
};
template <class Op> struct elementwise_operation_does_not_evaluate_in_double {
  static_assert(dependent_false<Op>, "costate: an elementwise operation needs `template <class T> static T eval(const T&...)`, "
                                     "one argument per operand (expr/operation.hpp)");
};
template <class Op> struct elementwise_operation_does_not_evaluate_in_complex {
  static_assert(dependent_false<Op>, "costate: an elementwise operation's eval must accept std::complex<double>: the complex "
                                     "step of check_gradient evaluates every operation in complex arithmetic");
};
template <class Op> struct elementwise_operation_has_no_partials {
  static_assert(dependent_false<Op>, "costate: an elementwise operation needs `template <class Self, class... A> using partials "
                                     "= detail::tlist<...>`, one partial derivative per operand");
};
template <class Op> struct elementwise_operation_has_no_cpp_spelling {
  static_assert(dependent_false<Op>, "costate: an operation written as a function call needs `static constexpr const char* cpp`, "
                                     "its spelling in generated C++ (and `cpp_definition` if <cmath> lacks it)");
};
template <class Op> struct binary_operation_does_not_state_commutativity {
  static_assert(dependent_false<Op>, "costate: an operation of two operands states `static constexpr bool commutative` "
                                     "(whether a*b and b*a may be put in one canonical order)");
};
template <class Op> struct tensor_operation_has_no_result_shape {
  static_assert(dependent_false<Op>, "costate: a tensor operation needs `template <class... S> using result_shape` for these "
                                     "operand shapes");
};
template <class Op> struct tensor_operation_does_not_evaluate_in_complex {
  static_assert(dependent_false<Op>, "costate: a tensor operation needs `template <class T, class... S, class... V> static void "
                                     "eval(T* out, const V&...)` that accepts T = std::complex<double>");
};
template <class Op> struct tensor_operation_has_no_vjp {
  static_assert(dependent_false<Op>, "costate: a tensor operation needs `template <std::size_t K, class Self, class Adj, "
                                     "class... A> using vjp` for every operand K");
};
struct operation_complete {};

template <class Op, class... S>
using operation_diagnostic =
    pick_t<!named_operation<Op>, operation_lacks_name_or_notation<Op>,
    pick_t<tensor_operation<Op>,
           pick_t<!states_result_shape<Op, S...>, tensor_operation_has_no_result_shape<Op>,
           pick_t<!evaluates_tensor_in_complex<Op, S...>, tensor_operation_does_not_evaluate_in_complex<Op>,
           pick_t<!states_vjp<Op, S...>, tensor_operation_has_no_vjp<Op>,
           pick_t<!states_commutativity<Op, S...>, binary_operation_does_not_state_commutativity<Op>, operation_complete>>>>,
           pick_t<!evaluates_in_double<Op, scalar_as<S, shape<>>...>, elementwise_operation_does_not_evaluate_in_double<Op>,
           pick_t<!evaluates_in_complex<Op, scalar_as<S, shape<>>...>, elementwise_operation_does_not_evaluate_in_complex<Op>,
           pick_t<!states_partials<Op, scalar_as<S, shape<>>...>, elementwise_operation_has_no_partials<Op>,
           pick_t<!spelled_in_cpp<Op>, elementwise_operation_has_no_cpp_spelling<Op>,
           pick_t<!states_commutativity<Op, scalar_as<S, shape<>>...>, binary_operation_does_not_state_commutativity<Op>,
                  operation_complete>>>>>>>;

// Checked once per operation and operand shapes (an elementwise operation: once per arity).
template <class Op, class... S>
struct operation_check
    : std::bool_constant<sizeof(pick_t<operation<Op, S...>, operation_complete, operation_diagnostic<Op, S...>>) != 0> {};
template <class Op, class... S>
using checked_operation = pick_t<tensor_operation<Op>, operation_check<Op, S...>, operation_check<Op, scalar_as<S, shape<>>...>>;

// Builds a node after checking the operation and its operands' shapes, so that an error points at the
// user's expression.
template <class Op, class... A>
constexpr node<Op, A...> make() {
  static_assert(checked_operation<Op, shape_of_t<A>...>::value && sizeof(shape_of_t<node<Op, A...>>) > 0);
  return {};
}

}  // namespace detail
}  // namespace costate
