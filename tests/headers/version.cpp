// costate/version.hpp alone: the macros and the constant agree.
#include <costate/version.hpp>

static_assert(COSTATE_VERSION == costate::library_version.major * 10000 + costate::library_version.minor * 100 +
                                     costate::library_version.patch);
int main() {}
