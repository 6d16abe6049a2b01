// The C interface (include/eddy/eddy.h) over the C++ API: every entry point
// catches what the C++ side throws and reports it through `error`.
#include "eddy/eddy.h"

#include <cstring>
#include <exception>
#include <memory>
#include <string>

#include "eddy/engine.h"

struct eddy_app {
  std::unique_ptr<eddy::App> app;
  std::string source;     // kept for rendering compile errors
  std::string file_name;
};

struct eddy_batch {
  eddy::InputHandle input;
  eddy::EventBatch events;
};

struct eddy_events {
  const eddy::EventBatchView* view;
};

namespace {

void Report(char* error, size_t error_size, std::string_view message) {
  if (error == nullptr || error_size == 0) return;
  const size_t n = std::min(message.size(), error_size - 1);
  std::memcpy(error, message.data(), n);
  error[n] = '\0';
}

// Runs `body`, returning 0, or reports the exception and returns -1.
template <typename Body>
int Guard(char* error, size_t error_size, Body&& body) {
  try {
    body();
    return 0;
  } catch (const std::exception& e) {
    Report(error, error_size, e.what());
  } catch (...) {
    Report(error, error_size, "unknown error");
  }
  return -1;
}

eddy_type ToC(eddy::Type type) {
  switch (type) {
    case eddy::Type::kInt: return EDDY_INT;
    case eddy::Type::kLong: return EDDY_LONG;
    case eddy::Type::kFloat: return EDDY_FLOAT;
    case eddy::Type::kDouble: return EDDY_DOUBLE;
    case eddy::Type::kBool: return EDDY_BOOL;
    case eddy::Type::kString: return EDDY_STRING;
    case eddy::Type::kObject: return EDDY_OBJECT;
  }
  return EDDY_OBJECT;
}

// Whether the batch has a last event with an attribute i.
bool CanSetAny(const eddy_batch* batch, uint32_t i) {
  return batch != nullptr && batch->events.size() > 0 && i < batch->input.attributes().size();
}

// Whether attribute i of the batch's last event can take a value of `type`.
bool CanSet(const eddy_batch* batch, uint32_t i, eddy::Type type) {
  return CanSetAny(batch, i) && batch->input.attributes()[i].type == type;
}

// Sets attribute i of the batch's last event with `set`, if CanSet.
template <typename Set>
int SetChecked(eddy_batch* batch, uint32_t i, eddy::Type type, Set&& set) {
  if (!CanSet(batch, i, type)) return -1;
  set(batch->events);
  return 0;
}

eddy::EventView Event(const eddy_events* events, uint32_t row) { return (*events->view)[row]; }

}  // namespace

