// The public C++ API (include/eddy/engine.h) over the parser, planner and runtime.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <variant>
#include <mutex>

#include "eddy/engine.h"
#include "parser/parse.h"
#include "planner/planner.h"
#include "runtime/app_runtime.h"

namespace eddy {
namespace {

// What a fault stream's `_error` holds for errors reported from outside the app.
class ErrorObject final : public ObjRep {
 public:
  explicit ErrorObject(std::string_view message) : message_(message) {}
  std::string ToString() const override { return message_; }

 private:
  std::string message_;
};

SourceLocation ToLocation(const ast::SourceSpan& span) {
  return {span.line, span.column, span.length};
}

AnnotationInfo ToAnnotationInfo(const ast::Annotation& a) {
  AnnotationInfo info{a.name, {}, {}, ToLocation(a.span)};
  for (const ast::AnnotationElement& e : a.elements) {
    info.elements.push_back({e.key, e.value, ToLocation(e.span)});
  }
  for (const ast::Annotation& nested : a.nested) info.nested.push_back(ToAnnotationInfo(nested));
  return info;
}

int64_t WallClockMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string_view Version() { return "0.1.0"; }

class App::Impl {
 public:
  std::unique_ptr<runtime::AppRuntime> runtime;
  bool playback = false;
  bool shut_down = false;
  std::mutex mutex;
  // Set once by EnableQueryStats; read without the lock.
  std::atomic<const runtime::QueryTiming*> query_timing{nullptr};
  // Stream definitions' annotations (by stream name), for io/ and embedders.
  std::map<std::string, std::vector<AnnotationInfo>, std::less<>> annotations;

