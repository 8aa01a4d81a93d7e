// An elementwise operation without its partial derivatives.
#include <costate/expr/operators.hpp>
#include <costate/expr/ops.hpp>
#include <costate/expr/symbol.hpp>
using namespace costate;
struct twice_op {
  static constexpr const char* name = "twice";
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "twice", "\\operatorname{twice}", precedence::atom};
  static constexpr const char* cpp = "costate_twice";
  template <class T> static T eval(const T& a) { return a + a; }
#ifdef COSTATE_CF_CONTROL
  template <class Self, class A> using partials = detail::tlist<constant<2>>;
#endif
};
template <Expr A> constexpr auto twice(A) { return detail::make<twice_op, A>(); }
int main() { [[maybe_unused]] constexpr auto e = twice(state<0>); }
