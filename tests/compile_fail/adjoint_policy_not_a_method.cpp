// options' second template argument is the adjoint method: anything else is named as the mistake.
#include <costate/solve/options.hpp>
using namespace costate;
#ifdef COSTATE_CF_CONTROL
[[maybe_unused]] const options<dopri5, checkpointed> opt{};
#else
[[maybe_unused]] const options<dopri5, double> opt{};
#endif
int main() {}
