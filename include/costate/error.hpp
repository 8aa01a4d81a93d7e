// The one exception type of the library: every runtime misuse or numerical failure throws it with
// a message that says what went wrong and where (which argument, which pass, which time).
#pragma once

#include <stdexcept>
#include <string>

namespace costate {

/// The one exception type of the library. Every runtime misuse (a non-finite `z0[i]`, a bad tolerance,
/// unsorted observation times, ...) and every numerical failure (a pass out of steps, a step size
/// underflow, a non-finite loss) throws it; `what()` starts with "costate: " and says what went wrong
/// and where: which argument, which pass, at which time.
class error : public std::runtime_error {
 public:
  /// Prefixes `what` with "costate: ".
  explicit error(const std::string& what) : std::runtime_error("costate: " + what) {}
  // The message without the "costate: " prefix (to extend it when rethrowing).
  /// The message without the "costate: " prefix, to extend it when rethrowing.
  std::string message() const { return std::string(what()).substr(9); }
};

// For `using namespace costate::prelude` (costate/prelude.hpp).
namespace prelude {
using costate::error;
}  // namespace prelude
}  // namespace costate
