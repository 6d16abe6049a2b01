// Typed, vectorized evaluators: every class below evaluates a whole frame per
// call with a loop specialized for its operand types.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>

#include "runtime/expr/compare_slots.h"
#include "runtime/expr/factory.h"
#include "runtime/expr/java_format.h"

namespace eddy::runtime {

// ---------------------------------------------------------------- Column

void Column::Reset(uint32_t n) {
  ReleaseAll();
  if (data_.size() < n) {
    data_.resize(n);
    nulls_.resize(n);
  }
  size_ = n;
}

void Column::ReleaseAll() {
  if (type_ == Type::kString || type_ == Type::kObject) {
    for (uint32_t i = 0; i < size_; ++i) {
      if (!nulls_[i]) ReleaseSlot(type_, data_[i]);
      data_[i].raw = 0;
      nulls_[i] = 1;
    }
  }
  size_ = 0;
}

namespace {

template <typename T>
T Get(Slot s) {
  if constexpr (std::is_same_v<T, int32_t>) return s.i32;
  else if constexpr (std::is_same_v<T, int64_t>) return s.i64;
  else if constexpr (std::is_same_v<T, float>) return s.f32;
  else if constexpr (std::is_same_v<T, double>) return s.f64;
  else return s.b;
}

template <typename T>
Slot Make(T v) {
  Slot s;
  s.raw = 0;
  if constexpr (std::is_same_v<T, int32_t>) s.i32 = v;
  else if constexpr (std::is_same_v<T, int64_t>) s.i64 = v;
  else if constexpr (std::is_same_v<T, float>) s.f32 = v;
  else if constexpr (std::is_same_v<T, double>) s.f64 = v;
  else s.b = v;
  return s;
}

// Calls fn with a value of the C++ type for numeric `type`.
template <typename Fn>
auto DispatchNumeric(Type type, Fn&& fn) {
  switch (type) {
    case Type::kInt: return fn(int32_t{});
    case Type::kLong: return fn(int64_t{});
    case Type::kFloat: return fn(float{});
    default: return fn(double{});
  }
}

// A string column value owned by a Column: the column takes the reference.
Slot OwnedString(std::string_view text) {
  Slot s;
  s.str = StrRep::Make(text);
  return s;
}

// ---------------------------------------------------------------- leaves

class LiteralEval final : public Evaluator {
 public:
  explicit LiteralEval(const Value& v) : Evaluator(v.type()) {
    value_.raw = 0;
    null_ = v.is_null();
    if (null_) return;
    switch (v.type()) {
      case Type::kString: value_.str = StrRep::Make(v.as_string()); break;
      case Type::kInt: value_.i32 = v.as_int(); break;
      case Type::kLong: value_.i64 = v.as_long(); break;
      case Type::kFloat: value_.f32 = v.as_float(); break;
      case Type::kDouble: value_.f64 = v.as_double(); break;
      case Type::kBool: value_.b = v.as_bool(); break;
      case Type::kObject: null_ = 1; break;
    }
  }
  ~LiteralEval() override {
    if (!null_) ReleaseSlot(type(), value_);
  }
  ColumnView Eval(const EvalFrame&) override { return {&value_, &null_, 0, 0}; }
  bool is_constant() const override { return true; }

 private:
  Slot value_;
  uint8_t null_;
};

class ChunkAttributeEval final : public Evaluator {
 public:
  ChunkAttributeEval(uint32_t slot, Type type) : Evaluator(type), slot_(static_cast<int32_t>(slot)) {}
  ColumnView Eval(const EvalFrame& f) override {
    const uint32_t arity = f.chunk->arity();
    return {f.chunk->slots() + slot_, f.chunk->null_flags() + slot_, arity, arity};
  }
  const int32_t* chunk_slot() const override { return &slot_; }

 private:
  int32_t slot_;
};

class ExtraColumnEval final : public Evaluator {
 public:
  ExtraColumnEval(uint32_t index, Type type) : Evaluator(type), index_(index) {}
  ColumnView Eval(const EvalFrame& f) override { return f.extra[index_]; }

