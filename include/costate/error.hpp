// The one exception type of the library: every runtime misuse or numerical failure throws it with
// a message that says what went wrong and where (which argument, which pass, which time).
#pragma once

#include <stdexcept>
#include <string>

namespace costate {

class error : public std::runtime_error {
 public:
  explicit error(const std::string& what) : std::runtime_error("costate: " + what) {}
  // The message without the "costate: " prefix (to extend it when rethrowing).
  std::string message() const { return std::string(what()).substr(9); }
};

// For `using namespace costate::prelude` (costate/prelude.hpp).
namespace prelude {
using costate::error;
}  // namespace prelude
}  // namespace costate
