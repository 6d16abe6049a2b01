#include "runtime/operator/aggregators.h"

#include "runtime/expr/factory.h"
#include "runtime/operator/sliding_aggregate_selector.h"

#include <cmath>
#include <deque>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace eddy::runtime {
namespace {

template <typename T>
T Read(Slot s) {
  if constexpr (std::is_same_v<T, int32_t>) return s.i32;
  else if constexpr (std::is_same_v<T, int64_t>) return s.i64;
  else if constexpr (std::is_same_v<T, float>) return s.f32;
  else if constexpr (std::is_same_v<T, double>) return s.f64;
  else if constexpr (std::is_same_v<T, bool>) return s.b;
  else return std::string(s.str->view());
}

template <typename T>
Slot Write(T v) {
  Slot s{};
  if constexpr (std::is_same_v<T, int32_t>) s.i32 = v;
  else if constexpr (std::is_same_v<T, int64_t>) s.i64 = v;
  else if constexpr (std::is_same_v<T, float>) s.f32 = v;
  else if constexpr (std::is_same_v<T, double>) s.f64 = v;
  else if constexpr (std::is_same_v<T, bool>) s.b = v;
  return s;
}

// The shared loop: Policy supplies State, Add, Remove and Result.
template <typename Policy>
class AggregateImpl final : public AggregateColumn {
 public:
  using State = typename Policy::State;
  explicit AggregateImpl(Type result_type) : result_type_(result_type) {}

  Type result_type() const override { return result_type_; }

  void Process(const EventChunk& chunk, std::span<const uint32_t> rows,
               const GroupAssignment& groups, std::span<const ColumnView> args,
               Column& out) override {
    const ColumnView arg = args.empty() ? ColumnView{} : args[0];
    const bool has_arg = !args.empty();
    Slot* out_data = out.data();
    uint8_t* out_nulls = out.nulls();
    for (uint32_t row : rows) {
      const EventKind kind = chunk.kind(row);
      if (kind == EventKind::kReset) {
        for (State& s : states_) s = State{};
        continue;
      }
      if (kind != EventKind::kCurrent && kind != EventKind::kExpired) continue;
      const uint32_t group = groups.group == nullptr ? 0 : groups.group[row];
      if (group >= states_.size()) states_.resize(group + 1);
      State& state = states_[group];
      if (groups.fresh != nullptr && groups.fresh[row]) state = State{};
      const bool null = has_arg && arg.null(row);
      const Slot value = has_arg ? arg.at(row) : Slot{};
      if (kind == EventKind::kCurrent) {
        Policy::Add(state, value, null);
      } else {
        Policy::Remove(state, value, null);
      }
      bool result_null = false;
      out_data[row] = Policy::Result(state, result_null);
      out_nulls[row] = result_null;
    }
  }

  void Slide(std::span<const SlideOp> ops, const Slot* values, uint32_t arg, uint32_t groups,
             Column& out) override {
    if (states_.size() < groups) states_.resize(groups);
    if (values != nullptr) {
      SlideLoop<true>(ops, values, arg, out);
    } else {
      SlideLoop<false>(ops, values, arg, out);
    }
  }

  void ResetGroup(uint32_t group) override {
    if (group < states_.size()) states_[group] = State{};
  }

  void SlideWindow(SlidingAggregateSelector& window, uint32_t arrivals, Column& out) override {
    // Sized before the walk: a fresh group's state is then only reset.
    if (states_.size() < window.group_bound()) states_.resize(window.group_bound());
    if (window.arg_count() > 0) {
      WalkWindow<true>(window, arrivals, out);
    } else {
      WalkWindow<false>(window, arrivals, out);
    }
  }

 private:
  template <bool kHasArg>
  void WalkWindow(SlidingAggregateSelector& window, uint32_t arrivals, Column& out) {
    Slot* out_data = out.data();
    uint8_t* out_nulls = out.nulls();
    State* states = states_.data();
    window.Walk<kHasArg ? 1 : 0>(
        arrivals,
        [states](uint32_t g, const Slot* values, uint32_t nulls) {
          Policy::Remove(states[g], kHasArg ? values[0] : Slot{}, kHasArg && (nulls & 1) != 0);
        },
        [states, out_data, out_nulls](uint32_t g, uint32_t row, bool fresh, const Slot* values, uint32_t nulls) {
          if (fresh) states[g] = State{};
          AddAndWrite(states[g], kHasArg ? values[0] : Slot{}, kHasArg && (nulls & 1) != 0, out_data, out_nulls, row);
        });
  }