 private:
  uint32_t index_;
};

// ---------------------------------------------------------------- unary base

// An evaluator with one child and its own output column.
class UnaryEval : public Evaluator {
 public:
  UnaryEval(Type type, EvaluatorPtr child) : Evaluator(type), child_(std::move(child)), out_(type) {}

 protected:
  EvaluatorPtr child_;
  Column out_;
};

template <typename From, typename To>
class WidenEval final : public UnaryEval {
 public:
  WidenEval(Type to, EvaluatorPtr child) : UnaryEval(to, std::move(child)) {}
  ColumnView Eval(const EvalFrame& f) override {
    const ColumnView v = child_->Eval(f);
    out_.Reset(f.rows);
    Slot* d = out_.data();
    uint8_t* n = out_.nulls();
    for (uint32_t i = 0; i < f.rows; ++i) {
      n[i] = v.null(i);
      d[i] = Make<To>(static_cast<To>(Get<From>(v.at(i))));
    }
    return out_.view();
  }
};

// ---------------------------------------------------------------- arithmetic

template <typename T>
T Wrapping(T a, T b, ArithmeticOp op) {
  using U = std::make_unsigned_t<T>;
  switch (op) {
    case ArithmeticOp::kAdd: return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
    case ArithmeticOp::kSub: return static_cast<T>(static_cast<U>(a) - static_cast<U>(b));
    default: return static_cast<T>(static_cast<U>(a) * static_cast<U>(b));
  }
}

template <typename T, ArithmeticOp kOp>
class ArithmeticEval final : public Evaluator {
 public:
  ArithmeticEval(Type type, EvaluatorPtr lhs, EvaluatorPtr rhs)
      : Evaluator(type), lhs_(std::move(lhs)), rhs_(std::move(rhs)), out_(type) {}

  ColumnView Eval(const EvalFrame& f) override {
    const ColumnView a = lhs_->Eval(f);
    const ColumnView b = rhs_->Eval(f);
    out_.Reset(f.rows);
    Slot* d = out_.data();
    uint8_t* n = out_.nulls();
    for (uint32_t i = 0; i < f.rows; ++i) {
      const T x = Get<T>(a.at(i));
      const T y = Get<T>(b.at(i));
      bool null = a.null(i) || b.null(i);
      T r{};
      if constexpr (kOp == ArithmeticOp::kDiv || kOp == ArithmeticOp::kMod) {
        null = null || y == 0;  // division by zero is null for every type
        if (!null) {
          if constexpr (std::is_integral_v<T>) {
            // MIN / -1 overflows: it wraps to MIN (and MIN % -1 is 0).
            if (y == -1) {
              r = kOp == ArithmeticOp::kDiv ? Wrapping<T>(0, x, ArithmeticOp::kSub) : 0;
            } else {
              r = kOp == ArithmeticOp::kDiv ? x / y : x % y;
            }
          } else {
            r = kOp == ArithmeticOp::kDiv ? x / y : std::fmod(x, y);
          }
        }
      } else if constexpr (std::is_integral_v<T>) {
        r = Wrapping<T>(x, y, kOp);
      } else {
        r = kOp == ArithmeticOp::kAdd ? x + y : kOp == ArithmeticOp::kSub ? x - y : x * y;
      }
      d[i] = Make<T>(r);
      n[i] = null;
    }
    return out_.view();
  }

 private:
  EvaluatorPtr lhs_;
  EvaluatorPtr rhs_;
  Column out_;
};

// ---------------------------------------------------------------- comparison

// A null on either side makes the comparison false, `!=` included.
template <typename T, CompareOp kOp>
class CompareEval final : public Evaluator {
 public:
  CompareEval(EvaluatorPtr lhs, EvaluatorPtr rhs)
      : Evaluator(Type::kBool), lhs_(std::move(lhs)), rhs_(std::move(rhs)), out_(Type::kBool) {}

