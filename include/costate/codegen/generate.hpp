// A standalone C++ header for a system: plain inline functions rhs, vjp and jacobian, with every
// subexpression used more than once computed once into a named temporary (sharing by node type, as
// the evaluation plan shares them). Tensor operations (W·z, sums, outer products) and integer powers
// are written out element by element by the operations' own eval, in the order the template path
// evaluates them, so the two agree to the last bit (tanh, exp, ... are the same <cmath> calls). The header includes <cmath> and <cstddef> only.
//
//   std::ofstream("lv.hpp") << generate_header(lotka_volterra, "lv");
//   std::ofstream("lv.hpp") << generate_header(lotka_volterra, terminal_loss(0.5_c * (x*x + y*y)), "lv");
//
//   namespace lv {
//   inline constexpr std::size_t states = 2, params = 4, inputs = 0;
//   inline void rhs(const double* z, const double* theta, const double* u, double t, double* dzdt);
//   inline void vjp(const double* z, const double* lambda, const double* theta, const double* u, double t,
//                   double* vz, double* vtheta, double* vt);          // λᵀ∂f/∂z, λᵀ∂f/∂θ, λᵀ∂f/∂t
//   inline void jacobian(const double* z, const double* theta, const double* u, double t, double* J);  // row-major
//   struct system;                                                   // costate::generated<lv::system>
//   // with a terminal loss φ(z(t1), θ):
//   inline double loss_value(const double* z, const double* theta, const double* u);
//   inline double loss_gradient(const double* z, const double* theta, const double* u,
//                               double* dz, double* dtheta);          // adds ∂φ/∂z, ∂φ/∂θ; returns φ
//   struct terminal_loss;                                            // costate::generated_loss<lv::terminal_loss>
//   }
#pragma once

#include <cstddef>
#include <map>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "costate/codegen/cpp.hpp"
#include "costate/error.hpp"
#include "costate/expr/node.hpp"
#include "costate/expr/plan.hpp"
#include "costate/expr/shape_of.hpp"
#include "costate/system/loss.hpp"
#include "costate/system/ode.hpp"
#include "costate/system/rhs.hpp"

namespace costate {
namespace detail {

template <class E> inline constexpr char type_key = 0;  // one address per node type

// One element of a value as C++ text, with how tightly it binds (0: a sum or difference, 1: a product
// or quotient, 2: an atom or call). Tensor operations are printed by running their own `eval` on it:
// the loops of a matrix product or a sum write their arithmetic out element by element, in the order
// the template path evaluates it, so the generated code rounds exactly as the template path does.
struct cpp_text {
  std::string s = "0.0";
  int binds = 2;
  cpp_text() = default;
  explicit cpp_text(double v) : s(v == 0 ? "0.0" : to_cpp_number(v)) {}  // T(0) in embed and scatter
  cpp_text(std::string text, int b) : s(std::move(text)), binds(b) {}

  // Operands that bind less tightly than `min` are parenthesised; a right operand of equal binding
  // is too, so that (a + b) + c and a + (b + c) stay the distinct floating-point sums they are.
  std::string operand(int min) const { return binds < min ? "(" + s + ")" : s; }
  static std::string to_cpp_number(double v) {
    std::ostringstream os;
    os.precision(17);
    os << v;
    std::string r = os.str();
    return r.find_first_of(".e") == std::string::npos ? r + ".0" : r;
  }
  friend cpp_text operator+(const cpp_text& a, const cpp_text& b) { return {a.operand(0) + " + " + b.operand(1), 0}; }
  friend cpp_text operator-(const cpp_text& a, const cpp_text& b) { return {a.operand(0) + " - " + b.operand(1), 0}; }
  friend cpp_text operator*(const cpp_text& a, const cpp_text& b) {
    if (a.s == "1.0") return b;  // 1 * b is b exactly (pow_int's first multiplication)
    return {a.operand(1) + " * " + b.operand(2), 1};
  }
  friend cpp_text operator/(const cpp_text& a, const cpp_text& b) { return {a.operand(1) + " / " + b.operand(2), 1}; }
  friend cpp_text operator-(const cpp_text& a) { return {"-" + a.operand(2), 0}; }
  cpp_text& operator+=(const cpp_text& b) { return *this = *this + b; }
  cpp_text& operator-=(const cpp_text& b) { return *this = *this - b; }
  cpp_text& operator*=(const cpp_text& b) { return *this = *this * b; }
};

template <class> using text_of = std::vector<cpp_text>;

// Element i of the result of shape SR, read from an operand of shape SA (the plan's element_as).
template <class SA, class SR>
constexpr std::size_t operand_element(std::size_t i) {
  if constexpr (SA::rank == 0) return 0;
  else if constexpr (SA::rank == 1 && SR::rank == 2) return i / SR::dims[1];
  else if constexpr (SA::rank == 2 && SR::rank == 2 && SA::dims[0] == 1 && SR::dims[0] != 1) return i % SR::dims[1];
  else return i;
}

// Prints a list of expressions as C++ statements. A node becomes a named temporary (`const double
// tK`, or `const double tK[size]` for a tensor) when it occurs more than once across the list (sharing
// by node type, as in the evaluation plan), or when its parent may read its elements more than once
// (a matrix product reads each element of its vector once per row): every value is computed once.
// Other nodes are written inline where they are used.
class cse_emitter {
 public:
  cse_emitter(std::ostream& body, std::string indent) : body_(body), indent_(std::move(indent)) {}