  template <bool kHasArg>
  void SlideLoop(std::span<const SlideOp> ops, const Slot* values, uint32_t arg, Column& out) {
    Slot* out_data = out.data();
    uint8_t* out_nulls = out.nulls();
    State* states = states_.data();
    for (size_t i = 0; i < ops.size(); ++i) {
      const SlideOp op = ops[i];
      State& state = states[op.group];
      const bool null = kHasArg && ((op.null_args >> arg) & 1) != 0;
      const Slot value = kHasArg ? values[i] : Slot{};
      if (op.kind == SlideOp::Kind::kRemove) {
        Policy::Remove(state, value, null);
        continue;
      }
      if (op.kind == SlideOp::Kind::kAddFresh) state = State{};
      AddAndWrite(state, value, null, out_data, out_nulls, op.row);
    }
  }

  // Adds a value to `state` and writes the running result to out[row].
  static void AddAndWrite(State& state, Slot value, bool null, Slot* out_data, uint8_t* out_nulls, uint32_t row) {
    Policy::Add(state, value, null);
    bool result_null = false;
    out_data[row] = Policy::Result(state, result_null);
    out_nulls[row] = result_null;
  }

  Type result_type_;
  std::vector<State> states_;
};

struct CountPolicy {
  struct State {
    int64_t n = 0;
  };
  static void Add(State& s, Slot, bool) { ++s.n; }
  static void Remove(State& s, Slot, bool) { --s.n; }
  static Slot Result(const State& s, bool&) { return Write<int64_t>(s.n); }
};

// sum: int/long accumulate in long (wrapping), float/double in double.
template <typename In, typename Acc>
struct SumPolicy {
  struct State {
    Acc sum = 0;
    int64_t n = 0;
  };
  static Acc Wrap(Acc a, Acc b, bool add) {
    if constexpr (std::is_integral_v<Acc>) {
      const uint64_t x = static_cast<uint64_t>(a), y = static_cast<uint64_t>(b);
      return static_cast<Acc>(add ? x + y : x - y);
    } else {
      return add ? a + b : a - b;
    }
  }
  static void Add(State& s, Slot v, bool null) {
    if (null) return;
    s.sum = Wrap(s.sum, static_cast<Acc>(Read<In>(v)), true);
    ++s.n;
  }
  static void Remove(State& s, Slot v, bool null) {
    if (null) return;
    s.sum = Wrap(s.sum, static_cast<Acc>(Read<In>(v)), false);
    --s.n;
  }
  static Slot Result(const State& s, bool& null) {
    null = s.n == 0;
    return Write<Acc>(s.sum);
  }
};

template <typename In>
struct AvgPolicy {
  struct State {
    double sum = 0;
    int64_t n = 0;
  };
  static void Add(State& s, Slot v, bool null) {
    if (null) return;
    s.sum += static_cast<double>(Read<In>(v));
    ++s.n;
  }
  static void Remove(State& s, Slot v, bool null) {
    if (null) return;
    s.sum -= static_cast<double>(Read<In>(v));
    --s.n;
  }
  static Slot Result(const State& s, bool& null) {
    null = s.n == 0;
    return Write<double>(s.n == 0 ? 0.0 : s.sum / static_cast<double>(s.n));
  }
};

// Population standard deviation from running sums.
template <typename In>
struct StdDevPolicy {
  struct State {
    double sum = 0;
    double sum_squares = 0;
    int64_t n = 0;
  };
  static void Add(State& s, Slot v, bool null) {
    if (null) return;
    const double x = static_cast<double>(Read<In>(v));
    s.sum += x;
    s.sum_squares += x * x;
    ++s.n;
  }
  static void Remove(State& s, Slot v, bool null) {
    if (null) return;
    const double x = static_cast<double>(Read<In>(v));
    s.sum -= x;
    s.sum_squares -= x * x;
    --s.n;
  }
  static Slot Result(const State& s, bool& null) {
    null = s.n == 0;
    if (s.n <= 1) return Write<double>(0.0);
    const double mean = s.sum / static_cast<double>(s.n);
    const double variance = s.sum_squares / static_cast<double>(s.n) - mean * mean;
    return Write<double>(variance > 0 ? std::sqrt(variance) : 0.0);
  }
};

// Sliding min/max for oldest-first expiry: a monotonic deque of (value, arrival
// number); the expired event of a group is always that group's oldest.
template <typename In, bool kMax>
struct DequeMinMaxPolicy {
  struct State {
    std::deque<std::pair<In, uint64_t>> window;
    uint64_t added = 0;
    uint64_t removed = 0;
  };
  static bool Dominates(In a, In b) { return kMax ? a >= b : a <= b; }
  static void Add(State& s, Slot v, bool null) {
    const uint64_t seq = s.added++;
    if (null) return;
    const In x = Read<In>(v);
    while (!s.window.empty() && Dominates(x, s.window.back().first)) s.window.pop_back();
    s.window.emplace_back(x, seq);
  }
  static void Remove(State& s, Slot, bool) {
    const uint64_t seq = s.removed++;
    if (!s.window.empty() && s.window.front().second == seq) s.window.pop_front();
  }
  static Slot Result(const State& s, bool& null) {
    null = s.window.empty();
    return null ? Slot{} : Write<In>(s.window.front().first);
  }
};

// Sliding min/max for any expiry order: a counted ordered map.
template <typename In, bool kMax>
struct MapMinMaxPolicy {
  struct State {
    std::map<In, int64_t> values;
  };
  static void Add(State& s, Slot v, bool null) {
    if (!null) ++s.values[Read<In>(v)];
  }
  static void Remove(State& s, Slot v, bool null) {
    if (null) return;
    auto it = s.values.find(Read<In>(v));
    if (it != s.values.end() && --it->second == 0) s.values.erase(it);
  }
  static Slot Result(const State& s, bool& null) {
    null = s.values.empty();
    if (null) return Slot{};
    return Write<In>(kMax ? s.values.rbegin()->first : s.values.begin()->first);
  }
};

// minForever/maxForever: expiry is ignored; only a RESET clears.
template <typename In, bool kMax>
struct ForeverPolicy {
  struct State {
    bool seen = false;
    In value{};
  };
  static void Add(State& s, Slot v, bool null) {
    if (null) return;
    const In x = Read<In>(v);
    if (!s.seen || (kMax ? x > s.value : x < s.value)) s.value = x;
    s.seen = true;
  }
  static void Remove(State& s, Slot v, bool null) { Add(s, v, null); }
  static Slot Result(const State& s, bool& null) {
    null = !s.seen;
    return null ? Slot{} : Write<In>(s.value);
  }
};

// distinctCount: null counts as one more distinct value.
template <typename In>
struct DistinctCountPolicy {
  using Key = std::conditional_t<std::is_same_v<In, StrRep*>, std::string, In>;
  struct State {
    std::unordered_map<Key, int64_t> counts;
    int64_t nulls = 0;
  };
  static Key KeyOf(Slot v) {
    if constexpr (std::is_same_v<In, StrRep*>) {
      return std::string(v.str->view());
    } else {
      return Read<In>(v);
    }
  }
  static void Add(State& s, Slot v, bool null) {
    if (null) {
      ++s.nulls;
    } else {
      ++s.counts[KeyOf(v)];
    }
  }
  static void Remove(State& s, Slot v, bool null) {
    if (null) {
      --s.nulls;
      return;
    }
    auto it = s.counts.find(KeyOf(v));
    if (it != s.counts.end() && --it->second == 0) s.counts.erase(it);
  }
  static Slot Result(const State& s, bool&) {
    return Write<int64_t>(static_cast<int64_t>(s.counts.size()) + (s.nulls > 0 ? 1 : 0));
  }
};

template <bool kAnd>
struct LogicPolicy {
  struct State {
    int64_t trues = 0;
    int64_t falses = 0;
  };
  static void Add(State& s, Slot v, bool null) {
    if (null) return;
    (v.b ? s.trues : s.falses) += 1;
  }
  static void Remove(State& s, Slot v, bool null) {
    if (null) return;
    (v.b ? s.trues : s.falses) -= 1;
  }
  static Slot Result(const State& s, bool&) {
    return Write<bool>(kAnd ? (s.falses == 0 && s.trues > 0) : s.trues > 0);
  }
};

// unionSet: the union of the sets seen, kept as counts so that expiry retracts.
struct UnionSetPolicy {
  struct State {
    std::vector<std::pair<Value, int64_t>> counts;  // sets are small: linear is fine
  };
  template <typename F>
  static void ForEach(Slot v, bool null, F&& f) {
    if (null) return;
    if (const auto* set = dynamic_cast<const SetObject*>(v.obj)) {
      for (const Value& x : set->values) f(x);
    }
  }
  static void Add(State& s, Slot v, bool null) {
    ForEach(v, null, [&s](const Value& x) {
      for (auto& [value, n] : s.counts) {
        if (value == x) {
          ++n;
          return;
        }
      }
      s.counts.emplace_back(x, 1);
    });
  }
  static void Remove(State& s, Slot v, bool null) {
    ForEach(v, null, [&s](const Value& x) {
      for (auto it = s.counts.begin(); it != s.counts.end(); ++it) {
        if (it->first == x) {
          if (--it->second == 0) s.counts.erase(it);
          return;
        }
      }
    });
  }
  // A new set object per result row, owned by the result column.
  static Slot Result(const State& s, bool&) {
    auto* set = new SetObject();
    for (const auto& [value, n] : s.counts) set->values.push_back(value);
    Slot out{};
    out.obj = set;
    return out;
  }
};

template <template <typename> class Policy>
std::unique_ptr<AggregateColumn> ByNumericType(Type in, Type result) {
  switch (in) {
    case Type::kInt: return std::make_unique<AggregateImpl<Policy<int32_t>>>(result);
    case Type::kLong: return std::make_unique<AggregateImpl<Policy<int64_t>>>(result);
    case Type::kFloat: return std::make_unique<AggregateImpl<Policy<float>>>(result);
    default: return std::make_unique<AggregateImpl<Policy<double>>>(result);
  }
}

template <typename In>
using MaxDeque = DequeMinMaxPolicy<In, true>;
template <typename In>
using MinDeque = DequeMinMaxPolicy<In, false>;
template <typename In>
using MaxMap = MapMinMaxPolicy<In, true>;
template <typename In>
using MinMap = MapMinMaxPolicy<In, false>;
template <typename In>
using MaxForever = ForeverPolicy<In, true>;
template <typename In>
using MinForever = ForeverPolicy<In, false>;

}  // namespace