  ColumnView Eval(const EvalFrame& f) override {
    const ColumnView a = lhs_->Eval(f);
    const ColumnView b = rhs_->Eval(f);
    out_.Reset(f.rows);
    Slot* d = out_.data();
    uint8_t* n = out_.nulls();
    std::fill_n(n, f.rows, uint8_t{0});
    if (b.stride == 0 && b.null_stride == 0) {
      // `price > 90`: the constant read once. (Views are walked by pointer.)
      if (b.nulls[0]) {
        std::fill_n(d, f.rows, Slot{.raw = 0});
        return out_.view();
      }
      const auto y = Read(b.data[0]);
      const Slot* x = a.data;
      const uint8_t* x_null = a.nulls;
      for (uint32_t i = 0; i < f.rows; ++i, x += a.stride, x_null += a.null_stride) {
        d[i].raw = 0;
        d[i].b = !*x_null && CompareValues(kOp, Read(*x), y);
      }
      return out_.view();
    }
    for (uint32_t i = 0; i < f.rows; ++i) {
      const bool any_null = a.null(i) | b.null(i);
      d[i].raw = 0;
      d[i].b = !any_null && CompareValues(kOp, Read(a.at(i)), Read(b.at(i)));
    }
    return out_.view();
  }

 private:
  static auto Read(Slot v) {
    if constexpr (std::is_same_v<T, std::string_view>) return v.str->view();
    else return Get<T>(v);
  }

  EvaluatorPtr lhs_;
  EvaluatorPtr rhs_;
  Column out_;
};

template <typename T>
EvaluatorPtr MakeCompareFor(CompareOp op, EvaluatorPtr lhs, EvaluatorPtr rhs) {
  switch (op) {
    case CompareOp::kEq: return std::make_unique<CompareEval<T, CompareOp::kEq>>(std::move(lhs), std::move(rhs));
    case CompareOp::kNe: return std::make_unique<CompareEval<T, CompareOp::kNe>>(std::move(lhs), std::move(rhs));
    case CompareOp::kLt: return std::make_unique<CompareEval<T, CompareOp::kLt>>(std::move(lhs), std::move(rhs));
    case CompareOp::kLe: return std::make_unique<CompareEval<T, CompareOp::kLe>>(std::move(lhs), std::move(rhs));
    case CompareOp::kGt: return std::make_unique<CompareEval<T, CompareOp::kGt>>(std::move(lhs), std::move(rhs));
    case CompareOp::kGe: return std::make_unique<CompareEval<T, CompareOp::kGe>>(std::move(lhs), std::move(rhs));
  }
  return nullptr;
}

// ---------------------------------------------------------------- logic

// and/or treat null as false; the result is never null.
template <bool kAnd>
class LogicEval final : public Evaluator {
 public:
  LogicEval(EvaluatorPtr lhs, EvaluatorPtr rhs)
      : Evaluator(Type::kBool), lhs_(std::move(lhs)), rhs_(std::move(rhs)), out_(Type::kBool) {}
  ColumnView Eval(const EvalFrame& f) override {
    const ColumnView a = lhs_->Eval(f);
    const ColumnView b = rhs_->Eval(f);
    out_.Reset(f.rows);
    Slot* d = out_.data();
    uint8_t* n = out_.nulls();
    for (uint32_t i = 0; i < f.rows; ++i) {
      const bool x = !a.null(i) && a.at(i).b;
      const bool y = !b.null(i) && b.at(i).b;
      d[i].raw = 0;
      d[i].b = kAnd ? (x && y) : (x || y);
      n[i] = 0;
    }
    return out_.view();
  }

