// An elementwise operation whose eval takes only double: the complex step could not evaluate it.
#include <costate/expr/operators.hpp>
#include <costate/expr/ops.hpp>
#include <costate/expr/symbol.hpp>
using namespace costate;
struct twice_op {
  static constexpr const char* name = "twice";
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "twice", "\\operatorname{twice}", precedence::atom};
  static constexpr const char* cpp = "costate_twice";
#ifdef COSTATE_CF_CONTROL
  template <class T> static T eval(const T& a) { return a + a; }
#else
  static double eval(double a) { return a + a; }
#endif
  template <class Self, class A> using partials = detail::tlist<constant<2>>;
};
template <Expr A> constexpr auto twice(A) { return detail::make<twice_op, A>(); }
int main() { [[maybe_unused]] constexpr auto e = twice(state<0>); }
