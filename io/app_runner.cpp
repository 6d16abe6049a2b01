#include "io/app_runner.h"

#include <map>
#include <mutex>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "io/event_row.h"
#include "io/log.h"
#include "io/mapper.h"
#include "io/text_format.h"
#include "io/transport.h"

namespace eddy::io {
namespace {

int64_t WallClockMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Mapper construction can find problems the catalog cannot (a regex that does
// not compile, a two-character delimiter): report them at the @map.
template <typename F>
auto BuildChecked(const TransportSpec& spec, F make) {
  try {
    return make(spec);
  } catch (const std::invalid_argument& e) {
    throw CompileError(std::string("@map(type='") + spec.map.type + "'): " + e.what(), spec.map.location);
  }
}

bool LineBased(const TransportSpec& spec) {
  return spec.type == "file" || spec.type == "stdout" || spec.type == "log";
}

}  // namespace

void CheckTransports(const App& app, const Overrides& overrides) {
  for (const TransportSpec& spec : ReadTransports(app, overrides)) {
    if (spec.direction == Direction::kSource) {
      BuildChecked(spec, MakeSourceMapper);
    } else {
      BuildChecked(spec, MakeSinkMapper);
    }
  }
}

struct AppRunner::SourceBinding {
  SourceBinding(TransportSpec s, InputHandle in)
      : spec(std::move(s)), input(std::move(in)), batch(input.NewBatch()), row(input.attributes()) {}

