// The list of operations. Adding an operation: one header in ops/ (the protocol is in
// expr/operation.hpp) and one line in `operations` below; its place in the list orders its nodes
// among the others (the canonical operand order of commutative operations, expr/order.hpp).
#pragma once

#include <cstddef>

#include "costate/expr/node.hpp"
#include "costate/expr/operation.hpp"

#include "costate/expr/ops/abs.hpp"
#include "costate/expr/ops/add.hpp"
#include "costate/expr/ops/broadcast.hpp"
#include "costate/expr/ops/col_dot.hpp"
#include "costate/expr/ops/col_sum.hpp"
#include "costate/expr/ops/component.hpp"
#include "costate/expr/ops/concat.hpp"
#include "costate/expr/ops/cos.hpp"
#include "costate/expr/ops/div.hpp"
#include "costate/expr/ops/dot.hpp"
#include "costate/expr/ops/edge.hpp"
#include "costate/expr/ops/edge_t.hpp"
#include "costate/expr/ops/embed.hpp"
#include "costate/expr/ops/exp.hpp"
#include "costate/expr/ops/log.hpp"
#include "costate/expr/ops/matmul.hpp"
#include "costate/expr/ops/matmul_nt.hpp"
#include "costate/expr/ops/matmul_tn.hpp"
#include "costate/expr/ops/matvec.hpp"
#include "costate/expr/ops/matvec_t.hpp"
#include "costate/expr/ops/mul.hpp"
#include "costate/expr/ops/neg.hpp"
#include "costate/expr/ops/outer.hpp"
#include "costate/expr/ops/pow.hpp"
#include "costate/expr/ops/pow_int.hpp"
#include "costate/expr/ops/relu.hpp"
#include "costate/expr/ops/repeat_rows.hpp"
#include "costate/expr/ops/row_sum.hpp"
#include "costate/expr/ops/roll.hpp"
#include "costate/expr/ops/scatter.hpp"
#include "costate/expr/ops/shift.hpp"
#include "costate/expr/ops/sigmoid.hpp"
#include "costate/expr/ops/sign.hpp"
#include "costate/expr/ops/sin.hpp"
#include "costate/expr/ops/slice.hpp"
#include "costate/expr/ops/softplus.hpp"
#include "costate/expr/ops/spread.hpp"
#include "costate/expr/ops/sqrt.hpp"
#include "costate/expr/ops/step.hpp"
#include "costate/expr/ops/sub.hpp"
#include "costate/expr/ops/sum.hpp"
#include "costate/expr/ops/tan.hpp"
#include "costate/expr/ops/tanh.hpp"

namespace costate {

// One entry per operation; an operation with template parameters (slice<offset, n>, ...) appears once,
// with any parameters: its name stands for all of them.
using operations = detail::tlist<
    // Scalar operations; applied to tensors they act elementwise, broadcasting scalar operands.
    add_op, sub_op, mul_op, div_op, neg_op, pow_int_op<2>, pow_op, sqrt_op, exp_op, log_op, sin_op, cos_op, tan_op,
    tanh_op, sigmoid_op, softplus_op, sign_op, abs_op, step_op, relu_op,
    // Tensor operations: each evaluates itself and states its vector-Jacobian product.
    matvec_op, matvec_t_op, outer_op, matmul_op, matmul_nt_op, matmul_tn_op, sum_op, broadcast_op<shape<1>>, dot_op,
    component_op<0>, scatter_op<0, 1>, concat_op, slice_op<0, 1>, embed_op<0, 1>, row_sum_op, spread_op<1>,
    col_sum_op, repeat_rows_op<1>, col_dot_op, roll_op<1>, shift_op<1>, edge_op<1>, edge_t_op<1>>;

namespace detail {
constexpr bool same_name(const char* a, const char* b) {
  while (*a != '\0' && *a == *b) ++a, ++b;
  return *a == *b;
}
constexpr int compare_names(const char* a, const char* b) {
  while (*a != '\0' && *a == *b) ++a, ++b;
  return *a == *b ? 0 : (static_cast<unsigned char>(*a) < static_cast<unsigned char>(*b) ? -1 : 1);
}
// The position of the entry named `name` in the list; an operation outside it (defined by a user)
// comes after all of the list's, ordered by name.
template <class... Ops>
constexpr std::size_t position_by_name(const char* name, tlist<Ops...>) {
  constexpr const char* names[] = {Ops::name...};
  for (std::size_t i = 0; i < sizeof...(Ops); ++i)
    if (same_name(names[i], name)) return i;
  return sizeof...(Ops);
}
template <class... Ops>
constexpr bool names_unique(tlist<Ops...>) {
  constexpr const char* names[] = {Ops::name...};
  for (std::size_t i = 0; i < sizeof...(Ops); ++i)
    for (std::size_t j = i + 1; j < sizeof...(Ops); ++j)
      if (same_name(names[i], names[j])) return false;
  return true;
}
static_assert(names_unique(operations{}), "costate: two operations in costate::operations share a name");

template <class Op> struct op_position : std::integral_constant<std::size_t, position_by_name(Op::name, operations{})> {};
}  // namespace detail

}  // namespace costate
