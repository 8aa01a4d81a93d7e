// The per-operation test framework: one call, expect_operation<Op>(), checks everything an operation
// states (expr/operation.hpp) against an independent definition given by its spec, op_spec<Op>
// (tests/expr/operation_specs.hpp). Every entry of costate::operations must have a spec, or the
// build fails (all_specified, below).
//
// An elementwise operation's spec gives apply(a, ...) (how the user writes it), value(a, ...) (its
// definition in plain <cmath> doubles), points (operand values away from kinks and poles) and edges
// (inputs at 0, kinks, ±inf and NaN, with the value and the derivatives the operation documents).
// expect_operation then checks, at every point,
//   - the value in double against the definition, and in float and std::complex<double>;
//   - each first derivative, forward (derivative_t) and reverse (vjp_t), against the complex step
//     (to 1e-12) and against central differences (to 1e-7);
//   - each second derivative against the complex step and central differences of the first;
// at every edge the value and the forward derivatives; and the same operation on tensors: a vector,
// a matrix, and for two operands vector ⊙ vector, vector ⊙ scalar, scalar ⊙ vector and a vector
// beside a matrix (broadcast along its columns), values element by element and VJPs (below).
// A tensor operation's spec gives operand shapes, apply and value (a plain loop over the operands'
// flat, row-major values); expect_operation checks the value in double, float and complex, and VJPs.
//
// VJPs of a tensor expression E (check_vjps): for random λ, λᵀ∂E/∂X for every state X of E against
// the complex step of λᵀE and against central differences, and the VJP of that VJP (second order,
// for random μ) against the complex step of μᵀ(λᵀ∂E/∂X).
//
// cpp_program() writes a program with to_cpp of every elementwise operation and of its derivatives,
// evaluated at its points and edges against the template path's values;
// tests/expr/test_operations_elementwise.cpp compiles it (warning-free) and runs it.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdio>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "costate/codegen/cpp.hpp"
#include "costate/expr/derivative.hpp"
#include "costate/expr/operation.hpp"
#include "costate/expr/operators.hpp"
#include "costate/expr/ops.hpp"
#include "costate/expr/plan.hpp"
#include "costate/expr/print.hpp"
#include "costate/expr/reverse.hpp"
#include "costate/expr/shape_of.hpp"