std::unique_ptr<AggregateColumn> MakeAggregate(const std::string& name,
                                               std::span<const Type> arg_types,
                                               ExpiryOrder expiry) {
  const Type in = arg_types.empty() ? Type::kLong : arg_types[0];
  const bool oldest_first = expiry == ExpiryOrder::kOldestFirst;
  if (name == "count") return std::make_unique<AggregateImpl<CountPolicy>>(Type::kLong);
  if (name == "sum") {
    switch (in) {
      case Type::kInt: return std::make_unique<AggregateImpl<SumPolicy<int32_t, int64_t>>>(Type::kLong);
      case Type::kLong: return std::make_unique<AggregateImpl<SumPolicy<int64_t, int64_t>>>(Type::kLong);
      case Type::kFloat: return std::make_unique<AggregateImpl<SumPolicy<float, double>>>(Type::kDouble);
      default: return std::make_unique<AggregateImpl<SumPolicy<double, double>>>(Type::kDouble);
    }
  }
  if (name == "avg") return ByNumericType<AvgPolicy>(in, Type::kDouble);
  if (name == "stddev") return ByNumericType<StdDevPolicy>(in, Type::kDouble);
  if (name == "max") return oldest_first ? ByNumericType<MaxDeque>(in, in) : ByNumericType<MaxMap>(in, in);
  if (name == "min") return oldest_first ? ByNumericType<MinDeque>(in, in) : ByNumericType<MinMap>(in, in);
  if (name == "maxforever") return ByNumericType<MaxForever>(in, in);
  if (name == "minforever") return ByNumericType<MinForever>(in, in);
  if (name == "and") return std::make_unique<AggregateImpl<LogicPolicy<true>>>(Type::kBool);
  if (name == "or") return std::make_unique<AggregateImpl<LogicPolicy<false>>>(Type::kBool);
  if (name == "unionset") return std::make_unique<AggregateImpl<UnionSetPolicy>>(Type::kObject);
  if (name == "distinctcount") {
    switch (in) {
      case Type::kInt: return std::make_unique<AggregateImpl<DistinctCountPolicy<int32_t>>>(Type::kLong);
      case Type::kLong: return std::make_unique<AggregateImpl<DistinctCountPolicy<int64_t>>>(Type::kLong);
      case Type::kFloat: return std::make_unique<AggregateImpl<DistinctCountPolicy<float>>>(Type::kLong);
      case Type::kDouble: return std::make_unique<AggregateImpl<DistinctCountPolicy<double>>>(Type::kLong);
      case Type::kBool: return std::make_unique<AggregateImpl<DistinctCountPolicy<bool>>>(Type::kLong);
      default: return std::make_unique<AggregateImpl<DistinctCountPolicy<StrRep*>>>(Type::kLong);
    }
  }
  return nullptr;
}

}  // namespace eddy::runtime
