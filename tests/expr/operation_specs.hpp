// The spec of every operation in costate::operations, for the framework in tests/op_test.hpp: how
// the user writes it, its definition in plain doubles (independent of costate), where to check it,
// and for elementwise operations its documented values and derivatives at edges (0, kinks, ±inf,
// NaN). The build fails if an operation in the list has no spec here.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <vector>

#include "../op_test.hpp"
#include "costate/expr/constant.hpp"
#include "costate/expr/operators.hpp"
#include "costate/expr/symbol.hpp"

namespace costate::test {

using vec = std::vector<double>;
template <std::size_t N> using operands_t = std::array<vec, N>;

// Points away from kinks and poles.
inline constexpr std::array<std::array<double, 1>, 4> any1{{{0.7}, {-0.4}, {1.9}, {-2.2}}};
inline constexpr std::array<std::array<double, 1>, 4> positive1{{{0.7}, {0.4}, {1.9}, {2.2}}};
inline constexpr std::array<std::array<double, 2>, 4> any2{{{0.7, -1.3}, {-0.4, 0.9}, {1.9, 0.35}, {-2.2, -0.6}}};

// ---- elementwise operations -------------------------------------------------------------------

template <> struct op_spec<add_op> {
  template <class A, class B> static constexpr auto apply(A a, B b) { return a + b; }
  static double value(double a, double b) { return a + b; }
  static constexpr auto points = any2;
  static constexpr std::array<edge<2>, 4> edges{{{{0, 0}, 0, {1, 1}}, {{inf, 1}, inf, {1, 1}}, {{inf, -inf}, nan, {1, 1}},
                                                 {{nan, 1}, nan, {1, 1}}}};
};
template <> struct op_spec<sub_op> {
  template <class A, class B> static constexpr auto apply(A a, B b) { return a - b; }
  static double value(double a, double b) { return a - b; }
  static constexpr auto points = any2;
  static constexpr std::array<edge<2>, 3> edges{{{{0, 0}, 0, {1, -1}}, {{inf, inf}, nan, {1, -1}}, {{nan, 0}, nan, {1, -1}}}};
};
template <> struct op_spec<mul_op> {
  template <class A, class B> static constexpr auto apply(A a, B b) { return a * b; }
  static double value(double a, double b) { return a * b; }
  static constexpr auto points = any2;
  static constexpr std::array<edge<2>, 4> edges{{{{0, 0}, 0, {0, 0}}, {{inf, 0}, nan, {0, inf}}, {{inf, 2}, inf, {2, inf}},
                                                 {{nan, 1}, nan, {1, nan}}}};
};
template <> struct op_spec<div_op> {
  template <class A, class B> static constexpr auto apply(A a, B b) { return a / b; }
  static double value(double a, double b) { return a / b; }
  static constexpr auto points = any2;
  // ∂/∂b = -(a/b)/b: 1/0 gives -inf, 0/0 NaN.
  static constexpr std::array<edge<2>, 4> edges{{{{1, 0}, inf, {inf, -inf}}, {{0, 0}, nan, {inf, nan}}, {{1, inf}, 0, {0, 0}},
                                                 {{nan, 1}, nan, {1, nan}}}};
};
template <> struct op_spec<neg_op> {
  template <class A> static constexpr auto apply(A a) { return -a; }
  static double value(double a) { return -a; }
  static constexpr auto points = any1;
  static constexpr std::array<edge<1>, 3> edges{{{{0}, 0, {-1}}, {{inf}, -inf, {-1}}, {{nan}, nan, {-1}}}};
};
template <> struct op_spec<pow_int_op<2>> {
  template <class A> static constexpr auto apply(A a) { return pow(a, 3_c); }
  static double value(double a) { return a * a * a; }
  static constexpr auto points = any1;
  static constexpr std::array<edge<1>, 4> edges{{{{0}, 0, {0}}, {{inf}, inf, {inf}}, {{-inf}, -inf, {inf}}, {{nan}, nan, {nan}}}};
};
template <> struct op_spec<pow_op> {
  template <class A, class B> static constexpr auto apply(A a, B b) { return pow(a, b); }
  static double value(double a, double b) { return std::pow(a, b); }
  static constexpr std::array<std::array<double, 2>, 4> points{{{0.7, 1.3}, {0.4, -0.9}, {1.9, 0.35}, {2.2, 2.6}}};
  // Defined for a > 0. At a = 0 the value is 0^b, ∂/∂b = 0^b · log 0 is NaN (0 · -inf) though its limit is 0.
  static constexpr std::array<edge<2>, 3> edges{{{{0, 2}, 0, {0, nan}}, {{1, inf}, 1, {inf, 0}}, {{nan, 1}, nan, {1, nan}}}};
};
template <> struct op_spec<sqrt_op> {
  template <class A> static constexpr auto apply(A a) { return sqrt(a); }
  static double value(double a) { return std::sqrt(a); }
  static constexpr auto points = positive1;
  static constexpr std::array<edge<1>, 4> edges{{{{0}, 0, {inf}}, {{inf}, inf, {0}}, {{-1}, nan, {nan}}, {{nan}, nan, {nan}}}};
};
template <> struct op_spec<exp_op> {
  template <class A> static constexpr auto apply(A a) { return exp(a); }
  static double value(double a) { return std::exp(a); }
  static constexpr auto points = any1;
  static constexpr std::array<edge<1>, 4> edges{{{{0}, 1, {1}}, {{inf}, inf, {inf}}, {{-inf}, 0, {0}}, {{nan}, nan, {nan}}}};
};
template <> struct op_spec<log_op> {
  template <class A> static constexpr auto apply(A a) { return log(a); }
  static double value(double a) { return std::log(a); }
  static constexpr auto points = positive1;
  // Below 0 the value is NaN while the derivative 1/a is finite.
  static constexpr std::array<edge<1>, 4> edges{{{{0}, -inf, {inf}}, {{inf}, inf, {0}}, {{-1}, nan, {-1}}, {{nan}, nan, {nan}}}};
};
template <> struct op_spec<sin_op> {
  template <class A> static constexpr auto apply(A a) { return sin(a); }
  static double value(double a) { return std::sin(a); }
  static constexpr auto points = any1;
  static constexpr std::array<edge<1>, 3> edges{{{{0}, 0, {1}}, {{inf}, nan, {nan}}, {{nan}, nan, {nan}}}};
};
template <> struct op_spec<cos_op> {
  template <class A> static constexpr auto apply(A a) { return cos(a); }
  static double value(double a) { return std::cos(a); }
  static constexpr auto points = any1;
  static constexpr std::array<edge<1>, 3> edges{{{{0}, 1, {0}}, {{inf}, nan, {nan}}, {{nan}, nan, {nan}}}};
};
template <> struct op_spec<tan_op> {
  template <class A> static constexpr auto apply(A a) { return tan(a); }
  static double value(double a) { return std::tan(a); }
  static constexpr std::array<std::array<double, 1>, 4> points{{{0.7}, {-0.4}, {1.2}, {-1.1}}};
  static constexpr std::array<edge<1>, 3> edges{{{{0}, 0, {1}}, {{inf}, nan, {nan}}, {{nan}, nan, {nan}}}};
};
template <> struct op_spec<tanh_op> {
  template <class A> static constexpr auto apply(A a) { return tanh(a); }
  static double value(double a) { return std::tanh(a); }
  static constexpr auto points = any1;
  static constexpr std::array<edge<1>, 4> edges{{{{0}, 0, {1}}, {{inf}, 1, {0}}, {{-inf}, -1, {0}}, {{nan}, nan, {nan}}}};
};
template <> struct op_spec<sigmoid_op> {
  template <class A> static constexpr auto apply(A a) { return sigmoid(a); }
  static double value(double a) { return 1 / (1 + std::exp(-a)); }
  static constexpr auto points = any1;
  static constexpr std::array<edge<1>, 5> edges{
      {{{0}, 0.5, {0.25}}, {{inf}, 1, {0}}, {{-inf}, 0, {0}}, {{-1000}, 0, {0}}, {{nan}, nan, {nan}}}};
};
template <> struct op_spec<softplus_op> {
  template <class A> static constexpr auto apply(A a) { return softplus(a); }
  static double value(double a) { return std::log(1 + std::exp(a)); }
  static constexpr auto points = any1;
  static constexpr std::array<edge<1>, 5> edges{{{{0}, 0.69314718055994530942, {0.5}}, {{inf}, inf, {1}}, {{-inf}, 0, {0}},
                                                 {{1000}, 1000, {1}}, {{nan}, nan, {nan}}}};
};
template <> struct op_spec<sign_op> {
  template <class A> static constexpr auto apply(A a) { return sign(a); }
  static double value(double a) { return a > 0 ? 1 : (a < 0 ? -1 : 0); }
  static constexpr auto points = any1;
  static constexpr std::array<edge<1>, 4> edges{{{{0}, 0, {0}}, {{inf}, 1, {0}}, {{-inf}, -1, {0}}, {{nan}, 0, {0}}}};
};
template <> struct op_spec<abs_op> {
  template <class A> static constexpr auto apply(A a) { return abs(a); }
  static double value(double a) { return std::fabs(a); }
  static constexpr auto points = any1;
  // The kink: abs'(0) = sign(0) = 0.
  static constexpr std::array<edge<1>, 4> edges{{{{0}, 0, {0}}, {{inf}, inf, {1}}, {{-inf}, inf, {-1}}, {{nan}, nan, {0}}}};
};
template <> struct op_spec<step_op> {
  template <class A> static constexpr auto apply(A a) { return step(a); }
  static double value(double a) { return a > 0 ? 1 : 0; }
  static constexpr auto points = any1;
  static constexpr std::array<edge<1>, 4> edges{{{{0}, 0, {0}}, {{inf}, 1, {0}}, {{-inf}, 0, {0}}, {{nan}, 0, {0}}}};
};
template <> struct op_spec<relu_op> {
  template <class A> static constexpr auto apply(A a) { return relu(a); }
  static double value(double a) { return a > 0 ? a : 0; }
  static constexpr auto points = any1;
  // The kink: relu'(0) = step(0) = 0.
  static constexpr std::array<edge<1>, 4> edges{{{{0}, 0, {0}}, {{inf}, inf, {1}}, {{-inf}, 0, {0}}, {{nan}, 0, {0}}}};
};

// ---- tensor operations: operand shapes and a plain loop over row-major values ------------------

template <> struct op_spec<matvec_op> {  // W·z
  using operands = detail::tlist<shape<3, 2>, shape<2>>;
  template <class W, class Z> static constexpr auto apply(W w, Z z) { return w * z; }
  static vec value(const operands_t<2>& x) {
    vec out(3, 0.0);
    for (std::size_t r = 0; r < 3; ++r)
      for (std::size_t c = 0; c < 2; ++c) out[r] += x[0][r * 2 + c] * x[1][c];
    return out;
  }
};
template <> struct op_spec<matvec_t_op> {  // Wᵀ·v
  using operands = detail::tlist<shape<3, 2>, shape<3>>;
  template <class W, class V> static constexpr auto apply(W, V) { return detail::make<matvec_t_op, W, V>(); }
  static vec value(const operands_t<2>& x) {
    vec out(2, 0.0);
    for (std::size_t r = 0; r < 3; ++r)
      for (std::size_t c = 0; c < 2; ++c) out[c] += x[0][r * 2 + c] * x[1][r];
    return out;
  }
};
template <> struct op_spec<outer_op> {
  using operands = detail::tlist<shape<3>, shape<2>>;
  template <class A, class B> static constexpr auto apply(A a, B b) { return outer(a, b); }
  static vec value(const operands_t<2>& x) {
    vec out(6);
    for (std::size_t r = 0; r < 3; ++r)
      for (std::size_t c = 0; c < 2; ++c) out[r * 2 + c] = x[0][r] * x[1][c];
    return out;
  }
};
// A (R×K) times B (K×C) with A and B read as stored or transposed.
inline vec product(const vec& a, const vec& b, std::size_t R, std::size_t K, std::size_t C, bool ta, bool tb) {
  vec out(R * C, 0.0);
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t k = 0; k < K; ++k) out[r * C + c] += (ta ? a[k * R + r] : a[r * K + k]) * (tb ? b[c * K + k] : b[k * C + c]);
  return out;
}
template <> struct op_spec<matmul_op> {
  using operands = detail::tlist<shape<2, 3>, shape<3, 4>>;
  template <class A, class B> static constexpr auto apply(A a, B b) { return a * b; }
  static vec value(const operands_t<2>& x) { return product(x[0], x[1], 2, 3, 4, false, false); }
};
template <> struct op_spec<matmul_nt_op> {  // A·Bᵀ
  using operands = detail::tlist<shape<2, 3>, shape<4, 3>>;
  template <class A, class B> static constexpr auto apply(A, B) { return detail::make<matmul_nt_op, A, B>(); }
  static vec value(const operands_t<2>& x) { return product(x[0], x[1], 2, 3, 4, false, true); }
};
template <> struct op_spec<matmul_tn_op> {  // Aᵀ·B
  using operands = detail::tlist<shape<3, 2>, shape<3, 4>>;
  template <class A, class B> static constexpr auto apply(A, B) { return detail::make<matmul_tn_op, A, B>(); }
  static vec value(const operands_t<2>& x) { return product(x[0], x[1], 2, 3, 4, true, false); }
};
template <> struct op_spec<sum_op> {
  using operands = detail::tlist<shape<2, 3>>;
  template <class A> static constexpr auto apply(A a) { return sum(a); }
  static vec value(const operands_t<1>& x) {
    double s = 0;
    for (const double v : x[0]) s += v;
    return {s};
  }
};
template <> struct op_spec<broadcast_op<shape<1>>> {
  using operands = detail::tlist<shape<>>;
  template <class A> static constexpr auto apply(A) { return detail::make<broadcast_op<shape<2, 3>>, A>(); }
  static vec value(const operands_t<1>& x) { return vec(6, x[0][0]); }
};
template <> struct op_spec<dot_op> {
  using operands = detail::tlist<shape<4>, shape<4>>;
  template <class A, class B> static constexpr auto apply(A a, B b) { return dot(a, b); }
  static vec value(const operands_t<2>& x) {
    double s = 0;
    for (std::size_t i = 0; i < 4; ++i) s += x[0][i] * x[1][i];
    return {s};
  }
};
template <> struct op_spec<component_op<0>> {
  using operands = detail::tlist<shape<4>>;
  template <class A> static constexpr auto apply(A a) { return component<2>(a); }
  static vec value(const operands_t<1>& x) { return {x[0][2]}; }
};
template <> struct op_spec<scatter_op<0, 1>> {
  using operands = detail::tlist<shape<>>;
  template <class A> static constexpr auto apply(A) { return detail::make<scatter_op<1, 3>, A>(); }
  static vec value(const operands_t<1>& x) { return {0, x[0][0], 0}; }
};
template <> struct op_spec<concat_op> {
  using operands = detail::tlist<shape<2>, shape<>>;  // a scalar joins as a vector of length 1
  template <class A, class B> static constexpr auto apply(A a, B b) { return concat(a, b); }
  static vec value(const operands_t<2>& x) { return {x[0][0], x[0][1], x[1][0]}; }
};
template <> struct op_spec<slice_op<0, 1>> {
  using operands = detail::tlist<shape<5>>;
  template <class A> static constexpr auto apply(A a) { return slice<1, 3>(a); }
  static vec value(const operands_t<1>& x) { return {x[0][1], x[0][2], x[0][3]}; }
};
template <> struct op_spec<embed_op<0, 1>> {
  using operands = detail::tlist<shape<2>>;
  template <class A> static constexpr auto apply(A) { return detail::make<embed_op<1, 4>, A>(); }
  static vec value(const operands_t<1>& x) { return {0, x[0][0], x[0][1], 0}; }
};
template <> struct op_spec<row_sum_op> {
  using operands = detail::tlist<shape<2, 3>>;
  template <class A> static constexpr auto apply(A) { return detail::make<row_sum_op, A>(); }
  static vec value(const operands_t<1>& x) { return {x[0][0] + x[0][1] + x[0][2], x[0][3] + x[0][4] + x[0][5]}; }
};
template <> struct op_spec<spread_op<1>> {
  using operands = detail::tlist<shape<2>>;
  template <class A> static constexpr auto apply(A) { return detail::make<spread_op<3>, A>(); }
  static vec value(const operands_t<1>& x) { return {x[0][0], x[0][0], x[0][0], x[0][1], x[0][1], x[0][1]}; }
};
template <> struct op_spec<col_sum_op> {
  using operands = detail::tlist<shape<2, 3>>;
  template <class A> static constexpr auto apply(A) { return detail::make<col_sum_op, A>(); }
  static vec value(const operands_t<1>& x) { return {x[0][0] + x[0][3], x[0][1] + x[0][4], x[0][2] + x[0][5]}; }
};
template <> struct op_spec<repeat_rows_op<1>> {
  using operands = detail::tlist<shape<1, 3>>;
  template <class A> static constexpr auto apply(A) { return detail::make<repeat_rows_op<2>, A>(); }
  static vec value(const operands_t<1>& x) { return {x[0][0], x[0][1], x[0][2], x[0][0], x[0][1], x[0][2]}; }
};
template <> struct op_spec<col_dot_op> {
  using operands = detail::tlist<shape<2, 3>, shape<2, 3>>;
  template <class A, class B> static constexpr auto apply(A, B) { return detail::make<col_dot_op, A, B>(); }
  static vec value(const operands_t<2>& x) {
    vec out(3, 0.0);
    for (std::size_t r = 0; r < 2; ++r)
      for (std::size_t c = 0; c < 3; ++c) out[c] += x[0][r * 3 + c] * x[1][r * 3 + c];
    return out;
  }
};
// roll<K> and shift<K> on a vector of 5; the list's entries check K = 2, test_operations_tensor.cpp
// the others (negative, zero, beyond the length).
template <std::ptrdiff_t K> struct roll_spec {
  using operands = detail::tlist<shape<5>>;
  template <class A> static constexpr auto apply(A a) { return roll<K>(a); }
  static vec value(const operands_t<1>& x) {
    vec out(5);
    for (int i = 0; i < 5; ++i) out[static_cast<std::size_t>(i)] = x[0][static_cast<std::size_t>((((i - K) % 5) + 5) % 5)];
    return out;
  }
};
template <std::ptrdiff_t K> struct shift_spec {
  using operands = detail::tlist<shape<5>>;
  template <class A> static constexpr auto apply(A a) { return shift<K>(a); }
  static vec value(const operands_t<1>& x) {
    vec out(5);
    for (int i = 0; i < 5; ++i) out[static_cast<std::size_t>(i)] = i - K >= 0 && i - K < 5 ? x[0][static_cast<std::size_t>(i - K)] : 0.0;
    return out;
  }
};
// roll, shift, edge and edge_t along axis Axis of an operand of shape S (a vector, or a row-major
// matrix): each place p along the axis read from place p - K by the operation's boundary rule.
enum class grid_kind { roll, shift, edge, edge_t };
template <grid_kind G, std::ptrdiff_t K, int Axis, class S>
struct grid_spec {
  using operands = detail::tlist<S>;
  template <class A> static constexpr auto apply(A a) {
    if constexpr (G == grid_kind::roll) return roll<K, Axis>(a);
    else if constexpr (G == grid_kind::shift) return shift<K, Axis>(a);
    else if constexpr (G == grid_kind::edge) return costate::edge<K, Axis>(a);
    else return edge_t<K, Axis>(a);
  }
  static vec value(const operands_t<1>& x) {
    const long rows = static_cast<long>(S::dims[0]), cols = S::rank == 2 ? static_cast<long>(S::dims[1]) : 1;
    const long n = Axis == 0 ? rows : cols;
    vec out(static_cast<std::size_t>(rows * cols), 0.0);
    for (long r = 0; r < rows; ++r)
      for (long c = 0; c < cols; ++c) {
        const long p = Axis == 0 ? r : c;
        const auto at = [&](long q) { return x[0][static_cast<std::size_t>(Axis == 0 ? q * cols + c : r * cols + q)]; };
        const auto clamp = [&](long q) { return q < 0 ? 0 : (q > n - 1 ? n - 1 : q); };
        double& o = out[static_cast<std::size_t>(r * cols + c)];
        if constexpr (G == grid_kind::roll) o = at((((p - K) % n) + n) % n);
        else if constexpr (G == grid_kind::shift) o = p - K >= 0 && p - K < n ? at(p - K) : 0.0;
        else if constexpr (G == grid_kind::edge) o = at(clamp(p - K));
        else
          for (long q = 0; q < n; ++q) o += clamp(q - K) == p ? at(q) : 0.0;
      }
    return out;
  }
};
template <> struct op_spec<roll_op<1>> : roll_spec<2> {};
template <> struct op_spec<shift_op<1>> : shift_spec<2> {};
template <> struct op_spec<edge_op<1>> : grid_spec<grid_kind::edge, 2, 0, shape<5>> {};
template <> struct op_spec<edge_t_op<1>> : grid_spec<grid_kind::edge_t, 2, 0, shape<5>> {};

static_assert(all_specified(operations{}));

}  // namespace costate::test
