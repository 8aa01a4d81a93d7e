// costate/error.hpp alone: the exception costate throws.
#include <costate/error.hpp>

#include <exception>

int main() {
  try {
    throw costate::error("costate: test");
  } catch (const std::exception& e) {
    return e.what()[0] == 'c' ? 0 : 1;
  }
}
