// A system from a generated header (codegen/generate.hpp) in place of the template system:
//
//   #include "lv_generated.hpp"                       // made by costate_generate at build time
//   auto g = gradient(costate::generated<gen_lv::system>, z0, theta, {0.0, 10.0},
//                     costate::generated_loss<gen_lv::terminal_loss>);   // or terminal_loss(expression)
//   auto h = gradient(costate::generated<gen_u::system>.with_inputs(std::array{...}), ...);  // input<k> values
//
// The right-hand side, its VJPs and its Jacobian come from the header's plain functions; the loss is
// generated too (system/loss.hpp) or an expression. solve() and check_gradient() take it as well
// (check_gradient without the complex step: the generated functions are in double). G provides
// states, params, inputs and static rhs, vjp, jacobian with the signatures generate_header writes,
// and optionally code_size (characters of rhs and vjp), which decides whether they are called out of
// line (see call_out_of_line below).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <type_traits>

#include "costate/system/ode.hpp"
#include "costate/system/rhs.hpp"

namespace costate {

template <class G>
struct generated_system {
  using kernels = G;
  static constexpr std::size_t states = G::states, params = G::params, inputs = G::inputs;

  // Binds runtime values to the system's input<k> symbols, as system::with_inputs does.
  template <std::size_t K>
  constexpr bound_system<generated_system, K> with_inputs(const std::array<double, K>& values) const {
    static_assert(K >= inputs, "costate::generated_system::with_inputs: give a value for every input<k> of the system");
    return {values};
  }
};

template <class G>
inline constexpr generated_system<G> generated{};

namespace detail {

// Large generated functions are called out of line. Inlined into the stepper's many call sites, the
// 300-line VJP of a width-64 network is optimised once per site: its gradient TU took 18 s to compile
// instead of 7.6 s. A small system (Lotka–Volterra) inlined runs 15 % faster than called.
template <class G>
inline constexpr bool call_out_of_line = [] {
  if constexpr (requires { G::code_size; }) return G::code_size > 4096;
  else return false;
}();

// dz/dt = f, and ∂f/∂z, ∂f/∂t (for rosenbrock4), from the generated functions.
template <class G>
struct generated_forward_rhs {
  static constexpr std::size_t n = G::states, p = G::params;
  const double* theta;
  const double* inputs;
  template <class State>
  void operator()(const State& x, State& dxdt, double t) const {
    if constexpr (call_out_of_line<G>) out_of_line(x, dxdt, t);
    else G::rhs(x.data(), theta, inputs, t, dxdt.data());
  }
  template <class State>
  [[gnu::noinline]] void out_of_line(const State& x, State& dxdt, double t) const {
    G::rhs(x.data(), theta, inputs, t, dxdt.data());
  }
  template <class State>
  void jacobian(const State& x, double* J, double t, State& dfdt) const {
    G::jacobian(x.data(), theta, inputs, t, J);
    std::array<double, n> e{}, vz{};
    std::array<double, p + 1> vth{};
    for (std::size_t j = 0; j < n; ++j) {  // ∂f_j/∂t = e_jᵀ∂f/∂t
      e[j] = 1.0;
      G::vjp(x.data(), e.data(), theta, inputs, t, vz.data(), vth.data(), &dfdt[j]);
      e[j] = 0.0;
    }
  }
};

// The backsolve adjoint [z | λ | g_θ | g_t] (see system/rhs.hpp's adjoint_rhs, which this mirrors).
// A generated header does not say whether f depends on t, so g_t is always integrated.
template <class G>
struct generated_adjoint_rhs {
  static constexpr std::size_t n = G::states, p = G::params;
  static constexpr std::size_t size = 2 * n + p + 1;
  const double* theta;
  const double* inputs;

  template <class State>
  void operator()(const State& x, State& dxdt, double t) const {
    if constexpr (call_out_of_line<G>) out_of_line(x, dxdt, t);
    else evaluate(x, dxdt, t);
  }
  template <class State>
  [[gnu::noinline]] void out_of_line(const State& x, State& dxdt, double t) const {
    evaluate(x, dxdt, t);
  }
  template <class State>
  void evaluate(const State& x, State& dxdt, double t) const {
    G::rhs(x.data(), theta, inputs, t, dxdt.data());
    // λᵀ∂f/∂z, λᵀ∂f/∂θ, λᵀ∂f/∂t straight into their places in dx/dt, then negated there: no
    // intermediate arrays to zero and copy on every evaluation.
    double* d = dxdt.data();
    G::vjp(x.data(), x.data() + n, theta, inputs, t, d + n, d + 2 * n, d + 2 * n + p);
    for (std::size_t i = n; i < size; ++i) d[i] = -d[i];
  }
};

// The interpolated adjoint [λ | g_θ | g_t], z(t) read from *zsource (see interpolated_adjoint_rhs).
template <class G, class ZSource>
struct generated_interpolated_adjoint_rhs {
  static constexpr std::size_t n = G::states, p = G::params;
  static constexpr std::size_t size = n + p + 1;
  const double* theta;
  const double* inputs;
  const ZSource* zsource;

  template <class State>
  void operator()(const State& x, State& dxdt, double t) const {
    if constexpr (call_out_of_line<G>) out_of_line(x, dxdt, t);
    else evaluate(x, dxdt, t);
  }
  template <class State>
  [[gnu::noinline]] void out_of_line(const State& x, State& dxdt, double t) const {
    evaluate(x, dxdt, t);
  }
  template <class State>
  void evaluate(const State& x, State& dxdt, double t) const {
    std::array<double, n> z;
    (*zsource)(t, z.data());
    double* d = dxdt.data();
    G::vjp(z.data(), x.data(), theta, inputs, t, d, d + n, d + n + p);
    for (std::size_t i = 0; i < size; ++i) d[i] = -d[i];
  }
  template <class State>
  void jacobian(const State& x, double* J, double t, State& dfdt) const {  // see system/rhs.hpp
    std::array<double, n> z{};
    (*zsource)(t, z.data());
    interpolated_adjoint_jacobian<n, p, size>(*this, zsource, x, J, t, dfdt, [&](std::size_t j, double* row) {
      std::array<double, n> e{};
      e[j] = 1.0;
      G::vjp(z.data(), e.data(), theta, inputs, t, row, row + n, row + n + p);
    });
  }
};

// The right-hand sides solve and gradient integrate: derived from the expressions, or from a
// generated header.
// g_t is integrated only when f depends on t: otherwise λᵀ∂f/∂t = 0 and it would only lengthen the
// adjoint state (Lotka–Volterra's backsolve state from 8 to 9 values, which GCC 12 no longer vectorises).
template <class Sys> struct kernels_of {
  using forward = forward_rhs<Sys, double>;
  static constexpr bool with_time = !Sys::autonomous;
  using backsolve = adjoint_rhs<Sys, double, with_time>;
  template <class Z> using interpolated = interpolated_adjoint_rhs<Sys, double, Z, with_time>;
};
template <class G> struct kernels_of<generated_system<G>> {
  using forward = generated_forward_rhs<G>;
  static constexpr bool with_time = true;
  using backsolve = generated_adjoint_rhs<G>;
  template <class Z> using interpolated = generated_interpolated_adjoint_rhs<G, Z>;
};
}  // namespace detail

}  // namespace costate
