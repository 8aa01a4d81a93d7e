// The symbols users write: state<i>, param<j>, input<k>, t — and λ (adjoint<i>), which only
// derived expressions contain. Each is its own empty type, so `state<0>` in two places is one node.
#pragma once

#include <cstddef>

#include "costate/expr/node.hpp"

namespace costate {

template <std::size_t I> inline constexpr symbol<symbol_kind::state, I> state{};
template <std::size_t I> inline constexpr symbol<symbol_kind::param, I> param{};
// Runtime data that is not differentiated (targets, forcing, fixed coefficients): values are bound
// to a system with `sys.with_inputs(values)`; never a hidden double inside the formula.
template <std::size_t I> inline constexpr symbol<symbol_kind::input, I> input{};
// The adjoint λ_i of state i, as it appears in derived vector-Jacobian products.
template <std::size_t I> inline constexpr symbol<symbol_kind::adjoint, I> adjoint{};
// The time symbol; ∂f/∂t is derived like every other partial.
inline constexpr symbol<symbol_kind::time, 0> t{};

}  // namespace costate