  TransportSpec spec;
  std::unique_ptr<Source> source;
  std::unique_ptr<SourceMapper> mapper;
  InputHandle input;
  std::optional<InputHandle> fault;
  std::optional<EventBatch> fault_batch;
  EventBatch batch;
  EventRow row;
  std::mutex mutex;  // one message at a time through the mapper's scratch state
  std::unique_ptr<LogSampler> error_log;
  std::atomic<uint64_t> events{0};
  std::atomic<uint64_t> errors{0};
  LatencyHistogram latency;
};

struct AppRunner::SinkBinding {
  explicit SinkBinding(TransportSpec s) : spec(std::move(s)) {}
  TransportSpec spec;
  std::unique_ptr<Sink> sink;
  std::unique_ptr<SinkMapper> mapper;
  PayloadTemplate topic;
  bool dynamic_topic = false;
  std::string payload;
  std::string topic_text;
  std::vector<Value> values;
  std::atomic<uint64_t> events{0};
  std::atomic<uint64_t> errors{0};
  LogSampler error_log{1000};
};

AppRunner::AppRunner(std::string file_name, std::string_view source_text, const RunOptions& options)
    : file_name_(std::move(file_name)), options_(options) {
  app_ = App::Compile(source_text, {.file_name = file_name_});
  if (options_.query_stats) app_->EnableQueryStats();
  const TransportEnvironment env{app_->name(), options_.state_dir};
  std::map<std::string, int> per_stream;
  for (TransportSpec& spec : ReadTransports(*app_, options_.overrides)) {
    const int index = per_stream[spec.stream + (spec.direction == Direction::kSource ? "<" : ">")]++;
    if (spec.direction == Direction::kSource) {
      auto b = std::make_unique<SourceBinding>(spec, app_->Input(spec.stream));
      b->mapper = BuildChecked(b->spec, MakeSourceMapper);
      if (spec.has_fault_stream) {
        b->fault = app_->FaultInput(spec.stream);
        b->fault_batch = b->fault->NewBatch();
      }
      b->error_log = std::make_unique<LogSampler>(options_.log_every);
      b->source = MakeSource(b->spec, env, index);
      sources_.push_back(std::move(b));
    } else {
      auto b = std::make_unique<SinkBinding>(spec);
      b->mapper = BuildChecked(b->spec, MakeSinkMapper);
      b->topic = PayloadTemplate::Compile(spec.Get("topic", ""), spec.attributes);
      b->dynamic_topic = b->topic.has_placeholders();
      b->sink = MakeSink(b->spec, env, index);
      sinks_.push_back(std::move(b));
    }
  }
}

AppRunner::~AppRunner() { Stop(); }

bool AppRunner::has_sources() const { return !sources_.empty(); }

bool AppRunner::finished() const {
  if (sources_.empty()) return false;
  for (const auto& b : sources_) {
    if (!b->source->finished()) return false;
  }
  return true;
}

bool AppRunner::connected() const {
  for (const auto& b : sources_) {
    if (!b->source->stats().connected) return false;
  }
  for (const auto& b : sinks_) {
    if (!b->sink->stats().connected) return false;
  }
  return true;
}

void AppRunner::Start() {
  if (started_) return;
  started_ = true;
  for (auto& owned : sinks_) {
    SinkBinding* b = owned.get();
    b->sink->Start();
    const bool pass_events = b->spec.type == "inMemory" && b->spec.map.type == "passThrough";
    const bool per_event = pass_events || !b->mapper->groups() || b->dynamic_topic || LineBased(b->spec);
    b->topic_text = b->spec.Get("topic", "");
    app_->Subscribe(b->spec.stream, [b, pass_events, per_event](const EventBatchView& events) {
      b->events += events.size();
      if (pass_events) {
        for (uint32_t e = 0; e < events.size(); ++e) {
          b->values.clear();
          for (uint32_t i = 0; i < events[e].size(); ++i) b->values.push_back(events[e].value(i));
          b->sink->PublishEvent(b->topic_text, b->values);
        }
        return;
      }
      const uint32_t step = per_event ? 1 : events.size();
      for (uint32_t begin = 0; begin < events.size(); begin += step) {
        b->payload.clear();
        try {
          b->mapper->Map(events, begin, begin + step, b->payload);
        } catch (const std::invalid_argument& e) {
          ++b->errors;
          uint64_t n = 0;
          if (b->error_log.Sample(n)) {
            Log(LogLevel::kError, b->spec.Describe() + ": " + e.what() + " (" + std::to_string(n) + " so far)");
          }
          continue;
        }
        if (b->dynamic_topic) {
          b->topic_text.clear();
          b->topic.Render(events[begin], b->topic_text, TextStyle::kPlain);
        }
        b->sink->Publish(b->topic_text, b->payload);
      }
    });
  }
  app_->Start();
  for (auto& owned : sources_) {
    SourceBinding* b = owned.get();
    const std::string app_name = app_->name();
    const uint64_t log_every = options_.log_every;
    b->source->Start([b, app_name, log_every](const Message& message) {
      std::lock_guard lock(b->mutex);
      const auto started = std::chrono::steady_clock::now();
      const int64_t ts = WallClockMillis();
      b->batch.Clear();
      MapContext ctx(b->row, b->batch, ts);
      if (message.event != nullptr) {
        // inMemory passThrough: the event's values as they are.
        try {
          b->batch.Add(ts);
          const std::vector<Value>& values = *message.event;
          if (values.size() != b->input.attributes().size()) {
            throw UsageError("the event has " + std::to_string(values.size()) + " values; stream '" +
                             b->spec.stream + "' has " + std::to_string(b->input.attributes().size()) + " attributes");
          }
          for (uint32_t i = 0; i < values.size(); ++i) b->batch.Set(i, values[i]);
        } catch (const UsageError& e) {
          b->batch.Clear();
          ctx.Fail(e.what());
        }
      } else {
        b->mapper->Map(message.payload, ctx);
      }
      try {
        if (b->batch.size() > 0) {
          b->events += b->batch.size();
          b->input.Send(b->batch);
        }
        for (const MapFailure& failure : ctx.failures()) {
          const uint64_t errors = ++b->errors;
          (void)errors;
          uint64_t n = 0;
          if (b->error_log->Sample(n)) {
            Log(LogLevel::kWarn, "app '" + app_name + "', " + b->spec.Describe() + ": bad message (" +
                                     std::to_string(n) + " so far" +
                                     (n == 1 && log_every > 1 ? ", logging 1 in " + std::to_string(log_every) : "") +
                                     "): " + failure.message);
          }
          if (b->fault) {
            EventBatch& fault = *b->fault_batch;
            fault.Clear();
            fault.Add(ts);
            for (uint32_t i = 0; i < failure.partial.size(); ++i) fault.Set(i, failure.partial[i]);
            fault.SetError(static_cast<uint32_t>(failure.partial.size()), failure.message);
            b->fault->Send(fault);
          }
        }
      } catch (const UsageError& e) {
        // The app was shut down while a message was in flight.
        Log(LogLevel::kDebug, b->spec.Describe() + ": " + e.what());
      }
      b->latency.Record(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    });
  }
}

void AppRunner::Tick() {
  if (started_ && !stopped_) app_->Tick();
}

void AppRunner::Stop() {
  if (!started_ || stopped_) return;
  for (auto& b : sources_) b->source->Stop();
  app_->Tick();
  stopped_ = true;
  for (auto& b : sinks_) b->sink->Flush(options_.flush_timeout);
  for (auto& b : sinks_) b->sink->Stop();
  app_->Shutdown();
}

void AppRunner::WriteMetrics(MetricsWriter& out) const {
  const std::string& app = app_->name();
  for (const auto& b : sources_) {
    const Labels labels = {{"app", app}, {"stream", b->spec.stream}, {"type", b->spec.type}};
    const TransportStats& s = b->source->stats();
    out.Add("eddy_source_messages_total", "counter", "Messages received by a source.", labels, s.messages.load());
    out.Add("eddy_source_events_total", "counter", "Events a source sent into its stream.", labels, b->events.load());
    out.Add("eddy_source_errors_total", "counter",
            "Messages (or events in them) that could not be mapped; fault-streamed or logged.", labels,
            b->errors.load());
    out.Add("eddy_transport_connected", "gauge", "1 when the transport is connected (or open).",
            {{"app", app}, {"stream", b->spec.stream}, {"type", b->spec.type}, {"direction", "source"}},
            s.connected ? 1 : 0);
    out.Add("eddy_transport_reconnects_total", "counter", "Connections re-established after a loss.",
            {{"app", app}, {"stream", b->spec.stream}, {"type", b->spec.type}, {"direction", "source"}},
            s.reconnects.load());
    out.AddHistogram("eddy_process_seconds",
                     "Time to map one message and run the app's queries on its events, by input stream.",
                     {{"app", app}, {"stream", b->spec.stream}}, b->latency);
  }
  for (const QueryStats& q : app_->query_stats()) {
    const Labels labels = {{"app", app}, {"query", q.name}};
    out.Add("eddy_query_events_total", "counter", "Events a query received.", labels, static_cast<double>(q.events));
    out.AddHistogram("eddy_query_seconds",
                     "Time a query spent on each chunk of events it received (its own work, not that of the "
                     "queries it feeds).",
                     labels, kQueryLatencyBounds, q.latency_buckets, q.seconds);
  }
  for (const auto& b : sinks_) {
    const Labels labels = {{"app", app}, {"stream", b->spec.stream}, {"type", b->spec.type}};
    const TransportStats& s = b->sink->stats();
    out.Add("eddy_sink_events_total", "counter", "Events the app emitted to a sink's stream.", labels, b->events.load());
    out.Add("eddy_sink_messages_total", "counter", "Messages a sink published.", labels, s.messages.load());
    out.Add("eddy_sink_errors_total", "counter", "Events a sink's mapper could not format.", labels, b->errors.load());
    out.Add("eddy_sink_dropped_total", "counter", "Messages a sink could not queue (buffer full while disconnected).",
            labels, s.dropped.load());
    out.Add("eddy_sink_queue_depth", "gauge", "Messages published and not yet acknowledged by the broker.", labels,
            static_cast<double>(s.queue_depth.load()));
    out.Add("eddy_transport_connected", "gauge", "1 when the transport is connected (or open).",
            {{"app", app}, {"stream", b->spec.stream}, {"type", b->spec.type}, {"direction", "sink"}},
            s.connected ? 1 : 0);
    out.Add("eddy_transport_reconnects_total", "counter", "Connections re-established after a loss.",
            {{"app", app}, {"stream", b->spec.stream}, {"type", b->spec.type}, {"direction", "sink"}},
            s.reconnects.load());
  }
}

std::string AppRunner::DescribeJson() const {
  nlohmann::json j;
  j["name"] = app_->name();
  j["file"] = file_name_;
  j["sources"] = nlohmann::json::array();
  j["sinks"] = nlohmann::json::array();
  for (const auto& b : sources_) {
    j["sources"].push_back({{"stream", b->spec.stream},
                            {"type", b->spec.type},
                            {"map", b->spec.map.type},
                            {"connected", b->source->stats().connected.load()},
                            {"finished", b->source->finished()},
                            {"messages", b->source->stats().messages.load()},
                            {"events", b->events.load()},
                            {"errors", b->errors.load()}});
  }
  for (const auto& b : sinks_) {
    j["sinks"].push_back({{"stream", b->spec.stream},
                          {"type", b->spec.type},
                          {"map", b->spec.map.type},
                          {"connected", b->sink->stats().connected.load()},
                          {"events", b->events.load()},
                          {"messages", b->sink->stats().messages.load()},
                          {"queue_depth", b->sink->stats().queue_depth.load()}});
  }
  return j.dump();
}

}  // namespace eddy::io
