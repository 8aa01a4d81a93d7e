// Every tensor operation in costate::operations through the framework (tests/op_test.hpp): values in
// double, float and complex against a plain loop, VJPs against the complex step and differences, to
// second order.
#include <catch2/catch.hpp>

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
