// Every tensor operation in costate::operations through the framework (tests/op_test.hpp): values in
// double, float and complex against a plain loop, VJPs against the complex step and differences, to
// second order.
#include <catch2/catch.hpp>

#include "costate/codegen/latex.hpp"
#include "operation_specs.hpp"

using namespace costate;

namespace {
template <class... Ops>
void expect_tensor_operations(detail::tlist<Ops...>) {
  ([] {
    if constexpr (detail::tensor_operation<Ops>) {
      DYNAMIC_SECTION(Ops::name) { costate::test::expect_operation<Ops>(); }
    }
  }(), ...);
}
}  // namespace

TEST_CASE("every tensor operation: values in double, float and complex, VJPs to second order", "[tensor][framework]") {
  expect_tensor_operations(operations{});
}

TEST_CASE("roll and shift by negative, zero and large place counts", "[tensor][framework]") {
  using costate::test::expect_operation;
  using costate::test::roll_spec;
  using costate::test::shift_spec;
  SECTION("roll") {
    expect_operation<roll_op<1>, roll_spec<-1>>();
    expect_operation<roll_op<1>, roll_spec<0>>();
    expect_operation<roll_op<1>, roll_spec<7>>();
    expect_operation<roll_op<1>, roll_spec<-6>>();
  }
  SECTION("shift") {
    expect_operation<shift_op<1>, shift_spec<-1>>();
    expect_operation<shift_op<1>, shift_spec<0>>();
    expect_operation<shift_op<1>, shift_spec<4>>();
    expect_operation<shift_op<1>, shift_spec<-4>>();
  }
  constexpr auto z = state_vector<5>;
  CHECK(to_string(roll<-2>(z)) == "roll<-2>(z[0:5])");
  CHECK(to_string(shift<3>(z)) == "shift<3>(z[0:5])");
}

TEST_CASE("an operation's parameters are printed and order its nodes", "[print][framework]") {
  constexpr auto z = state_vector<4>;
  constexpr auto x = state<0>;
  CHECK(to_string(slice<2, 2>(z)) == "slice<2, 2>(z[0:4])");
  CHECK(to_string(slice<0, 2>(z)) == "slice<0, 2>(z[0:4])");
  CHECK(to_string(component<3>(z)) == "component<3>(z[0:4])");
  CHECK(to_string(detail::make<broadcast_op<shape<2, 3>>, std::remove_cvref_t<decltype(x)>>()) == "broadcast<2, 3>(z0)");
  CHECK(to_string(detail::make<embed_op<1, 6>, std::remove_cvref_t<decltype(z)>>()) == "embed<1, 6>(z[0:4])");
  CHECK(to_string(pow(x, -2_c)) == "z0^-2");
  CHECK(to_latex(slice<2, 2>(z)).find("\\operatorname{slice}_{2, 2}") != std::string::npos);
  // Nodes of one operation order by its parameters, lexicographically; operations by their place in the list.
  STATIC_REQUIRE(detail::compare<decltype(slice<0, 2>(z)), decltype(slice<2, 2>(z))>::value < 0);
  STATIC_REQUIRE(detail::compare<decltype(slice<2, 1>(z)), decltype(slice<2, 2>(z))>::value < 0);
  STATIC_REQUIRE(detail::compare<decltype(pow(x, 3_c)), decltype(pow(x, -2_c))>::value > 0);
  STATIC_REQUIRE(detail::compare<decltype(x + x), decltype(x * x)>::value < 0);
  STATIC_REQUIRE(detail::op_position<add_op>::value == 0);
  STATIC_REQUIRE(detail::op_position<slice_op<7, 1>>::value == detail::op_position<slice_op<0, 1>>::value);
}