 private:
  EvaluatorPtr lhs_;
  EvaluatorPtr rhs_;
  Column out_;
};

class NotEval final : public UnaryEval {
 public:
  explicit NotEval(EvaluatorPtr child) : UnaryEval(Type::kBool, std::move(child)) {}
  ColumnView Eval(const EvalFrame& f) override {
    const ColumnView v = child_->Eval(f);
    out_.Reset(f.rows);
    for (uint32_t i = 0; i < f.rows; ++i) {
      out_.data()[i].raw = 0;
      out_.data()[i].b = !(!v.null(i) && v.at(i).b);  // not null is true
      out_.nulls()[i] = 0;
    }
    return out_.view();
  }
};

class IsNullEval final : public UnaryEval {
 public:
  explicit IsNullEval(EvaluatorPtr child) : UnaryEval(Type::kBool, std::move(child)) {}
  ColumnView Eval(const EvalFrame& f) override {
    const ColumnView v = child_->Eval(f);
    out_.Reset(f.rows);
    for (uint32_t i = 0; i < f.rows; ++i) {
      out_.data()[i].raw = 0;
      out_.data()[i].b = v.null(i);
      out_.nulls()[i] = 0;
    }
    return out_.view();
  }
};

// ---------------------------------------------------------------- convert

// Java's parsing rules, failures give nullopt.
std::optional<int64_t> ParseInteger(std::string_view s, int64_t min, int64_t max) {
  if (s.empty()) return std::nullopt;
  size_t i = 0;
  bool negative = false;
  if (s[0] == '-' || s[0] == '+') {
    negative = s[0] == '-';
    i = 1;
  }
  if (i == s.size()) return std::nullopt;
  __int128 v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = v * 10 + (s[i] - '0');
    if (v > static_cast<__int128>(max) + 1) return std::nullopt;
  }
  if (negative) v = -v;
  if (v < min || v > max) return std::nullopt;
  return static_cast<int64_t>(v);
}

std::optional<double> ParseReal(std::string_view s) {
  // Double.parseDouble trims whitespace and accepts a trailing d/f.
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  std::string text(s);
  if (text.back() == 'd' || text.back() == 'D' || text.back() == 'f' || text.back() == 'F') text.pop_back();
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (text == "Infinity" || text == "+Infinity") return std::numeric_limits<double>::infinity();
  if (text == "-Infinity") return -std::numeric_limits<double>::infinity();
  for (char c : text) {
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+')) {
      return std::nullopt;
    }
  }
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return v;
}

// Java's (int)/(long) casts of floating values: NaN is 0, out of range saturates.
template <typename I>
I SaturatingCast(double v) {
  if (std::isnan(v)) return 0;
  if (v >= static_cast<double>(std::numeric_limits<I>::max())) return std::numeric_limits<I>::max();
  if (v <= static_cast<double>(std::numeric_limits<I>::min())) return std::numeric_limits<I>::min();
  return static_cast<I>(v);
}

std::string TextOf(Type type, Slot s) {
  switch (type) {
    case Type::kString: return std::string(s.str->view());
    case Type::kInt: return std::to_string(s.i32);
    case Type::kLong: return std::to_string(s.i64);
    case Type::kFloat: return FormatJavaFloat(s.f32);
    case Type::kDouble: return FormatJavaDouble(s.f64);
    case Type::kBool: return s.b ? "true" : "false";
    case Type::kObject: return s.obj->ToString();
  }
  return "";
}

