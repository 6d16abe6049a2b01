// The csv mappers: one event a line, fields split on `delimiter` (default ','),
// double-quoted fields may hold the delimiter, quotes ("") and newlines.
// Source: columns by position, by @attributes(name='index'), or, with
// header='true', by the header line's names. Sink: one line per event, with a
// header line first when header='true'.
#include <algorithm>
#include <stdexcept>

#include "io/mapper_impl.h"
#include "io/text_format.h"

namespace eddy::io {
namespace {

char DelimiterOf(const MapSpec& map) {
  const std::string d = map.Get("delimiter", ",");
  if (d == "\\t") return '\t';
  if (d.size() != 1) throw std::invalid_argument("the csv delimiter must be one character, not '" + d + "'");
  return d[0];
}

class CsvSourceMapper final : public SourceMapper {
 public:
  explicit CsvSourceMapper(const TransportSpec& spec)
      : delimiter_(DelimiterOf(spec.map)),
        header_(spec.map.GetBool("header", false)),
        strict_(spec.map.GetBool("fail.on.unknown.attribute", true)),
        names_(spec.attributes.size()) {
    for (uint32_t a = 0; a < spec.attributes.size(); ++a) names_[a] = spec.attributes[a].name;
    columns_.resize(spec.attributes.size());
    for (uint32_t a = 0; a < columns_.size(); ++a) columns_[a] = a;
    for (size_t i = 0; i < spec.map.attributes.size(); ++i) {
      const MapSpec::AttributeMapping& m = spec.map.attributes[i];
      uint32_t attribute = static_cast<uint32_t>(i);
      for (uint32_t a = 0; a < names_.size(); ++a) {
        if (!m.attribute.empty() && names_[a] == m.attribute) attribute = a;
      }
      columns_[attribute] = static_cast<uint32_t>(std::stoul(m.path));
      mapped_ = true;
    }
    fields_.reserve(names_.size());
  }

  void Map(std::string_view payload, MapContext& ctx) override {
    size_t pos = 0;
    bool first = true;
    std::vector<uint32_t> columns = columns_;
    while (pos < payload.size()) {
      if (!ReadLine(payload, pos)) {
        ctx.Fail("a quoted csv field is not closed: " + std::string(payload.substr(0, 80)));
        return;
      }
      if (fields_.size() == 1 && fields_[0].empty()) continue;  // blank line
      if (first && header_) {
        first = false;
        if (!mapped_) {
          for (uint32_t a = 0; a < names_.size(); ++a) {
            auto it = std::find(fields_.begin(), fields_.end(), names_[a]);
            if (it == fields_.end()) {
              ctx.Fail("the csv header has no column '" + names_[a] + "'");
              return;
            }
            columns[a] = static_cast<uint32_t>(it - fields_.begin());
          }
        }
        continue;
      }
      first = false;
      MapLine(columns, ctx);
    }
  }

 private:
  // Splits the line at `pos` into fields_; false when a quote is not closed.
  bool ReadLine(std::string_view text, size_t& pos) {
    fields_.clear();
    fields_.emplace_back();
    bool quoted = false;
    while (pos < text.size()) {
      const char c = text[pos++];
      if (quoted) {
        if (c == '"') {
          if (pos < text.size() && text[pos] == '"') {
            fields_.back() += '"';
            ++pos;
          } else {
            quoted = false;
          }
        } else {
          fields_.back() += c;
        }
      } else if (c == '"' && fields_.back().empty()) {
        quoted = true;
      } else if (c == delimiter_) {
        fields_.emplace_back();
      } else if (c == '\n') {
        break;
      } else if (c != '\r') {
        fields_.back() += c;
      }
    }
    return !quoted;
  }

  void MapLine(const std::vector<uint32_t>& columns, MapContext& ctx) {
    EventRow& row = ctx.row();
    std::string why;
    for (uint32_t a = 0; a < row.size(); ++a) {
      if (columns[a] >= fields_.size()) {
        if (strict_) {
          ctx.Fail("the csv line has " + std::to_string(fields_.size()) + " fields; attribute '" + names_[a] +
                   "' is column " + std::to_string(columns[a]));
          return;
        }
        row.SetNull(a);
        continue;
      }
      if (!row.SetFromText(a, fields_[columns[a]], why)) {
        if (strict_) {
          ctx.Fail(why);
          return;
        }
        row.SetNull(a);
      }
    }
    ctx.Commit();
  }

  char delimiter_;
  bool header_;
  bool strict_;
  bool mapped_ = false;
  std::vector<std::string> names_;
  std::vector<uint32_t> columns_;
  std::vector<std::string> fields_;
};

class CsvSinkMapper final : public SinkMapper {
 public:
  explicit CsvSinkMapper(const TransportSpec& spec)
      : delimiter_(DelimiterOf(spec.map)), header_(spec.map.GetBool("header", false)) {
    for (const AttributeInfo& a : spec.attributes) {
      if (!header_line_.empty()) header_line_ += delimiter_;
      AppendField(header_line_, a.name);
    }
  }

  bool groups() const override { return true; }

  void Map(const EventBatchView& events, uint32_t begin, uint32_t end, std::string& out) override {
    if (header_) out += header_line_ + "\n";
    for (uint32_t e = begin; e < end; ++e) {
      if (e > begin) out += '\n';
      const EventView event = events[e];
      for (uint32_t i = 0; i < event.size(); ++i) {
        if (i > 0) out += delimiter_;
        if (event.type(i) == Type::kString && !event.is_null(i)) {
          AppendField(out, event.get_string(i));
        } else {
          scratch_.clear();
          AppendAttribute(scratch_, event, i, TextStyle::kPlain);
          out += scratch_;
        }
      }
    }
  }

 private:
  void AppendField(std::string& out, std::string_view text) const {
    if (text.find_first_of(std::string{delimiter_, '"', '\n', '\r'}) == std::string_view::npos) {
      out += text;
      return;
    }
    out += '"';
    for (char c : text) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }

  char delimiter_;
  bool header_;
  std::string header_line_;
  std::string scratch_;
};

}  // namespace

std::unique_ptr<SourceMapper> MakeCsvSourceMapper(const TransportSpec& spec) {
  return std::make_unique<CsvSourceMapper>(spec);
}
std::unique_ptr<SinkMapper> MakeCsvSinkMapper(const TransportSpec& spec) {
  return std::make_unique<CsvSinkMapper>(spec);
}

}  // namespace eddy::io
