/* The C interface to the Eddy engine, for hosts that cannot link C++ (or prefer
 * a stable C ABI): compile a SiddhiQL app, subscribe to its streams, send events,
 * drive its clock. It wraps the C++ API of eddy/engine.h one to one.
 *
 *   char error[512];
 *   eddy_app* app = eddy_compile(text, "alerts.siddhiql", 1, error, sizeof error);
 *   eddy_subscribe(app, "Alerts", on_alerts, NULL, error, sizeof error);
 *   eddy_batch* in = eddy_batch_new(app, "Readings", error, sizeof error);
 *   eddy_batch_add(in, 1000);
 *   eddy_batch_set_string(in, 0, "r1", 2);
 *   eddy_batch_set_double(in, 1, 31.5);
 *   eddy_batch_send(in, error, sizeof error);
 *   eddy_batch_free(in);
 *   eddy_free(app);
 *
 * Errors: a function that can fail returns NULL or a nonzero int and, when
 * `error` is not NULL, writes a NUL-terminated message into error[0..error_size)
 * (truncated to fit; compile errors read "file:line:col: message" followed by
 * the source line and a caret). No C++ exception crosses this interface.
 * Threading and ownership as in eddy/engine.h: calls into one app are
 * serialized; a callback runs on the sending thread and must not call back into
 * the same app; batches belong to their app and must be freed before it.
 */
#ifndef EDDY_EDDY_H_
#define EDDY_EDDY_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct eddy_app eddy_app;
/* Events being built for one input stream, sent together as one chunk. */
typedef struct eddy_batch eddy_batch;
/* The events one callback receives; valid only during the callback. */
typedef struct eddy_events eddy_events;

typedef enum {
  EDDY_NO_TYPE = -1, /* an attribute index out of range */
  EDDY_INT = 0,
  EDDY_LONG = 1,
  EDDY_FLOAT = 2,
  EDDY_DOUBLE = 3,
  EDDY_BOOL = 4,
  EDDY_STRING = 5,
  EDDY_OBJECT = 6
} eddy_type;

typedef void (*eddy_callback)(void* user, const eddy_events* events);

/* "0.1.0" */
const char* eddy_version(void);

/* Parses, checks and plans `source`; NULL on error. `file_name` (may be NULL)
 * names the app in error messages. playback != 0: event time (the clock follows
 * event timestamps and eddy_advance_time, never the wall clock). */
eddy_app* eddy_compile(const char* source, const char* file_name, int playback, char* error, size_t error_size);
/* Shuts the app down and frees it; NULL is ignored. */
void eddy_free(eddy_app* app);

/* Calls callback(user, events) for every chunk arriving at `stream`, after the
 * queries that read the stream have processed it. */
int eddy_subscribe(eddy_app* app, const char* stream, eddy_callback callback, void* user, char* error,
                   size_t error_size);
/* Starts the clock: playback at `start_time` (or at the first event's time when
 * has_start_time == 0); live: now. */
int eddy_start(eddy_app* app, int64_t start_time, int has_start_time, char* error, size_t error_size);
/* Playback: moves the clock to `timestamp` (never backwards), firing due timers. */
int eddy_advance_time(eddy_app* app, int64_t timestamp, char* error, size_t error_size);
/* Live: moves the clock to the wall clock and fires due timers. */
int eddy_tick(eddy_app* app, char* error, size_t error_size);
int64_t eddy_now(const eddy_app* app);

/* A batch for input stream `stream`; NULL when it is not an input stream. */
eddy_batch* eddy_batch_new(eddy_app* app, const char* stream, char* error, size_t error_size);
void eddy_batch_free(eddy_batch* batch);
/* The input stream's attributes. */
uint32_t eddy_batch_arity(const eddy_batch* batch);
eddy_type eddy_batch_type(const eddy_batch* batch, uint32_t attribute);
/* Starts a new event; its attributes are null until set. */
int eddy_batch_add(eddy_batch* batch, int64_t timestamp);
/* Set attribute i of the last added event: nonzero (and nothing set) when there
 * is no event, i is out of range, or the attribute has another type. */
int eddy_batch_set_int(eddy_batch* batch, uint32_t i, int32_t value);
int eddy_batch_set_long(eddy_batch* batch, uint32_t i, int64_t value);
int eddy_batch_set_float(eddy_batch* batch, uint32_t i, float value);
int eddy_batch_set_double(eddy_batch* batch, uint32_t i, double value);
int eddy_batch_set_bool(eddy_batch* batch, uint32_t i, int value);
int eddy_batch_set_string(eddy_batch* batch, uint32_t i, const char* value, size_t length);
int eddy_batch_set_null(eddy_batch* batch, uint32_t i);
uint32_t eddy_batch_size(const eddy_batch* batch);
/* Sends the batch's events as one chunk, then clears the batch. */
int eddy_batch_send(eddy_batch* batch, char* error, size_t error_size);

uint32_t eddy_events_size(const eddy_events* events);
uint32_t eddy_events_arity(const eddy_events* events);
eddy_type eddy_events_type(const eddy_events* events, uint32_t attribute);
int64_t eddy_events_timestamp(const eddy_events* events, uint32_t row);
int eddy_events_is_null(const eddy_events* events, uint32_t row, uint32_t attribute);
/* REQUIRES: row < size, attribute < arity, not null, and the accessor's type. */
int32_t eddy_events_int(const eddy_events* events, uint32_t row, uint32_t attribute);
int64_t eddy_events_long(const eddy_events* events, uint32_t row, uint32_t attribute);
float eddy_events_float(const eddy_events* events, uint32_t row, uint32_t attribute);
double eddy_events_double(const eddy_events* events, uint32_t row, uint32_t attribute);
int eddy_events_bool(const eddy_events* events, uint32_t row, uint32_t attribute);
/* Not NUL-terminated: *length receives the size (length may be NULL). */
const char* eddy_events_string(const eddy_events* events, uint32_t row, uint32_t attribute, size_t* length);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* EDDY_EDDY_H_ */