// Converts one value; returns false for null.
bool ConvertValue(Type from, Slot in, Type to, Slot& out) {
  out.raw = 0;
  if (to == Type::kString) {
    out = OwnedString(TextOf(from, in));
    return true;
  }
  if (from == Type::kObject) return false;
  if (from == Type::kString) {
    const std::string_view text = in.str->view();
    switch (to) {
      case Type::kInt: {
        auto v = ParseInteger(text, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max());
        if (!v) return false;
        out.i32 = static_cast<int32_t>(*v);
        return true;
      }
      case Type::kLong: {
        auto v = ParseInteger(text, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
        if (!v) return false;
        out.i64 = *v;
        return true;
      }
      case Type::kFloat:
      case Type::kDouble: {
        auto v = ParseReal(text);
        if (!v) return false;
        if (to == Type::kFloat) out.f32 = static_cast<float>(*v);
        else out.f64 = *v;
        return true;
      }
      case Type::kBool: {
        out.b = text.size() == 4 && std::tolower(text[0]) == 't' && std::tolower(text[1]) == 'r' &&
                std::tolower(text[2]) == 'u' && std::tolower(text[3]) == 'e';
        return true;
      }
      default: return false;
    }
  }
  if (from == Type::kBool) {
    const int v = in.b ? 1 : 0;
    switch (to) {
      case Type::kInt: out.i32 = v; return true;
      case Type::kLong: out.i64 = v; return true;
      case Type::kFloat: out.f32 = static_cast<float>(v); return true;
      case Type::kDouble: out.f64 = v; return true;
      case Type::kBool: out.b = in.b; return true;
      default: return false;
    }
  }
  // Numeric source.
  const double real = DispatchNumeric(from, [&](auto t) { return static_cast<double>(Get<decltype(t)>(in)); });
  switch (to) {
    case Type::kInt:
      out.i32 = from == Type::kLong ? static_cast<int32_t>(in.i64)
                : from == Type::kInt ? in.i32 : SaturatingCast<int32_t>(real);
      return true;
    case Type::kLong:
      out.i64 = from == Type::kLong ? in.i64 : from == Type::kInt ? in.i32 : SaturatingCast<int64_t>(real);
      return true;
    case Type::kFloat: out.f32 = from == Type::kFloat ? in.f32 : static_cast<float>(
                                    from == Type::kLong ? static_cast<float>(in.i64) : real);
      return true;
    case Type::kDouble: out.f64 = from == Type::kLong ? static_cast<double>(in.i64) : real; return true;
    case Type::kBool: out.b = real == 1.0; return true;
    default: return false;
  }
}

class ConvertEval final : public UnaryEval {
 public:
  ConvertEval(EvaluatorPtr child, Type to) : UnaryEval(to, std::move(child)) {}
  ColumnView Eval(const EvalFrame& f) override {
    const ColumnView v = child_->Eval(f);
    const Type from = child_->type();
    out_.Reset(f.rows);
    for (uint32_t i = 0; i < f.rows; ++i) {
      out_.nulls()[i] = v.null(i) || !ConvertValue(from, v.at(i), type(), out_.data()[i]);
    }
    return out_.view();
  }
};

// Evaluates the child and copies its values (with references) into out_.
class CopyingEval : public Evaluator {
 public:
  using Evaluator::Evaluator;

 protected:
  void Put(Column& out, uint32_t i, Slot v, bool null) {
    out.nulls()[i] = null;
    if (null) return;
    out.data()[i] = v;
    RetainSlot(type(), v);
  }
};

class CoalesceEval final : public CopyingEval {
 public:
  explicit CoalesceEval(std::vector<EvaluatorPtr> args)
      : CopyingEval(args[0]->type()), args_(std::move(args)), out_(type()) {}
  ColumnView Eval(const EvalFrame& f) override {
    views_.clear();
    for (auto& a : args_) views_.push_back(a->Eval(f));
    out_.Reset(f.rows);
    for (uint32_t i = 0; i < f.rows; ++i) {
      bool done = false;
      for (const ColumnView& v : views_) {
        if (!v.null(i)) {
          Put(out_, i, v.at(i), false);
          done = true;
          break;
        }
      }
      if (!done) out_.nulls()[i] = 1;
    }
    return out_.view();
  }

 private:
  std::vector<EvaluatorPtr> args_;
  std::vector<ColumnView> views_;
  Column out_;
};

class IfThenElseEval final : public CopyingEval {
 public:
  IfThenElseEval(EvaluatorPtr c, EvaluatorPtr a, EvaluatorPtr b)
      : CopyingEval(a->type()), c_(std::move(c)), a_(std::move(a)), b_(std::move(b)), out_(type()) {}
  ColumnView Eval(const EvalFrame& f) override {
    // Evaluation is pure, so both branches are computed column-wise and selected.
    const ColumnView c = c_->Eval(f);
    const ColumnView a = a_->Eval(f);
    const ColumnView b = b_->Eval(f);
    out_.Reset(f.rows);
    for (uint32_t i = 0; i < f.rows; ++i) {
      const bool take_a = !c.null(i) && c.at(i).b;
      const ColumnView& v = take_a ? a : b;
      Put(out_, i, v.at(i), v.null(i));
    }
    return out_.view();
  }

 private:
  EvaluatorPtr c_, a_, b_;
  Column out_;
};

class InstanceOfEval final : public UnaryEval {
 public:
  InstanceOfEval(EvaluatorPtr child, Type wanted) : UnaryEval(Type::kBool, std::move(child)), wanted_(wanted) {}
  ColumnView Eval(const EvalFrame& f) override {
    const ColumnView v = child_->Eval(f);
    const bool same = child_->type() == wanted_;
    out_.Reset(f.rows);
    for (uint32_t i = 0; i < f.rows; ++i) {
      out_.data()[i].raw = 0;
      out_.data()[i].b = same && !v.null(i);
      out_.nulls()[i] = 0;
    }
    return out_.view();
  }

 private:
  Type wanted_;
};

// maximum()/minimum() with Siddhi's initial values: maximum starts at 0 for
// int/long and at the smallest positive value for float/double, minimum at the
// type's largest value; nulls are skipped (LANGUAGE.md §3 quirk).
template <typename T, bool kMax>
class ExtremumEval final : public Evaluator {
 public:
  explicit ExtremumEval(std::vector<EvaluatorPtr> args)
      : Evaluator(args[0]->type()), args_(std::move(args)), out_(type()) {}
  ColumnView Eval(const EvalFrame& f) override {
    views_.clear();
    for (auto& a : args_) views_.push_back(a->Eval(f));
    T initial;
    if constexpr (kMax) {
      initial = std::is_integral_v<T> ? T(0) : std::numeric_limits<T>::denorm_min();
    } else {
      initial = std::numeric_limits<T>::max();
    }
    out_.Reset(f.rows);
    for (uint32_t i = 0; i < f.rows; ++i) {
      T best = initial;
      for (const ColumnView& v : views_) {
        if (v.null(i)) continue;
        const T x = Get<T>(v.at(i));
        if (kMax ? x > best : x < best) best = x;
      }
      out_.data()[i] = Make<T>(best);
      out_.nulls()[i] = 0;
    }
    return out_.view();
  }

 private:
  std::vector<EvaluatorPtr> args_;
  std::vector<ColumnView> views_;
  Column out_;
};

template <bool kMax>
EvaluatorPtr MakeExtremum(std::vector<EvaluatorPtr> args) {
  const Type t = args[0]->type();
  return DispatchNumeric(t, [&](auto v) -> EvaluatorPtr {
    return std::make_unique<ExtremumEval<decltype(v), kMax>>(std::move(args));
  });
}

class UuidEval final : public Evaluator {
 public:
  UuidEval() : Evaluator(Type::kString), out_(Type::kString), rng_(std::random_device{}()) {}
  ColumnView Eval(const EvalFrame& f) override {
    out_.Reset(f.rows);
    static const char* kHex = "0123456789abcdef";
    for (uint32_t i = 0; i < f.rows; ++i) {
      const uint64_t hi = rng_();
      const uint64_t lo = rng_();
      char text[36];
      int pos = 0;
      for (int b = 0; b < 32; ++b) {
        if (b == 8 || b == 12 || b == 16 || b == 20) text[pos++] = '-';
        uint64_t nibble = b < 16 ? (hi >> (60 - 4 * b)) & 0xf : (lo >> (60 - 4 * (b - 16))) & 0xf;
        if (b == 12) nibble = 4;                      // version 4
        if (b == 16) nibble = 8 | (nibble & 3);       // RFC 4122 variant
        text[pos++] = kHex[nibble];
      }
      out_.data()[i] = OwnedString(std::string_view(text, 36));
      out_.nulls()[i] = 0;
    }
    return out_.view();
  }

 private:
  Column out_;
  std::mt19937_64 rng_;
};

class CurrentTimeEval final : public Evaluator {
 public:
  CurrentTimeEval() : Evaluator(Type::kLong) {}
  ColumnView Eval(const EvalFrame& f) override {
    value_.i64 = f.now;
    return {&value_, &null_, 0, 0};
  }

 private:
  Slot value_{};
  uint8_t null_ = 0;
};

class EventTimestampEval final : public Evaluator {
 public:
  EventTimestampEval() : Evaluator(Type::kLong), out_(Type::kLong) {}
  ColumnView Eval(const EvalFrame& f) override {
    out_.Reset(f.rows);
    for (uint32_t i = 0; i < f.rows; ++i) {
      out_.data()[i].i64 = f.chunk->timestamp(i);
      out_.nulls()[i] = 0;
    }
    return out_.view();
  }

 private:
  Column out_;
};

Value ValueOf(Type type, Slot s) {
  switch (type) {
    case Type::kString: return Value::String(std::string(s.str->view()));
    case Type::kInt: return Value::Int(s.i32);
    case Type::kLong: return Value::Long(s.i64);
    case Type::kFloat: return Value::Float(s.f32);
    case Type::kDouble: return Value::Double(s.f64);
    case Type::kBool: return Value::Bool(s.b);
    case Type::kObject: return Value::Object(s.obj->ToString());
  }
  return {};
}

class CreateSetEval final : public UnaryEval {
 public:
  explicit CreateSetEval(EvaluatorPtr child) : UnaryEval(Type::kObject, std::move(child)) {}
  ColumnView Eval(const EvalFrame& f) override {
    const ColumnView v = child_->Eval(f);
    out_.Reset(f.rows);
    for (uint32_t i = 0; i < f.rows; ++i) {
      auto* set = new SetObject();
      if (!v.null(i)) set->Insert(ValueOf(child_->type(), v.at(i)));
      out_.data()[i].obj = set;
      out_.nulls()[i] = 0;
    }
    return out_.view();
  }
};

class SizeOfSetEval final : public UnaryEval {
 public:
  explicit SizeOfSetEval(EvaluatorPtr child) : UnaryEval(Type::kInt, std::move(child)) {}
  ColumnView Eval(const EvalFrame& f) override {
    const ColumnView v = child_->Eval(f);
    out_.Reset(f.rows);
    for (uint32_t i = 0; i < f.rows; ++i) {
      const auto* set = v.null(i) ? nullptr : dynamic_cast<const SetObject*>(v.at(i).obj);
      out_.data()[i].raw = 0;
      out_.data()[i].i32 = set == nullptr ? 0 : static_cast<int32_t>(set->values.size());
      out_.nulls()[i] = 0;
    }
    return out_.view();
  }
};

}  // namespace