  template <class E>
  void count() {
    if (++uses_[&type_key<E>] > 1) return;  // a repeated node's children are counted once
    if constexpr (!Symbol<E> && !Constant<E>) count_children(E{});
  }
  // The elements of E's value (one for a scalar), row-major.
  template <class E>
  std::vector<cpp_text> elements() {
    using S = shape_of_t<E>;
    constexpr std::size_t size = S::rank == 0 ? 1 : S::size;
    std::vector<cpp_text> out(size);
    if constexpr (Symbol<E>) {
      for (std::size_t i = 0; i < size; ++i) {
        std::ostringstream os;
        cpp_style::symbol(os, E::kind, E::index + i);
        out[i] = {os.str(), 2};
      }
    } else if constexpr (Constant<E>) {  // 1.0 / 10.0 or -3.0 must not merge with a neighbouring operator
      out[0] = {to_cpp(E{}), E::den == 1 && E::num >= 0 ? 2 : 0};
    } else {
      const void* k = &type_key<E>;
      if (const auto it = names_.find(k); it != names_.end()) return it->second;
      out = combine(E{});
      if (uses_[k] <= 1 && !read_many_[k]) return out;
      const std::string name = "t" + std::to_string(next_++);
      if constexpr (S::rank == 0) {
        body_ << indent_ << "const double " << name << " = " << out[0].s << ";\n";
        out[0] = {name, 2};
      } else {
        body_ << indent_ << "const double " << name << "[" << size << "] = {\n";
        for (std::size_t i = 0; i < size; ++i) body_ << indent_ << "    " << out[i].s << (i + 1 < size ? ",\n" : "};\n");
        for (std::size_t i = 0; i < size; ++i) out[i] = {name + "[" + std::to_string(i) + "]", 2};
      }
      names_[k] = out;
    }
    return out;
  }

 private:
  template <class Op, class... A>
  void count_children(node<Op, A...>) {
    using R = shape_of_t<node<Op, A...>>;
    // An operand is read once per element only by an elementwise parent of its own shape.
    // (A power's eval multiplies its operand by itself.)
    ((read_many_[&type_key<A>] |= tensor_operation<Op> || !__is_same(shape_of_t<A>, R) || Op::note.form == notation::power), ...);
    (count<A>(), ...);
  }
  template <class Op, class... A>
  std::vector<cpp_text> combine(node<Op, A...>) {
    using R = shape_of_t<node<Op, A...>>;
    if constexpr (tensor_operation<Op>) {
      std::vector<cpp_text> out(R::rank == 0 ? 1 : R::size);
      std::tuple<text_of<A>...> args{elements<A>()...};  // braces: operands in order
      std::apply([&](const auto&... v) { Op::template eval<cpp_text, shape_of_t<A>...>(out.data(), argument<A>(v)...); }, args);
      return out;
    } else {
      std::tuple<text_of<A>...> args{elements<A>()...};  // braces: operands in order
      std::vector<cpp_text> out(R::rank == 0 ? 1 : R::size);
      for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = std::apply([&](const auto&... v) { return apply_notation<Op>(v[operand_element<shape_of_t<A>, R>(i)]...); }, args);
      return out;
    }
  }
  // A tensor operation's eval takes a scalar operand by value and a tensor operand as a pointer.
  template <class A>
  static auto argument(const std::vector<cpp_text>& v) {
    if constexpr (shape_of_t<A>::rank == 0) return v[0]; else return v.data();
  }
  template <class Op, class... X>
  static cpp_text apply_notation(const X&... x) {
    constexpr notation note = Op::note;
    const std::string args[] = {x.operand(2)...};
    if constexpr (note.form == notation::infix) return {args[0] + " " + note.symbol + " " + args[1], 0};
    else if constexpr (note.form == notation::prefix) return {std::string(note.symbol) + args[0], 0};
    // a^N by the operation's own binary powering, so that it rounds as the template path does
    // (std::pow(a, 3) need not equal a * (a * a) to the last bit).
    else if constexpr (note.form == notation::power) return Op::eval(x...);
    else {
      std::string s = std::string(cpp_spelling<Op>()) + "(";
      bool first = true;
      ((s += (first ? "" : ", ") + x.s, first = false), ...);
      return {s + ")", 2};
    }
  }