namespace costate::test {

// One spec per entry of the list of operations (a parametrised operation: per family, keyed by the
// list's entry).
template <class Op> struct op_spec;

template <std::size_t N>
struct edge {
  std::array<double, N> at;
  double value;
  std::array<double, N> slope;  // ∂/∂a_k
};

inline constexpr double inf = std::numeric_limits<double>::infinity();
inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// Equal to `want` within rel·|want| + floor; an infinity must be met exactly and a NaN by a NaN.
inline bool agrees(double got, double want, double rel, double floor = 0) {
  if (std::isnan(want)) return std::isnan(got);
  if (std::isinf(want)) return got == want;
  return std::abs(got - want) <= rel * std::abs(want) + floor;
}

template <class S> inline constexpr std::size_t size_of = S::rank == 0 ? 1 : S::size;

// E's value, row-major, with the states z and adjoints lam (store<Shape> broadcasts a scalar result).
template <class Shape = void, class T, class E>
std::vector<T> values(E, const std::vector<T>& z, const std::vector<T>& lam = {}) {
  using S = std::conditional_t<std::is_void_v<Shape>, shape_of_t<E>, Shape>;
  std::vector<T> out(size_of<S>);
  const context<T> c{z.data(), lam.empty() ? nullptr : lam.data(), nullptr, nullptr, 0.0};
  plan<E>::run(c, [&](auto, const auto& v) { store<S>(out.data(), v); });
  return out;
}

template <class T> std::vector<T> as(const std::vector<double>& v) { return std::vector<T>(v.begin(), v.end()); }

constexpr double complex_step = 1e-30;

// ∂f/∂z_j of f: z → double by the complex step (f evaluated in complex) and by fourth-order central differences.
template <class F>
double by_complex_step(F&& f, const std::vector<double>& z, std::size_t j) {
  auto zc = as<std::complex<double>>(z);
  zc[j] += std::complex<double>(0, complex_step);
  return f(zc).imag() / complex_step;
}
template <class F>
double by_differences(F&& f, const std::vector<double>& z, std::size_t j) {
  const double h = 1e-3 * std::max(1.0, std::abs(z[j]));
  const auto at = [&](double d) { auto w = z; w[j] += d; return f(w); };
  return (-at(2 * h) + 8 * at(h) - 8 * at(-h) + at(-2 * h)) / (12 * h);
}

template <class T> T weighted(const std::vector<T>& v, const std::vector<double>& w) {
  T s{};
  for (std::size_t i = 0; i < v.size(); ++i) s += w[i] * v[i];
  return s;
}

// λᵀ∂E/∂X for every state block X of E, and the VJP of each (second order): see the top of the file.
template <class E>
void check_vjps(E, const std::vector<double>& z, unsigned seed) {
  using S = shape_of_t<E>;
  using Lam = symbol<symbol_kind::adjoint, 0, S>;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> lam(size_of<S>);
  for (auto& v : lam) v = u(rng);
  const auto first = [&]<class X>(X) {
    using V = vjp_t<detail::tlist<E>, detail::tlist<Lam>, X>;
    using XS = typename X::shape_type;
    const auto got = values<XS>(V{}, z, lam);
    INFO(to_string(E{}) << "\nVJP with respect to " << to_string(X{}) << " = " << to_string(V{}));
    for (std::size_t j = 0; j < size_of<XS>; ++j) {
      const auto f = [&]<class T>(const std::vector<T>& w) { return weighted(values(E{}, w), lam); };
      const double cs = by_complex_step(f, z, X::index + j), cd = by_differences(f, z, X::index + j);
      INFO("component " << j << ": reverse sweep " << got[j] << ", complex step " << cs << ", differences " << cd);
      CHECK(agrees(got[j], cs, 1e-12, 1e-14));
      CHECK(agrees(got[j], cd, 1e-7, 1e-9));
    }
    // Second order: μᵀ(λᵀ∂E/∂X) differentiated again, with μ after λ among the adjoints.
    using Mu = symbol<symbol_kind::adjoint, size_of<S>, XS>;
    std::vector<double> lm = lam;
    for (std::size_t j = 0; j < size_of<XS>; ++j) lm.push_back(u(rng));
    const std::vector<double> mu(lm.begin() + static_cast<std::ptrdiff_t>(size_of<S>), lm.end());
    const auto second = [&]<class Y>(Y) {
      using W = vjp_t<detail::tlist<V>, detail::tlist<Mu>, Y>;
      using YS = typename Y::shape_type;
      const auto got2 = values<YS>(W{}, z, lm);
      INFO("second order with respect to " << to_string(Y{}) << ": " << to_string(W{}));
      for (std::size_t j = 0; j < size_of<YS>; ++j) {
        const auto g = [&]<class T>(const std::vector<T>& w) { return weighted(values<XS>(V{}, w, as<T>(lm)), mu); };
        const double cs = by_complex_step(g, z, Y::index + j);
        INFO("component " << j << ": " << got2[j] << ", complex step " << cs);
        CHECK(agrees(got2[j], cs, 1e-10, 1e-13));
      }
    };
    [&]<class... Y>(detail::tlist<Y...>) { (second(Y{}), ...); }(detail::leaves_t<symbol_kind::state, E>{});
  };
  [&]<class... X>(detail::tlist<X...>) { (first(X{}), ...); }(detail::leaves_t<symbol_kind::state, E>{});
}

// Element i of an operand of shape SA of an elementwise result of shape SR (scalars and vectors beside
// matrices broadcast).
template <class SA, class SR>
constexpr std::size_t operand_element(std::size_t i) {
  if constexpr (SA::rank == 0) return 0;
  else if constexpr (SA::rank == 1 && SR::rank == 2) return i / SR::dims[1];
  else if constexpr (SA::rank == 2 && SR::rank == 2 && SA::dims[0] == 1 && SR::dims[0] != 1) return i % SR::dims[1];
  else return i;
}

template <class Op, class E>
constexpr bool formed_by() {
  if constexpr (detail::is_node<E>::value) return detail::same_name(E::op::name, Op::name);
  else return false;
}

// The operation applied to the state blocks X... (scalars, vectors, matrices): values element by element
// against the definition, and VJPs. Operand k's elements take the k-th values of the spec's points.
template <class Op, class Spec, class... X>
void expect_elementwise_on(unsigned seed) {
  using E = decltype(Spec::apply(X{}...));
  static_assert(formed_by<Op, E>(), "the spec's apply must form the operation under test");
  using S = shape_of_t<E>;
  std::vector<double> z(std::max({(X::index + size_of<typename X::shape_type>)...}));
  std::size_t k = 0;
  ((([&] {
      for (std::size_t j = 0; j < size_of<typename X::shape_type>; ++j)
        z[X::index + j] = Spec::points[j % Spec::points.size()][k];
    }()), ++k), ...);
  INFO(to_string(E{}));
  const auto got = values(E{}, z);
  for (std::size_t i = 0; i < size_of<S>; ++i)
    CHECK(agrees(got[i], Spec::value(z[X::index + operand_element<typename X::shape_type, S>(i)]...), 1e-14));
  check_vjps(E{}, z, seed);
}

template <class Op, class Spec, std::size_t... K>
void expect_elementwise(std::index_sequence<K...>) {
  using E = decltype(Spec::apply(symbol<symbol_kind::state, K>{}...));
  static_assert(formed_by<Op, E>(), "the spec's apply must form the operation under test");
  constexpr std::size_t n = sizeof...(K);
  // At every point: values, first and second derivatives.
  for (const auto& p : Spec::points) {
    const std::vector<double> z(p.begin(), p.end());
    const double v = values(E{}, z)[0];
    INFO(to_string(E{}) << " at " << z[0] << (n > 1 ? ", " + std::to_string(z[n - 1]) : std::string()));
    CHECK(agrees(v, Spec::value(p[K]...), 1e-14));
    CHECK(agrees(values(E{}, as<float>(z))[0], v, 2e-6, 1e-6));
    CHECK(agrees(values(E{}, as<std::complex<double>>(z))[0].real(), v, 1e-15));
    const auto f = [&]<class T>(const std::vector<T>& w) { return values(E{}, w)[0]; };
    const auto per_operand = [&]<std::size_t I>(std::integral_constant<std::size_t, I>) {
      using D = derivative_t<E, symbol<symbol_kind::state, I>>;
      using V = vjp_t<detail::tlist<E>, detail::tlist<one>, symbol<symbol_kind::state, I>>;
      const double cs = by_complex_step(f, z, I), cd = by_differences(f, z, I);
      INFO("∂/∂z" << I << " = " << to_string(D{}) << ": complex step " << cs << ", differences " << cd);
      CHECK(agrees(values(D{}, z)[0], cs, 1e-12, 1e-15));
      CHECK(agrees(values(V{}, z)[0], cs, 1e-12, 1e-15));
      CHECK(agrees(cd, cs, 1e-7, 1e-9));
      const auto df = [&]<class T>(const std::vector<T>& w) { return values(D{}, w)[0]; };
      const auto per_second = [&]<std::size_t J>(std::integral_constant<std::size_t, J>) {
        using DD = derivative_t<D, symbol<symbol_kind::state, J>>;
        const double cs2 = by_complex_step(df, z, J), cd2 = by_differences(df, z, J);
        INFO("∂²/∂z" << I << "∂z" << J << " = " << to_string(DD{}) << ": complex step " << cs2 << ", differences " << cd2);
        CHECK(agrees(values(DD{}, z)[0], cs2, 1e-10, 1e-13));
        CHECK(agrees(cd2, cs2, 1e-6, 1e-8));
      };
      (per_second(std::integral_constant<std::size_t, K>{}), ...);
    };
    (per_operand(std::integral_constant<std::size_t, K>{}), ...);
  }
  // Edges: what the operation's header documents.
  for (const auto& e : Spec::edges) {
    const std::vector<double> z(e.at.begin(), e.at.end());
    INFO(to_string(E{}) << " at the edge " << z[0] << (n > 1 ? ", " + std::to_string(z[n - 1]) : std::string()));
    CHECK(agrees(values(E{}, z)[0], e.value, 1e-15));
    const auto slope = [&]<std::size_t I>(std::integral_constant<std::size_t, I>) {
      using D = derivative_t<E, symbol<symbol_kind::state, I>>;
      INFO("∂/∂z" << I << " = " << to_string(D{}) << ", documented " << e.slope[I]);
      CHECK(agrees(values(D{}, z)[0], e.slope[I], 1e-15));
    };
    (slope(std::integral_constant<std::size_t, K>{}), ...);
  }
  // On tensors.
  using v3 = symbol<symbol_kind::state, 0, shape<3>>;
  using m23 = symbol<symbol_kind::state, 0, shape<2, 3>>;
  if constexpr (n == 1) {
    expect_elementwise_on<Op, Spec, v3>(1);
    expect_elementwise_on<Op, Spec, m23>(2);
  } else if constexpr (n == 2) {
    expect_elementwise_on<Op, Spec, v3, symbol<symbol_kind::state, 3, shape<3>>>(3);
    expect_elementwise_on<Op, Spec, v3, symbol<symbol_kind::state, 3>>(4);
    expect_elementwise_on<Op, Spec, symbol<symbol_kind::state, 0>, symbol<symbol_kind::state, 1, shape<3>>>(5);
    // (vector first: matrix * vector is a matrix product)
    expect_elementwise_on<Op, Spec, symbol<symbol_kind::state, 0, shape<2>>, symbol<symbol_kind::state, 2, shape<2, 3>>>(6);
  }
}

template <class Op, class Spec, class... S>
void expect_tensor(detail::tlist<S...>) {
  constexpr std::size_t n = sizeof...(S);
  constexpr std::array<std::size_t, n> sizes{size_of<S>...};
  constexpr auto offsets = [&] {
    std::array<std::size_t, n> o{};
    for (std::size_t k = 1; k < n; ++k) o[k] = o[k - 1] + sizes[k - 1];
    return o;
  }();
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    using E = decltype(Spec::apply(symbol<symbol_kind::state, offsets[K], S>{}...));
    static_assert(formed_by<Op, E>(), "the spec's apply must form the operation under test");
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::vector<double> z(offsets[n - 1] + sizes[n - 1]);
    for (auto& v : z) v = u(rng);
    INFO(to_string(E{}));
    const auto got = values(E{}, z);
    const std::array<std::vector<double>, n> operands{
        std::vector<double>(z.begin() + static_cast<std::ptrdiff_t>(offsets[K]),
                            z.begin() + static_cast<std::ptrdiff_t>(offsets[K] + sizes[K]))...};
    const std::vector<double> want = Spec::value(operands);
    REQUIRE(want.size() == got.size());
    const auto in_float = values(E{}, as<float>(z));
    const auto in_complex = values(E{}, as<std::complex<double>>(z));
    for (std::size_t i = 0; i < got.size(); ++i) {
      INFO("element " << i);
      CHECK(agrees(got[i], want[i], 1e-14, 1e-15));
      CHECK(agrees(in_float[i], got[i], 2e-6, 1e-6));
      CHECK(agrees(in_complex[i].real(), got[i], 1e-15));
      CHECK(in_complex[i].imag() == 0);
    }
    check_vjps(E{}, z, 11);
  }(std::make_index_sequence<n>{});
}

