// How an operation is written. Each operation declares its notation next to its value and
// derivative rules; the printers (plain text here, C++ and LaTeX in codegen/) only read it.
#pragma once

namespace costate {

struct notation {
  enum form_t { infix, prefix, function, power } form;
  const char* symbol;     // "+", "-", "tanh", ...
  const char* latex;      // LaTeX spelling of the symbol or function name
  int precedence;         // larger binds tighter; atoms and function calls bind tightest
  bool associative = false;
};

namespace precedence {
inline constexpr int sum = 10;
inline constexpr int product = 20;
inline constexpr int unary = 30;
inline constexpr int power = 40;
inline constexpr int atom = 100;
}  // namespace precedence

}  // namespace costate