// ---------------------------------------------------------------- SetObject

void SetObject::Insert(const Value& v) {
  for (const Value& existing : values) {
    if (existing == v) return;
  }
  values.push_back(v);
}

std::string SetObject::ToString() const {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    out += values[i].ToString();
  }
  return out + "]";
}

// ---------------------------------------------------------------- factories

EvaluatorPtr MakeLiteral(const Value& value) { return std::make_unique<LiteralEval>(value); }

EvaluatorPtr MakeChunkAttribute(uint32_t slot, Type type) {
  return std::make_unique<ChunkAttributeEval>(slot, type);
}

EvaluatorPtr MakeExtraColumn(uint32_t index, Type type) {
  return std::make_unique<ExtraColumnEval>(index, type);
}

EvaluatorPtr MakeWiden(EvaluatorPtr operand, Type target) {
  const Type from = operand->type();
  if (from == target) return operand;
  return DispatchNumeric(from, [&](auto f) -> EvaluatorPtr {
    return DispatchNumeric(target, [&](auto t) -> EvaluatorPtr {
      using From = decltype(f);
      using To = decltype(t);
      if (operand->is_constant()) {
        // `price > 50`: widen the literal once, not per row.
        const ColumnView v = operand->Eval(EvalFrame{nullptr, 1, {}, 0});
        if (v.null(0)) return MakeLiteral(Value::Null(target));
        const To x = static_cast<To>(Get<From>(v.at(0)));
        if constexpr (std::is_same_v<To, int64_t>) return MakeLiteral(Value::Long(x));
        else if constexpr (std::is_same_v<To, float>) return MakeLiteral(Value::Float(x));
        else if constexpr (std::is_same_v<To, double>) return MakeLiteral(Value::Double(x));
        else return MakeLiteral(Value::Int(x));
      }
      return std::make_unique<WidenEval<From, To>>(target, std::move(operand));
    });
  });
}

