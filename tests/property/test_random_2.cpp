// Random expressions, part 2 of 4 (see random_expression.hpp): each part compiles its own systems.
#include "random_expression.hpp"

TEST_CASE("random expressions against the complex step of an independent evaluation, part 2", "[property]") {
  costate::property::check_part<2>();
}
