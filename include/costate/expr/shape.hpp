// Compile-time shapes: shape<> is a scalar, shape<n> a vector, shape<r, c> a row-major matrix.
// Every expression has one (expr/shape_of.hpp); values of non-scalar shape live in contiguous,
// fixed-size storage.
#pragma once

#include <cstddef>

namespace costate {

template <std::size_t... D>
struct shape {
  static constexpr std::size_t rank = sizeof...(D);
  static constexpr std::size_t size = (D * ... * std::size_t{1});
  static constexpr std::size_t dims[sizeof...(D) + 1] = {D..., 0};
};

using scalar_shape = shape<>;

}  // namespace costate