  // Moves the clock for events up to `timestamp` (REQUIRES: mutex held).
  void AdvanceLocked(int64_t timestamp) {
    if (shut_down) throw UsageError("app '" + runtime->name() + "' is shut down");
    if (!runtime->started()) runtime->Start(playback ? timestamp : WallClockMillis());
    runtime->AdvanceTo(playback ? timestamp : WallClockMillis());
  }
};

App::App(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
App::~App() = default;

std::unique_ptr<App> App::Compile(std::string_view source, const CompileOptions& options) {
  ast::App tree = parser::ParseApp(source);
  planner::PlanOptions plan_options;
  plan_options.playback = options.playback;
  plan_options.max_partial_matches = options.max_partial_matches;
  auto impl = std::make_unique<Impl>();
  impl->runtime = planner::PlanApp(tree, plan_options);
  for (const ast::Definition& def : tree.definitions) {
    if (const auto* stream = std::get_if<ast::StreamDef>(&def)) {
      std::vector<AnnotationInfo>& out = impl->annotations[stream->name];
      for (const ast::Annotation& a : stream->annotations) out.push_back(ToAnnotationInfo(a));
    }
  }
  impl->playback = impl->runtime->playback;
  return std::unique_ptr<App>(new App(std::move(impl)));
}

const std::string& App::name() const { return impl_->runtime->name(); }
bool App::playback() const { return impl_->playback; }

std::vector<StreamInfo> App::streams() const {
  std::vector<StreamInfo> out;
  for (const runtime::StreamJunction* stream : impl_->runtime->streams()) {
    const runtime::StreamRole* role = impl_->runtime->FindRole(stream->name());
    if (role != nullptr && role->internal) continue;
    StreamInfo info;
    info.name = stream->name();
    for (const runtime::Attribute& a : stream->schema().attributes()) {
      info.attributes.push_back({a.name, a.type});
    }
    info.is_output = role != nullptr && (role->fed_by_query || role->trigger);
    info.is_input = role == nullptr || (!role->fed_by_query && !role->trigger && !role->fault);
    info.has_fault_stream = impl_->runtime->FindStream("!" + info.name) != nullptr;
    if (auto it = impl_->annotations.find(info.name); it != impl_->annotations.end()) {
      info.annotations = it->second;
    }
    out.push_back(std::move(info));
  }
  return out;
}

InputHandle App::Input(std::string_view stream) {
  runtime::StreamJunction* junction = impl_->runtime->FindStream(stream);
  const runtime::StreamRole* role = impl_->runtime->FindRole(stream);
  if (junction == nullptr || (role != nullptr && role->internal)) {
    throw UsageError("app '" + name() + "' has no stream '" + std::string(stream) + "'");
  }
  if (role != nullptr && (role->trigger || role->fault)) {
    throw UsageError("stream '" + std::string(stream) + "' is fed by the app itself (" +
                     (role->trigger ? "a trigger" : "a fault stream") + "), not an input");
  }
  std::vector<AttributeInfo> attributes;
  for (const runtime::Attribute& a : junction->schema().attributes()) {
    attributes.push_back({a.name, a.type});
  }
  return InputHandle(this, junction, std::string(stream), std::move(attributes));
}

InputHandle App::FaultInput(std::string_view stream) {
  const std::string fault_name = "!" + std::string(stream);
  runtime::StreamJunction* junction = impl_->runtime->FindStream(fault_name);
  const runtime::StreamRole* role = impl_->runtime->FindRole(fault_name);
  if (junction == nullptr || role == nullptr || !role->fault) {
    throw UsageError("stream '" + std::string(stream) +
                     "' has no fault stream (it needs @OnError(action='STREAM'))");
  }
  std::vector<AttributeInfo> attributes;
  for (const runtime::Attribute& a : junction->schema().attributes()) {
    attributes.push_back({a.name, a.type});
  }
  return InputHandle(this, junction, fault_name, std::move(attributes));
}

void App::Subscribe(std::string_view stream, StreamCallback callback) {
  runtime::StreamJunction* junction = impl_->runtime->FindStream(stream);
  if (junction == nullptr) {
    throw UsageError("app '" + name() + "' has no stream '" + std::string(stream) + "'");
  }
  std::lock_guard lock(impl_->mutex);
  junction->AddCallback([cb = std::move(callback)](const runtime::EventChunk& chunk) {
    cb(EventBatchView(chunk));
  });
}

void App::Start(std::optional<int64_t> start_time) {
  std::lock_guard lock(impl_->mutex);
  if (impl_->runtime->started()) return;
  if (impl_->playback && !start_time) return;  // starts at the first event's time
  impl_->runtime->Start(start_time.value_or(WallClockMillis()));
}

void App::AdvanceTime(int64_t timestamp) {
  std::lock_guard lock(impl_->mutex);
  impl_->AdvanceLocked(timestamp);
}

void App::Tick() {
  std::lock_guard lock(impl_->mutex);
  if (impl_->playback || impl_->shut_down) return;
  impl_->AdvanceLocked(WallClockMillis());
}

void App::Shutdown() {
  std::lock_guard lock(impl_->mutex);
  impl_->shut_down = true;
}

int64_t App::now() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->runtime->scheduler().now();
}

void App::EnableQueryStats() {
  std::lock_guard lock(impl_->mutex);
  impl_->runtime->EnableQueryTiming();
  impl_->query_timing = impl_->runtime->query_timing();
}

std::vector<QueryStats> App::query_stats() const {
  static_assert(kQueryLatencyBounds.size() == runtime::QueryTiming::kBoundNanos.size());
  const runtime::QueryTiming* timing = impl_->query_timing.load();
  std::vector<QueryStats> out;
  if (timing == nullptr) return out;
  const std::vector<runtime::QueryDescription>& queries = impl_->runtime->queries();
  for (size_t q = 0; q < timing->size(); ++q) {
    const runtime::QueryTiming::Stats& s = timing->stats(q);
    QueryStats& stats = out.emplace_back();
    stats.name = queries[q].name;
    stats.chunks = s.chunks.load(std::memory_order_relaxed);
    stats.events = s.events.load(std::memory_order_relaxed);
    stats.seconds = static_cast<double>(s.nanos.load(std::memory_order_relaxed)) / 1e9;
    for (size_t b = 0; b < s.buckets.size(); ++b) stats.latency_buckets[b] = s.buckets[b].load(std::memory_order_relaxed);
  }
  return out;
}

std::string App::Explain() const { return impl_->runtime->Explain(); }

// ------------------------------------------------------------------ events

uint32_t EventBatchView::size() const { return chunk_->size(); }
EventView EventBatchView::operator[](uint32_t i) const { return chunk_->view(i); }

EventBatch::EventBatch(std::unique_ptr<runtime::EventChunk> chunk) : chunk_(std::move(chunk)) {}
EventBatch::~EventBatch() = default;
EventBatch::EventBatch(EventBatch&&) noexcept = default;
EventBatch& EventBatch::operator=(EventBatch&&) noexcept = default;

EventBatch& EventBatch::Add(int64_t timestamp) {
  chunk_->Append(timestamp, EventKind::kCurrent);
  return *this;
}

namespace {

void CheckType(const runtime::EventChunk& chunk, uint32_t i, Type wanted) {
  if (chunk.empty()) throw UsageError("EventBatch: call Add() before setting attributes");
  if (i >= chunk.arity()) {
    throw UsageError("attribute index " + std::to_string(i) + " is out of range (the stream has " +
                     std::to_string(chunk.arity()) + ")");
  }
  if (chunk.schema().type(i) != wanted) {
    throw UsageError("attribute '" + chunk.schema().attribute(i).name + "' is " +
                     std::string(TypeName(chunk.schema().type(i))) + ", not " +
                     std::string(TypeName(wanted)));
  }
}

}  // namespace

EventBatch& EventBatch::SetInt(uint32_t i, int32_t v) {
  CheckType(*chunk_, i, Type::kInt);
  chunk_->AdoptSlot(chunk_->size() - 1, i, Slot{.i32 = v}, false);
  return *this;
}
EventBatch& EventBatch::SetLong(uint32_t i, int64_t v) {
  CheckType(*chunk_, i, Type::kLong);
  chunk_->AdoptSlot(chunk_->size() - 1, i, Slot{.i64 = v}, false);
  return *this;
}
EventBatch& EventBatch::SetFloat(uint32_t i, float v) {
  CheckType(*chunk_, i, Type::kFloat);
  chunk_->AdoptSlot(chunk_->size() - 1, i, Slot{.f32 = v}, false);
  return *this;
}
EventBatch& EventBatch::SetDouble(uint32_t i, double v) {
  CheckType(*chunk_, i, Type::kDouble);
  chunk_->AdoptSlot(chunk_->size() - 1, i, Slot{.f64 = v}, false);
  return *this;
}
EventBatch& EventBatch::SetBool(uint32_t i, bool v) {
  CheckType(*chunk_, i, Type::kBool);
  chunk_->AdoptSlot(chunk_->size() - 1, i, Slot{.b = v}, false);
  return *this;
}
EventBatch& EventBatch::SetString(uint32_t i, std::string_view v) {
  CheckType(*chunk_, i, Type::kString);
  chunk_->AdoptSlot(chunk_->size() - 1, i, Slot{.str = StrRep::Make(v)}, false);
  return *this;
}
EventBatch& EventBatch::SetNull(uint32_t i) {
  CheckType(*chunk_, i, chunk_->schema().type(i < chunk_->arity() ? i : 0));
  chunk_->AdoptSlot(chunk_->size() - 1, i, Slot{.raw = 0}, true);
  return *this;
}

EventBatch& EventBatch::SetError(uint32_t i, std::string_view message) {
  CheckType(*chunk_, i, Type::kObject);
  chunk_->AdoptSlot(chunk_->size() - 1, i, Slot{.obj = new ErrorObject(message)}, false);
  return *this;
}

EventBatch& EventBatch::Set(uint32_t i, const Value& v) {
  if (i >= chunk_->arity()) CheckType(*chunk_, i, Type::kObject);
  const Type type = chunk_->schema().type(i);
  const std::string& name = chunk_->schema().attribute(i).name;
  if (v.is_null()) return SetNull(i);
  auto misfit = [&] {
    return UsageError("value " + v.ToString() + " does not fit attribute '" + name + "' (" +
                      std::string(TypeName(type)) + ")");
  };
  // Integral source values for int/long targets; any number for float/double.
  auto as_double = [&]() -> std::optional<double> {
    switch (v.type()) {
      case Type::kInt: return v.as_int();
      case Type::kLong: return static_cast<double>(v.as_long());
      case Type::kFloat: return v.as_float();
      case Type::kDouble: return v.as_double();
      default: return std::nullopt;
    }
  };
  switch (type) {
    case Type::kString:
      if (v.type() != Type::kString) throw misfit();
      return SetString(i, v.as_string());
    case Type::kBool:
      if (v.type() != Type::kBool) throw misfit();
      return SetBool(i, v.as_bool());
    case Type::kInt:
    case Type::kLong: {
      int64_t n = 0;
      if (v.type() == Type::kInt) {
        n = v.as_int();
      } else if (v.type() == Type::kLong) {
        n = v.as_long();
      } else if (auto d = as_double(); d && std::trunc(*d) == *d && std::abs(*d) < 9.2e18) {
        n = static_cast<int64_t>(*d);
      } else {
        throw misfit();
      }
      if (type == Type::kLong) return SetLong(i, n);
      if (n < std::numeric_limits<int32_t>::min() || n > std::numeric_limits<int32_t>::max()) {
        throw misfit();
      }
      return SetInt(i, static_cast<int32_t>(n));
    }
    case Type::kFloat:
    case Type::kDouble: {
      std::optional<double> d = as_double();
      if (!d) throw misfit();
      if (type == Type::kFloat) {
        return SetFloat(i, v.type() == Type::kFloat ? v.as_float() : static_cast<float>(*d));
      }
      return SetDouble(i, *d);
    }
    case Type::kObject: throw UsageError("object attributes cannot be sent from outside");
  }
  return *this;
}

uint32_t EventBatch::size() const { return chunk_->size(); }
void EventBatch::Clear() { chunk_->Clear(); }

// ------------------------------------------------------------------ input

InputHandle::InputHandle(App* app, runtime::StreamJunction* junction, std::string name,
                         std::vector<AttributeInfo> attributes)
    : app_(app), junction_(junction), name_(std::move(name)), attributes_(std::move(attributes)) {}

EventBatch InputHandle::NewBatch() const {
  return EventBatch(std::make_unique<runtime::EventChunk>(&junction_->schema()));
}

void InputHandle::Send(int64_t timestamp, std::span<const Value> values) {
  if (values.size() != attributes_.size()) {
    throw UsageError("stream '" + name_ + "' takes " + std::to_string(attributes_.size()) +
                     " attributes, got " + std::to_string(values.size()));
  }
  // One reusable batch per handle would not be safe across threads; events sent
  // one by one are the convenience path, batches are the fast one.
  EventBatch batch = NewBatch();
  batch.Add(timestamp);
  for (uint32_t i = 0; i < values.size(); ++i) batch.Set(i, values[i]);
  Send(batch);
}

void InputHandle::Send(const EventBatch& batch) {
  const runtime::EventChunk& chunk = *batch.chunk_;
  if (chunk.empty()) return;
  int64_t latest = chunk.timestamp(0);
  for (uint32_t i = 1; i < chunk.size(); ++i) latest = std::max(latest, chunk.timestamp(i));
  std::lock_guard lock(app_->impl_->mutex);
  app_->impl_->AdvanceLocked(latest);
  app_->impl_->runtime->Send(junction_, chunk);
}

}  // namespace eddy