// Everything about one operation, as its spec describes it.
template <class Op, class Spec = op_spec<Op>>
void expect_operation() {
  if constexpr (detail::tensor_operation<Op>) expect_tensor<Op, Spec>(typename Spec::operands{});
  else expect_elementwise<Op, Spec>(std::make_index_sequence<Spec::points[0].size()>{});
}

// C++ (to_cpp) of an elementwise operation and of its first derivatives at its points and edges, as
// functions of z, with the template path's values: appended to `body` as checks of a program that
// counts its disagreements in `bad`.
inline std::string cpp_number(double v) {
  if (std::isnan(v)) return "NAN";
  if (std::isinf(v)) return v > 0 ? "INFINITY" : "-INFINITY";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}
template <class Op, class Spec, std::size_t... K>
void cpp_checks(std::ostringstream& functions, std::ostringstream& body, int& next, std::index_sequence<K...>) {
  using E = decltype(Spec::apply(symbol<symbol_kind::state, K>{}...));
  const auto one_expression = [&]<class F>(F) {
    const int id = next++;
    functions << "static double f" << id << "(const double* z) {\n  (void)z;\n  return " << to_cpp(F{}) << ";\n}\n";
    const auto at = [&](const std::vector<double>& z) {
      body << "  { const double z[] = {";
      for (std::size_t i = 0; i < z.size(); ++i) body << (i ? ", " : "") << cpp_number(z[i]);
      body << "};\n    if (!agrees(f" << id << "(z), " << cpp_number(values(F{}, z)[0]) << ")) { ++bad; std::printf(\"" << Op::name
           << ": " << to_string(F{}) << " differs\\n\"); } }\n";
    };
    for (const auto& p : Spec::points) at(std::vector<double>(p.begin(), p.end()));
    for (const auto& e : Spec::edges) at(std::vector<double>(e.at.begin(), e.at.end()));
  };
  one_expression(E{});
  (one_expression(derivative_t<E, symbol<symbol_kind::state, K>>{}), ...);
}

