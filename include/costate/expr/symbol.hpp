// The symbols users write: state<i>, param<j>, input<k>, t — and λ (adjoint<i>), which only
// derived expressions contain. Each is its own empty type, so `state<0>` in two places is one node.
#pragma once

#include <cstddef>
#include <tuple>

#include "costate/expr/node.hpp"
#include "costate/expr/shape.hpp"

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

// Tensor symbols: a vector of n states from z[offset], a vector of n inputs from u[offset].
template <std::size_t N, std::size_t Offset = 0>
inline constexpr symbol<symbol_kind::state, Offset, shape<N>> state_vector{};
template <std::size_t N, std::size_t Offset = 0>
inline constexpr symbol<symbol_kind::input, Offset, shape<N>> input_vector{};
// A grid of R×C states z[offset : offset + R·C], row-major (z[offset + r·C + c] is row r, column c);
// the grid operations roll, shift and edge move it along either axis. Elementwise functions and
// + - / act on it value by value; `*` of two matrices is the matrix product, so the product of two
// grids value by value is written hadamard(u, v) (a scalar or coefficient times a grid is `*`).
template <std::size_t R, std::size_t C, std::size_t Offset = 0>
inline constexpr symbol<symbol_kind::state, Offset, shape<R, C>> state_matrix{};
// An R×C matrix of inputs u[offset : offset + R·C], row-major: constant data that is not
// differentiated (a stencil or coupling matrix A in A * z, a coefficient field), bound with
// `sys.with_inputs(values)`.
template <std::size_t R, std::size_t C, std::size_t Offset = 0>
inline constexpr symbol<symbol_kind::input, Offset, shape<R, C>> input_matrix{};

// Parameter blocks packed into the one flat θ, offsets assigned in order at compile time:
//   constexpr auto net = params(matrix<16, 2>, vector<16>, matrix<2, 16>, vector<2>);   // 82 values
//   constexpr auto W1 = net.get<0>();   // θ[0:32], row-major; b1 = θ[32:48]; ...
template <std::size_t R, std::size_t C> struct matrix_block { using shape_type = shape<R, C>; };
template <std::size_t N> struct vector_block { using shape_type = shape<N>; };
struct scalar_block { using shape_type = shape<>; };
template <std::size_t R, std::size_t C> inline constexpr matrix_block<R, C> matrix{};
template <std::size_t N> inline constexpr vector_block<N> vector{};
// The same block under a name that does not collide with std::vector (the prelude's spelling).
template <std::size_t N> inline constexpr vector_block<N> vec{};
inline constexpr scalar_block scalar{};

template <std::size_t Offset, class... Blocks>
struct param_pack {
  static constexpr std::size_t offset = Offset;
  static constexpr std::size_t size = (std::size_t{0} + ... + Blocks::shape_type::size);
  static constexpr std::size_t count = sizeof...(Blocks);
  template <std::size_t I>
  static constexpr std::size_t offset_of() {
    constexpr std::size_t sizes[] = {Blocks::shape_type::size..., 0};
    std::size_t o = Offset;
    for (std::size_t k = 0; k < I; ++k) o += sizes[k];
    return o;
  }
  template <std::size_t I>
  constexpr auto get() const {
    static_assert(I < sizeof...(Blocks), "costate::params: get<I>() with I beyond the number of blocks");
    using block = std::tuple_element_t<I, std::tuple<Blocks...>>;
    return symbol<symbol_kind::param, offset_of<I>(), typename block::shape_type>{};
  }
};
// Blocks from θ[0]; params_from<k>(...) starts at θ[k] (to follow scalar param<0..k-1>).
template <class... Blocks> constexpr param_pack<0, Blocks...> params(Blocks...) { return {}; }
template <std::size_t Offset, class... Blocks> constexpr param_pack<Offset, Blocks...> params_from(Blocks...) { return {}; }

// For `using namespace costate::prelude` (costate/prelude.hpp).
namespace prelude {
using costate::input;
using costate::input_matrix;
using costate::input_vector;
using costate::matrix;
using costate::param;
using costate::params;
using costate::params_from;
using costate::scalar;
using costate::state;
using costate::state_matrix;
using costate::state_vector;
using costate::t;
using costate::vec;
}  // namespace prelude
}  // namespace costate
