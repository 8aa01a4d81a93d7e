// xtensor at the boundary: views of parameter blocks (and gradients) shaped like the block.
//
//   constexpr auto W1 = net.get<0>();            // matrix<16, 2> at θ[0:32]
//   auto w = view(theta, W1);                    // 16×2 xtensor view into theta: w(r, c) = θ[2r + c]
//   auto dW1 = view(g.dtheta, W1);               // the gradient, shaped like W1
//
// The views adapt the flat arrays without copying, so writing through them changes θ. Inside the
// right-hand side costate computes on plain arrays (see expr/plan.hpp); this header is opt-in and
// needs Debian's libxtensor-dev.
#pragma once

#include <array>
#include <cstddef>
#include <utility>

#include <xtensor/xadapt.hpp>

#include "costate/expr/node.hpp"
#include "costate/expr/shape.hpp"

namespace costate {

namespace detail {
template <class S, std::size_t... I>
constexpr std::array<std::size_t, S::rank> shape_array(std::index_sequence<I...>) {
  return {S::dims[I]...};
}
}  // namespace detail

// A view of the values of tensor symbol `sym` inside `flat` (θ, a gradient, a state vector).
template <class Flat, symbol_kind K, std::size_t I, class S>
auto view(Flat& flat, symbol<K, I, S>) {
  static_assert(S::rank >= 1, "costate::view: a scalar symbol is flat[index] itself");
  static_assert(std::tuple_size_v<std::remove_cv_t<Flat>> >= I + S::size,
                "costate::view: the array is shorter than the block reaches");
  return xt::adapt(flat.data() + I, S::size, xt::no_ownership(),
                   detail::shape_array<S>(std::make_index_sequence<S::rank>{}));
}

}  // namespace costate