EvaluatorPtr MakeArithmetic(ArithmeticOp op, EvaluatorPtr lhs, EvaluatorPtr rhs) {
  const Type t = lhs->type();
  return DispatchNumeric(t, [&](auto v) -> EvaluatorPtr {
    using T = decltype(v);
    switch (op) {
      case ArithmeticOp::kAdd: return std::make_unique<ArithmeticEval<T, ArithmeticOp::kAdd>>(t, std::move(lhs), std::move(rhs));
      case ArithmeticOp::kSub: return std::make_unique<ArithmeticEval<T, ArithmeticOp::kSub>>(t, std::move(lhs), std::move(rhs));
      case ArithmeticOp::kMul: return std::make_unique<ArithmeticEval<T, ArithmeticOp::kMul>>(t, std::move(lhs), std::move(rhs));
      case ArithmeticOp::kDiv: return std::make_unique<ArithmeticEval<T, ArithmeticOp::kDiv>>(t, std::move(lhs), std::move(rhs));
      default: return std::make_unique<ArithmeticEval<T, ArithmeticOp::kMod>>(t, std::move(lhs), std::move(rhs));
    }
  });
}

EvaluatorPtr MakeComparison(CompareOp op, EvaluatorPtr lhs, EvaluatorPtr rhs) {
  switch (lhs->type()) {
    case Type::kString: return MakeCompareFor<std::string_view>(op, std::move(lhs), std::move(rhs));
    case Type::kBool: return MakeCompareFor<bool>(op, std::move(lhs), std::move(rhs));
    case Type::kInt: return MakeCompareFor<int32_t>(op, std::move(lhs), std::move(rhs));
    case Type::kLong: return MakeCompareFor<int64_t>(op, std::move(lhs), std::move(rhs));
    case Type::kFloat: return MakeCompareFor<float>(op, std::move(lhs), std::move(rhs));
    default: return MakeCompareFor<double>(op, std::move(lhs), std::move(rhs));
  }
}