  std::ostream& body_;
  std::string indent_;
  std::map<const void*, int> uses_;
  std::map<const void*, bool> read_many_;
  std::map<const void*, std::vector<cpp_text>> names_;
  int next_ = 0;
};

// One group of left-hand sides per output ("dzdt[0] = ", "vz[1] += "): `lhs value;` for every element
// of every output, after the temporaries they need. An output that simplified to a scalar (the VJP
// of a vector that only occurs inside step(), 0) stands for each element of its group, as the
// template path's store() broadcasts it.
template <class... E>
void emit_assignments(std::ostream& os, tlist<E...>, const std::vector<std::vector<std::string>>& lhs) {
  static_assert(sizeof...(E) > 0);
  if (lhs.size() != sizeof...(E)) throw error("generate_header: output and target counts differ (internal error)");
  std::ostringstream body;
  cse_emitter em(body, "  ");
  (em.template count<E>(), ...);
  std::vector<std::vector<cpp_text>> values{em.template elements<E>()...};  // braces: in order
  int next = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    auto& v = values[i];
    if (v.size() == 1 && lhs[i].size() > 1 && (v[0].binds < 2 || v[0].s.find('(') != std::string::npos)) {  // computed once
      const std::string name = "b" + std::to_string(next++);
      body << "  const double " << name << " = " << v[0].s << ";\n";
      v[0] = {name, 2};
    }
    if (v.size() != lhs[i].size() && v.size() != 1)
      throw error("generate_header: an output's size differs from its target's (internal error)");
  }
  os << body.str();
  for (std::size_t i = 0; i < values.size(); ++i)
    for (std::size_t j = 0; j < lhs[i].size(); ++j)
      os << "  " << lhs[i][j] << values[i][values[i].size() == 1 ? 0 : j].s << ";\n";
}

// The targets of one output per leaf, one per element of its range: {"vz[3] += ", "vz[4] += "}, ...
template <class... X>
void leaf_targets(std::vector<std::vector<std::string>>& out, [[maybe_unused]] const char* array, tlist<X...>) {
  ([&] {
    std::vector<std::string> group;
    for (std::size_t i = 0; i < (X::shape_type::rank == 0 ? 1 : X::shape_type::size); ++i)
      group.push_back(std::string(array) + "[" + std::to_string(X::index + i) + "] += ");
    out.push_back(std::move(group));
  }(), ...);
}

// True when no node of E is a tensor: then ∂f_i/∂z_j can be printed entry by entry.
template <class E> struct all_scalar : std::bool_constant<is_scalar_v<E>> {};
template <class Op, class... A>
struct all_scalar<node<Op, A...>> : std::bool_constant<is_scalar_v<node<Op, A...>> && (all_scalar<A>::value && ...)> {};
template <class... E> inline constexpr bool all_scalar_v = (all_scalar<E>::value && ...);
template <class List> struct all_scalar_list;
template <class... E> struct all_scalar_list<tlist<E...>> : std::bool_constant<all_scalar_v<E...>> {};

template <class Sys, std::size_t... I>
auto jacobian_entries(std::index_sequence<I...>) {
  return typename concat<typename Sys::template jacobian_row<I>...>::type{};
}

// rhs, vjp, jacobian and struct system, inside namespace ns.
template <class S>
void emit_system(std::ostream& os, std::string_view ns) {
  constexpr std::size_t n = S::states, p = S::params;
  os << "inline constexpr std::size_t states = " << n << ", params = " << p << ", inputs = " << S::inputs << ";\n\n";
  const char* unused = "  (void)z; (void)theta; (void)u; (void)t;\n";

  std::ostringstream fn;  // rhs and vjp, measured for code_size
  fn << "// dz/dt = f(z, theta, t)\ninline void rhs(const double* z, const double* theta, const double* u, double t, "
        "double* dzdt) {\n" << unused;
  {
    std::vector<std::vector<std::string>> targets;
    for (std::size_t i = 0; i + 1 < S::output_offsets.size(); ++i) {
      targets.emplace_back();
      for (std::size_t k = S::output_offsets[i]; k < S::output_offsets[i + 1]; ++k)
        targets.back().push_back("dzdt[" + std::to_string(k) + "] = ");
    }
    detail::emit_assignments(fn, typename S::rhs{}, targets);
  }
  // Every VJP output adds into its leaf's range: leaves may overlap (state<0> beside state_vector<2>).
  fn << "}\n\n// vz = lambda^T df/dz (n), vtheta = lambda^T df/dtheta (p), vt = lambda^T df/dt (1)\n"
     << "inline void vjp(const double* z, const double* lambda, const double* theta, const double* u, double t, "
        "double* vz, double* vtheta, double* vt) {\n" << unused << "  (void)lambda; (void)vz; (void)vtheta;\n"
     << "  for (std::size_t i = 0; i < " << n << "; ++i) vz[i] = 0.0;\n";
  if (p > 0) fn << "  for (std::size_t i = 0; i < " << p << "; ++i) vtheta[i] = 0.0;\n";
  fn << "  vt[0] = 0.0;\n";
  {
    using all = typename detail::concat<typename S::vjp_state, typename S::vjp_param, detail::tlist<typename S::vjp_time>>::type;
    std::vector<std::vector<std::string>> targets;
    detail::leaf_targets(targets, "vz", typename S::state_leaves{});
    detail::leaf_targets(targets, "vtheta", typename S::param_leaves{});
    targets.push_back({"vt[0] += "});
    detail::emit_assignments(fn, all{}, targets);
  }
  fn << "}\n";
  const std::size_t code_size = fn.str().size();
  os << fn.str();
  os << "\n// J[i * states + j] = df_i/dz_j\ninline void jacobian(const double* z, const double* theta, "
        "const double* u, double t, double* J) {\n";
  if constexpr (detail::all_scalar_list<typename S::rhs>::value) {
    os << unused;
    using entries = decltype(detail::jacobian_entries<S>(std::make_index_sequence<n>{}));
    std::vector<std::vector<std::string>> targets;
    for (std::size_t i = 0; i < n * n; ++i) targets.push_back({"J[" + std::to_string(i) + "] = "});
    detail::emit_assignments(os, entries{}, targets);
  } else {  // tensor operations have no entrywise derivatives: row i is e_iᵀ∂f/∂z, as the template path forms it
    os << "  double lambda[" << n << "] = {}, vz[" << n << "], vtheta[" << (p > 0 ? p : 1) << "], vt;\n"
       << "  for (std::size_t i = 0; i < " << n << "; ++i) {\n"
       << "    lambda[i] = 1.0;\n    vjp(z, lambda, theta, u, t, vz, vtheta, &vt);\n    lambda[i] = 0.0;\n"
       << "    for (std::size_t j = 0; j < " << n << "; ++j) J[i * " << n << " + j] = vz[j];\n  }\n";
  }
  os << "}\n\n"
     << "// The three functions as one type: costate::gradient(costate::generated<" << ns << "::system>, ...)\n"
     << "// integrates with them in place of the template system (costate/system/generated.hpp).\n"
     << "struct system {\n"
     << "  static constexpr std::size_t states = " << n << ", params = " << p << ", inputs = " << S::inputs << ";\n"
     << "  static constexpr std::size_t code_size = " << code_size << ";  // characters of rhs and vjp\n"
     << "  static void rhs(const double* z, const double* theta, const double* u, double t, double* dzdt) {\n"
     << "    " << ns << "::rhs(z, theta, u, t, dzdt);\n  }\n"
     << "  static void vjp(const double* z, const double* lambda, const double* theta, const double* u, double t, "
        "double* vz, double* vtheta, double* vt) {\n"
     << "    " << ns << "::vjp(z, lambda, theta, u, t, vz, vtheta, vt);\n  }\n"
     << "  static void jacobian(const double* z, const double* theta, const double* u, double t, double* J) {\n"
     << "    " << ns << "::jacobian(z, theta, u, t, J);\n  }\n"
     << "};\n";
}

// loss_value, loss_gradient and struct terminal_loss for L = φ(z(t1), θ), inside namespace ns.
template <class Lo>
void emit_terminal_loss(std::ostream& os, std::string_view ns) {
  os << "\n// The terminal loss L = phi(z(t1), theta)\n"
     << "inline double loss_value(const double* z, const double* theta, const double* u) {\n"
     << "  (void)z; (void)theta; (void)u;\n";
  emit_assignments(os, tlist<typename Lo::expression>{}, {{"return "}});
  os << "}\n\n// dz += dphi/dz, dtheta += dphi/dtheta; returns phi\n"
     << "inline double loss_gradient(const double* z, const double* theta, const double* u, double* dz, double* dtheta) {\n"
     << "  (void)z; (void)theta; (void)u; (void)dz; (void)dtheta;\n";
  {
    using all = typename concat<tlist<typename Lo::expression>, typename Lo::grad_state, typename Lo::grad_param>::type;
    std::vector<std::vector<std::string>> targets{{"const double phi = "}};
    leaf_targets(targets, "dz", typename Lo::state_leaves{});
    leaf_targets(targets, "dtheta", typename Lo::param_leaves{});
    emit_assignments(os, all{}, targets);
  }
  os << "  return phi;\n}\n\n"
     << "// costate::gradient(costate::generated<" << ns << "::system>, z0, theta, span,\n"
     << "//                   costate::generated_loss<" << ns << "::terminal_loss>) uses these in place of the expression.\n"
     << "struct terminal_loss {\n"
     << "  static constexpr std::size_t states = " << Lo::states << ", params = " << Lo::params << ", inputs = " << Lo::inputs << ";\n"
     << "  static double value(const double* z, const double* theta, const double* u) { return " << ns
     << "::loss_value(z, theta, u); }\n"
     << "  static double gradient(const double* z, const double* theta, const double* u, double* dz, double* dtheta) {\n"
     << "    return " << ns << "::loss_gradient(z, theta, u, dz, dtheta);\n  }\n"
     << "};\n";
}

inline void open_header(std::ostream& os, std::string_view ns) {
  os << "// Generated by costate::generate_header: the right-hand side, its vector-Jacobian products and\n"
     << "// its Jacobian, derived and simplified at compile time. Do not edit; regenerate.\n"
     << "#pragma once\n\n#include <cmath>\n#include <cstddef>\n\nnamespace " << ns << " {\n\n"
     << cpp_helpers() << '\n';
}

}  // namespace detail

