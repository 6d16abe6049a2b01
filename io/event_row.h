// The attributes of one event while a source mapper builds it, before it joins
// the batch sent into the app; and MapContext, through which a mapper commits
// good events and reports bad ones.
//
// A row is reused for every event of a stream (its strings keep their capacity),
// so mapping allocates nothing per event in the steady state. Not thread-safe:
// one per source.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "eddy/engine.h"

namespace eddy::io {

class EventRow {
 public:
  explicit EventRow(std::vector<AttributeInfo> attributes);

  uint32_t size() const { return static_cast<uint32_t>(attributes_.size()); }
  const std::vector<AttributeInfo>& attributes() const { return attributes_; }
  Type type(uint32_t i) const { return attributes_[i].type; }
  const std::string& name(uint32_t i) const { return attributes_[i].name; }
  bool is_set(uint32_t i) const { return fields_[i].set; }

  void Reset();
  void SetNull(uint32_t i);
  // Typed setters; each REQUIRES the attribute's type to accept the value:
  // integers go to int/long/float/double (range-checked), reals to float/double,
  // and a whole real to int/long. They return false (and set `why`) otherwise.
  bool SetInteger(uint32_t i, int64_t v, std::string& why);
  bool SetReal(uint32_t i, double v, std::string& why);
  bool SetBool(uint32_t i, bool v, std::string& why);
  bool SetString(uint32_t i, std::string_view v, std::string& why);
  // Parses `text` as the attribute's type (csv and text mappers): numbers in
  // decimal, booleans true/false (any case), strings as they are.
  bool SetFromText(uint32_t i, std::string_view text, std::string& why);

  // Appends the row to `batch` at `timestamp` (unset attributes are null).
  void AppendTo(EventBatch& batch, int64_t timestamp) const;
  // The row as values (unset and null attributes are null), for fault events.
  std::vector<Value> Snapshot() const;

 private:
  struct Field {
    bool set = false;
    bool null = true;
    int64_t integer = 0;
    double real = 0;
    bool boolean = false;
    std::string text;
  };
  std::string Misfit(uint32_t i, std::string_view what) const;

  std::vector<AttributeInfo> attributes_;
  std::vector<Field> fields_;
};

// A message that could not be mapped (or one event of it): what is wrong and
// the attributes mapped so far.
struct MapFailure {
  std::string message;
  std::vector<Value> partial;
};

class MapContext {
 public:
  MapContext(EventRow& row, EventBatch& batch, int64_t timestamp)
      : row_(row), batch_(batch), timestamp_(timestamp) {}

  EventRow& row() { return row_; }
  // The row is a good event: append it to the batch and start a new row.
  void Commit();
  // The row (or the whole message) is bad: record why and start a new row.
  void Fail(std::string message);

  size_t committed() const { return committed_; }
  const std::vector<MapFailure>& failures() const { return failures_; }
  void Clear() {
    committed_ = 0;
    failures_.clear();
    row_.Reset();
  }
  void set_timestamp(int64_t ts) { timestamp_ = ts; }

 private:
  EventRow& row_;
  EventBatch& batch_;
  int64_t timestamp_;
  size_t committed_ = 0;
  std::vector<MapFailure> failures_;
};

}  // namespace eddy::io