// The program: helpers of the operations in List, one function per expression, main() returns the
// number of disagreements (to 1e-14 relative; NaN must meet NaN).
template <class List, class... Ops>
std::string cpp_program(detail::tlist<Ops...>) {
  std::ostringstream functions, body;
  int next = 0;
  ([&] {
    if constexpr (!detail::tensor_operation<Ops>)
      cpp_checks<Ops, op_spec<Ops>>(functions, body, next, std::make_index_sequence<op_spec<Ops>::points[0].size()>{});
  }(), ...);
  std::ostringstream os;
  os << "#include <cmath>\n#include <cstdio>\n\n" << cpp_helpers<List>() << '\n'
     << "static bool agrees(double a, double b) {\n  if (std::isnan(b)) return std::isnan(a);\n  if (std::isinf(b)) return a == b;\n"
     << "  return std::fabs(a - b) <= 1e-14 * std::fabs(b) + 1e-300;\n}\n"
     << functions.str() << "\nint main() {\n  int bad = 0;\n" << body.str()
     << "  std::printf(\"%d of " << next << " expressions differ somewhere\\n\", bad);\n  return bad;\n}\n";
  return os.str();
}

}  // namespace costate::test

namespace costate::test {
template <class Op> struct operation_has_no_spec {
  static_assert(detail::dependent_false<Op>, "costate test: an operation in the list has no op_spec (tests/expr/operation_specs.hpp)");
};
template <class Op>
concept specified = requires { sizeof(op_spec<Op>); };
// Every operation in the list has a spec: the build fails naming the one without.
template <class... Ops>
constexpr bool all_specified(detail::tlist<Ops...>) {
  return ((sizeof(detail::pick_t<specified<Ops>, std::true_type, operation_has_no_spec<Ops>>) > 0) && ...);
}
}  // namespace costate::test
