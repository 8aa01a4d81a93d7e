// The shape of an expression, checked at compile time.
//
// Elementwise operations (every operation without a `result_shape` of its own: +, -, *, /, tanh, ...)
// broadcast scalars: their operands are scalars or tensors of one common shape. Tensor operations
// (matrix products, sum, dot, ...) declare `result_shape` and check their operands there. A mismatch
// stops compilation in a template whose name and arguments say what is wrong, e.g.
//   elementwise_shape_mismatch<shape<16>, shape<3>>
//   matrix_vector_product_shape_mismatch<16, 2, 3>   (matrix<16,2> * vector<3>: inner dimensions differ)
#pragma once

#include "costate/expr/node.hpp"
#include "costate/expr/shape.hpp"

namespace costate {
namespace detail {

// A vector<R> beside a matrix<R, C> stands for each of the matrix's columns (a bias added to a batch).
template <class V, class M>
inline constexpr bool broadcasts_along_columns = V::rank == 1 && M::rank == 2 && V::dims[0] == M::dims[0];
// A matrix<1, C> beside a matrix<R, C> stands for each of its rows (a per-sample value in a batch).
template <class W, class M>
inline constexpr bool broadcasts_along_rows = W::rank == 2 && M::rank == 2 && W::dims[0] == 1 && W::dims[1] == M::dims[1];

template <class S1, class S2>
struct elementwise_shape_mismatch {
  static_assert(S1::rank == 0 || S2::rank == 0 || __is_same(S1, S2) || broadcasts_along_columns<S1, S2> ||
                    broadcasts_along_columns<S2, S1> || broadcasts_along_rows<S1, S2> || broadcasts_along_rows<S2, S1>,
                "costate: an elementwise operation (+ - * / tanh ...) needs operands of one shape, scalars, or a "
                "vector<R> beside a matrix<R, C> (see the template arguments for the two shapes)");
  using type = pick_t<(S1::rank > S2::rank) || (S1::rank == 2 && S2::rank == 2 && S1::dims[0] > S2::dims[0]), S1, S2>;
};

template <class... S> struct broadcast_shape { using type = shape<>; };
template <class S> struct broadcast_shape<S> { using type = S; };
template <class S1, class S2, class... Rest>
struct broadcast_shape<S1, S2, Rest...> {
  using type = typename broadcast_shape<typename elementwise_shape_mismatch<S1, S2>::type, Rest...>::type;
};

template <class Op, class... S>
struct op_result_shape {
  using type = typename broadcast_shape<S...>::type;
};
template <class Op, class... S>
  requires requires { typename Op::template result_shape<S...>; }
struct op_result_shape<Op, S...> {
  using type = typename Op::template result_shape<S...>;
};

template <class E> struct shape_of_impl { using type = shape<>; };  // constants
template <symbol_kind K, std::size_t I, class S> struct shape_of_impl<symbol<K, I, S>> { using type = S; };
template <class Op, class... A>
struct shape_of_impl<node<Op, A...>> {
  using type = typename op_result_shape<Op, typename shape_of_impl<A>::type...>::type;
};

}  // namespace detail

namespace detail {
// cv and references stripped by specializations (remove_cvref_t would instantiate two classes per type).
template <class E> struct shape_of_impl<const E> : shape_of_impl<E> {};
template <class E> struct shape_of_impl<E&> : shape_of_impl<E> {};
template <class E> struct shape_of_impl<E&&> : shape_of_impl<E> {};
}  // namespace detail

template <class E> using shape_of_t = typename detail::shape_of_impl<E>::type;

template <class E> inline constexpr bool is_scalar_v = shape_of_t<E>::rank == 0;

}  // namespace costate