EvaluatorPtr MakeAnd(EvaluatorPtr lhs, EvaluatorPtr rhs) {
  return std::make_unique<LogicEval<true>>(std::move(lhs), std::move(rhs));
}
EvaluatorPtr MakeOr(EvaluatorPtr lhs, EvaluatorPtr rhs) {
  return std::make_unique<LogicEval<false>>(std::move(lhs), std::move(rhs));
}
EvaluatorPtr MakeNot(EvaluatorPtr operand) { return std::make_unique<NotEval>(std::move(operand)); }
EvaluatorPtr MakeIsNull(EvaluatorPtr operand) { return std::make_unique<IsNullEval>(std::move(operand)); }

EvaluatorPtr MakeConvert(EvaluatorPtr operand, Type target) {
  return std::make_unique<ConvertEval>(std::move(operand), target);
}

EvaluatorPtr MakeCast(EvaluatorPtr operand, Type target) {
  // cast() retypes; numbers of another width are converted like Java's boxing
  // casts would widen them (an int cast to long is widened).
  if (operand->type() == target) return operand;
  return std::make_unique<ConvertEval>(std::move(operand), target);
}

EvaluatorPtr MakeCoalesce(std::vector<EvaluatorPtr> args) {
  return std::make_unique<CoalesceEval>(std::move(args));
}

EvaluatorPtr MakeIfThenElse(EvaluatorPtr condition, EvaluatorPtr then_value, EvaluatorPtr else_value) {
  return std::make_unique<IfThenElseEval>(std::move(condition), std::move(then_value), std::move(else_value));
}

EvaluatorPtr MakeInstanceOf(EvaluatorPtr operand, Type type) {
  return std::make_unique<InstanceOfEval>(std::move(operand), type);
}

EvaluatorPtr MakeMaximum(std::vector<EvaluatorPtr> args) { return MakeExtremum<true>(std::move(args)); }
EvaluatorPtr MakeMinimum(std::vector<EvaluatorPtr> args) { return MakeExtremum<false>(std::move(args)); }
EvaluatorPtr MakeUuid() { return std::make_unique<UuidEval>(); }
EvaluatorPtr MakeCurrentTimeMillis() { return std::make_unique<CurrentTimeEval>(); }
EvaluatorPtr MakeEventTimestamp() { return std::make_unique<EventTimestampEval>(); }
EvaluatorPtr MakeCreateSet(EvaluatorPtr operand) { return std::make_unique<CreateSetEval>(std::move(operand)); }
EvaluatorPtr MakeSizeOfSet(EvaluatorPtr operand) { return std::make_unique<SizeOfSetEval>(std::move(operand)); }

}  // namespace eddy::runtime
