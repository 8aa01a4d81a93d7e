// A tensor operation without a VJP rule.
#include <costate/expr/operators.hpp>
#include <costate/expr/ops.hpp>
#include <costate/expr/symbol.hpp>
using namespace costate;
struct total_op {
  static constexpr const char* name = "total";
  static constexpr bool tensor = true;
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "total", "\\operatorname{total}", precedence::atom};
  template <class S> using result_shape = shape<>;
  template <class T, class S, class X> static void eval(T* out, const X& x) {
    out[0] = T(0);
    for (std::size_t i = 0; i < S::size; ++i) out[0] += T(x[i]);
  }
#ifdef COSTATE_CF_CONTROL
  template <std::size_t K, class Self, class Adj, class X> using vjp = node<broadcast_op<shape_of_t<X>>, Adj>;
#endif
};
template <Expr A> constexpr auto total(A) { return detail::make<total_op, A>(); }
int main() { [[maybe_unused]] constexpr auto e = total(state_vector<3>); }