// The header for a system: namespace ns with rhs, vjp, jacobian and struct system.
/// A standalone C++ header for a system, including only `<cmath>` and `<cstddef>`: in namespace `ns`,
/// inline functions `rhs`, `vjp` (λᵀ∂f/∂z, λᵀ∂f/∂θ, λᵀ∂f/∂t) and `jacobian`, and `struct system` for
/// `generated<ns::system>`. Every subexpression used more than once is computed once; the functions
/// evaluate in the template path's order and round as it does.
///
/// \param ns the namespace of the generated code
template <class... F>
std::string generate_header(system<F...>, std::string_view ns) {
  std::ostringstream os;
  detail::open_header(os, ns);
  detail::emit_system<system<F...>>(os, ns);
  os << "\n}  // namespace " << ns << "\n";
  return os.str();
}

// The same with a terminal loss: also loss_value, loss_gradient and struct terminal_loss.
/// The same with a terminal loss φ: also `loss_value`, `loss_gradient` (adds ∂φ/∂z and ∂φ/∂θ, returns φ)
/// and `struct terminal_loss` for `generated_loss<ns::terminal_loss>`.
///
/// \param ns the namespace of the generated code
template <class... F, class L>
std::string generate_header(system<F...>, terminal_loss_t<L>, std::string_view ns) {
  std::ostringstream os;
  detail::open_header(os, ns);
  detail::emit_system<system<F...>>(os, ns);
  detail::emit_terminal_loss<terminal_loss_t<L>>(os, ns);
  os << "\n}  // namespace " << ns << "\n";
  return os.str();
}

// For `using namespace costate::prelude` (costate/prelude.hpp).
namespace prelude {
using costate::generate_header;
}  // namespace prelude
}  // namespace costate
