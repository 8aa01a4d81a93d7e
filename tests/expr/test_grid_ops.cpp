// The grid operations along the axes of matrices and with a reflecting boundary (roll, shift, edge and
// edge's transpose, expr/ops/{roll,shift,edge,edge_t}.hpp) through the operation framework: values in
// double, float and complex against a plain loop, VJPs to second order against the complex step and
// differences, at place counts 0, negative and beyond the length, and on 1×C and R×1 matrices.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "operation_specs.hpp"

using namespace costate;
using costate::test::expect_operation;
using costate::test::grid_kind;
using costate::test::grid_spec;

namespace {
template <grid_kind G> struct op_of;
template <> struct op_of<grid_kind::roll> { using type = roll_op<1>; };
template <> struct op_of<grid_kind::shift> { using type = shift_op<1>; };
template <> struct op_of<grid_kind::edge> { using type = edge_op<1>; };
template <> struct op_of<grid_kind::edge_t> { using type = edge_t_op<1>; };
template <grid_kind G, int Axis, class S, std::ptrdiff_t... K>
void expect_grid() {
  (expect_operation<typename op_of<G>::type, grid_spec<G, K, Axis, S>>(), ...);
}
template <class E> std::string text(E e) {
  std::ostringstream os;
  os << e;
  return os.str();
}
}  // namespace

TEST_CASE("edge and edge_t on a vector: the end values repeat, the transpose adds them back", "[tensor][framework][grid]") {
  expect_grid<grid_kind::edge, 0, shape<5>, 2, -1, 0, 7, -6>();
  expect_grid<grid_kind::edge_t, 0, shape<5>, 2, -1, 0, 7, -6>();
}

TEST_CASE("roll, shift, edge and edge_t along the rows (axis 0) of a matrix", "[tensor][framework][grid]") {
  expect_grid<grid_kind::roll, 0, shape<3, 4>, 1, -2, 0, 5>();
  expect_grid<grid_kind::shift, 0, shape<3, 4>, 1, -2, 0>();
  expect_grid<grid_kind::edge, 0, shape<3, 4>, 1, -1, 0, 4>();
  expect_grid<grid_kind::edge_t, 0, shape<3, 4>, 1, -1, 4>();
}

TEST_CASE("roll, shift, edge and edge_t along the columns (axis 1) of a matrix", "[tensor][framework][grid]") {
  expect_grid<grid_kind::roll, 1, shape<3, 4>, 1, -1, 0, 6>();
  expect_grid<grid_kind::shift, 1, shape<3, 4>, 1, -3, 0>();
  expect_grid<grid_kind::edge, 1, shape<3, 4>, 1, -2, 0, -5>();
  expect_grid<grid_kind::edge_t, 1, shape<3, 4>, 1, -2, 5>();
}

TEST_CASE("the grid operations on a single row (1×C) and a single column (R×1)", "[tensor][framework][grid]") {
  expect_grid<grid_kind::roll, 0, shape<1, 4>, 1>();
  expect_grid<grid_kind::shift, 0, shape<1, 4>, 0>();
  expect_grid<grid_kind::edge, 0, shape<1, 4>, 1>();
  expect_grid<grid_kind::edge_t, 0, shape<1, 4>, 2>();
  expect_grid<grid_kind::roll, 1, shape<1, 4>, -1>();
  expect_grid<grid_kind::shift, 1, shape<1, 4>, 2>();
  expect_grid<grid_kind::edge, 1, shape<1, 4>, 1>();
  expect_grid<grid_kind::edge_t, 1, shape<1, 4>, -1>();
  expect_grid<grid_kind::roll, 0, shape<3, 1>, 1>();
  expect_grid<grid_kind::shift, 0, shape<3, 1>, -1>();
  expect_grid<grid_kind::edge, 0, shape<3, 1>, 2>();
  expect_grid<grid_kind::edge_t, 0, shape<3, 1>, 1>();
  expect_grid<grid_kind::roll, 1, shape<3, 1>, 1>();
  expect_grid<grid_kind::shift, 1, shape<3, 1>, 0>();
  expect_grid<grid_kind::edge, 1, shape<3, 1>, -1>();
  expect_grid<grid_kind::edge_t, 1, shape<3, 1>, 1>();
}

TEST_CASE("grid operations print their place count, and their axis when it is not 0", "[print][grid]") {
  constexpr auto m = state_matrix<3, 4>;
  constexpr auto v = state_vector<5>;
  CHECK(text(roll<-1, 1>(m)) == "roll<-1, 1>(z[0:12])");
  CHECK(text(roll<2, 0>(m)) == "roll<2>(z[0:12])");
  CHECK(text(shift<1, 1>(m)) == "shift<1, 1>(z[0:12])");
  CHECK(text(edge<1>(v)) == "edge<1>(z[0:5])");
  CHECK(text(edge<-1, 1>(m)) == "edge<-1, 1>(z[0:12])");
  CHECK(text(edge_t<2>(v)) == "edge_t<2>(z[0:5])");
  // The VJP of edge is its transpose, and the transpose's VJP is edge again.
  CHECK(text(vjp_t<detail::tlist<decltype(edge<1, 1>(m))>, detail::tlist<symbol<symbol_kind::adjoint, 0, shape<3, 4>>>,
                   std::remove_cvref_t<decltype(m)>>{}) == "edge_t<1, 1>(λ[0:12])");
  CHECK(text(vjp_t<detail::tlist<decltype(roll<1, 1>(m))>, detail::tlist<symbol<symbol_kind::adjoint, 0, shape<3, 4>>>,
                   std::remove_cvref_t<decltype(m)>>{}) == "roll<-1, 1>(λ[0:12])");
  // Nodes of one operation order by place count, then axis.
  STATIC_REQUIRE(detail::compare<decltype(roll<1>(m)), decltype(roll<1, 1>(m))>::value < 0);
  STATIC_REQUIRE(detail::compare<decltype(edge<-1, 1>(m)), decltype(edge<1>(m))>::value < 0);
}