extern "C" {

const char* eddy_version(void) {
  static const std::string version(eddy::Version());
  return version.c_str();
}

eddy_app* eddy_compile(const char* source, const char* file_name, int playback, char* error, size_t error_size) {
  auto app = std::make_unique<eddy_app>();
  app->source = source == nullptr ? "" : source;
  app->file_name = file_name == nullptr ? "app.siddhiql" : file_name;
  try {
    app->app = eddy::App::Compile(app->source, {.file_name = app->file_name, .playback = playback != 0});
    return app.release();
  } catch (const eddy::CompileError& e) {
    Report(error, error_size, e.Render(app->file_name, app->source));
  } catch (const std::exception& e) {
    Report(error, error_size, e.what());
  } catch (...) {
    Report(error, error_size, "unknown error");
  }
  return nullptr;
}

void eddy_free(eddy_app* app) {
  if (app == nullptr) return;
  try {
    app->app->Shutdown();
  } catch (...) {
    // Freeing must not fail; the app goes away regardless.
  }
  delete app;
}

int eddy_subscribe(eddy_app* app, const char* stream, eddy_callback callback, void* user, char* error,
                   size_t error_size) {
  return Guard(error, error_size, [&] {
    app->app->Subscribe(stream, [callback, user](const eddy::EventBatchView& view) {
      const eddy_events events{&view};
      callback(user, &events);
    });
  });
}

int eddy_start(eddy_app* app, int64_t start_time, int has_start_time, char* error, size_t error_size) {
  return Guard(error, error_size, [&] {
    app->app->Start(has_start_time != 0 ? std::optional<int64_t>(start_time) : std::nullopt);
  });
}

int eddy_advance_time(eddy_app* app, int64_t timestamp, char* error, size_t error_size) {
  return Guard(error, error_size, [&] { app->app->AdvanceTime(timestamp); });
}

int eddy_tick(eddy_app* app, char* error, size_t error_size) {
  return Guard(error, error_size, [&] { app->app->Tick(); });
}

int64_t eddy_now(const eddy_app* app) { return app->app->now(); }

eddy_batch* eddy_batch_new(eddy_app* app, const char* stream, char* error, size_t error_size) {
  eddy_batch* batch = nullptr;
  Guard(error, error_size, [&] {
    eddy::InputHandle input = app->app->Input(stream);
    eddy::EventBatch events = input.NewBatch();
    batch = new eddy_batch{std::move(input), std::move(events)};
  });
  return batch;
}

void eddy_batch_free(eddy_batch* batch) { delete batch; }

uint32_t eddy_batch_arity(const eddy_batch* batch) {
  return static_cast<uint32_t>(batch->input.attributes().size());
}

eddy_type eddy_batch_type(const eddy_batch* batch, uint32_t attribute) {
  const auto& attributes = batch->input.attributes();
  return attribute < attributes.size() ? ToC(attributes[attribute].type) : EDDY_NO_TYPE;
}

int eddy_batch_add(eddy_batch* batch, int64_t timestamp) {
  return Guard(nullptr, 0, [&] { batch->events.Add(timestamp); });
}

int eddy_batch_set_int(eddy_batch* batch, uint32_t i, int32_t value) {
  return SetChecked(batch, i, eddy::Type::kInt, [&](eddy::EventBatch& events) { events.SetInt(i, value); });
}

int eddy_batch_set_long(eddy_batch* batch, uint32_t i, int64_t value) {
  return SetChecked(batch, i, eddy::Type::kLong, [&](eddy::EventBatch& events) { events.SetLong(i, value); });
}

int eddy_batch_set_float(eddy_batch* batch, uint32_t i, float value) {
  return SetChecked(batch, i, eddy::Type::kFloat, [&](eddy::EventBatch& events) { events.SetFloat(i, value); });
}

int eddy_batch_set_double(eddy_batch* batch, uint32_t i, double value) {
  return SetChecked(batch, i, eddy::Type::kDouble, [&](eddy::EventBatch& events) { events.SetDouble(i, value); });
}

int eddy_batch_set_bool(eddy_batch* batch, uint32_t i, int value) {
  return SetChecked(batch, i, eddy::Type::kBool, [&](eddy::EventBatch& events) { events.SetBool(i, value != 0); });
}

int eddy_batch_set_string(eddy_batch* batch, uint32_t i, const char* value, size_t length) {
  if (!CanSet(batch, i, eddy::Type::kString) || (value == nullptr && length > 0)) return -1;
  return Guard(nullptr, 0, [&] { batch->events.SetString(i, std::string_view(value, length)); });
}

int eddy_batch_set_null(eddy_batch* batch, uint32_t i) {
  if (!CanSetAny(batch, i)) return -1;
  batch->events.SetNull(i);
  return 0;
}

uint32_t eddy_batch_size(const eddy_batch* batch) { return batch->events.size(); }

int eddy_batch_send(eddy_batch* batch, char* error, size_t error_size) {
  const int result = Guard(error, error_size, [&] { batch->input.Send(batch->events); });
  batch->events.Clear();
  return result;
}

uint32_t eddy_events_size(const eddy_events* events) { return events->view->size(); }

uint32_t eddy_events_arity(const eddy_events* events) {
  return events->view->size() == 0 ? 0 : Event(events, 0).size();
}

eddy_type eddy_events_type(const eddy_events* events, uint32_t attribute) {
  if (attribute >= eddy_events_arity(events)) return EDDY_NO_TYPE;
  return ToC(Event(events, 0).type(attribute));
}

int64_t eddy_events_timestamp(const eddy_events* events, uint32_t row) { return Event(events, row).timestamp(); }

int eddy_events_is_null(const eddy_events* events, uint32_t row, uint32_t attribute) {
  return Event(events, row).is_null(attribute) ? 1 : 0;
}

int32_t eddy_events_int(const eddy_events* events, uint32_t row, uint32_t attribute) {
  return Event(events, row).get_int(attribute);
}

int64_t eddy_events_long(const eddy_events* events, uint32_t row, uint32_t attribute) {
  return Event(events, row).get_long(attribute);
}

float eddy_events_float(const eddy_events* events, uint32_t row, uint32_t attribute) {
  return Event(events, row).get_float(attribute);
}

double eddy_events_double(const eddy_events* events, uint32_t row, uint32_t attribute) {
  return Event(events, row).get_double(attribute);
}

int eddy_events_bool(const eddy_events* events, uint32_t row, uint32_t attribute) {
  return Event(events, row).get_bool(attribute) ? 1 : 0;
}

const char* eddy_events_string(const eddy_events* events, uint32_t row, uint32_t attribute, size_t* length) {
  const std::string_view text = Event(events, row).get_string(attribute);
  if (length != nullptr) *length = text.size();
  return text.data();
}

}  // extern "C"
