// An operation in the tested list without a spec for the per-operation test framework.
#include "../expr/operation_specs.hpp"
struct lonely_op {
  static constexpr const char* name = "lonely";
};
#ifdef COSTATE_CF_CONTROL
template <> struct costate::test::op_spec<lonely_op> {};
#endif
static_assert(costate::test::all_specified(costate::detail::push_back<costate::operations, lonely_op>::type{}));
int main() {}
