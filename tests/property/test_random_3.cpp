// Random expressions, part 3 of 4 (see random_expression.hpp): each part compiles its own systems.
#include "random_expression.hpp"

TEST_CASE("random expressions against the complex step of an independent evaluation, part 3", "[property]") {
  using namespace costate::property;
  const tally s = check_part<3>();
  INFO("worst derivative: " << s.derivative.where << "\nworst VJP: " << s.vjp.where);
  CHECK(std::max({s.value.error, s.simplified.error, s.derivative.error, s.vjp.error}) <= tolerance);
  CHECK(missing_operations(s).empty());
  CHECK(s.reused > 0);    // repeated subtrees occurred
  CHECK(s.patterns > 0);  // and patterns that simplify
  CHECK(s.systems - s.skipped >= minimum_checked);
}
