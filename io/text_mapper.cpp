// The text mappers. Source: by default Siddhi's key:value lines
//   symbol:"IBM",
//   price:55.6
// or, with @attributes(symbol='A[1]') and regex.A='...', regular-expression
// groups; event.grouping.enabled splits a message into events at `delimiter`
// lines (default ~~~~~~~~~~). Sink: the same key:value form, or an @payload
// template; event.grouping.enabled joins many events with the delimiter.
#include <regex>
#include <stdexcept>

#include "io/mapper_impl.h"
#include "io/text_format.h"

namespace eddy::io {
namespace {

constexpr const char* kDefaultDelimiter = "~~~~~~~~~~";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

class TextSourceMapper final : public SourceMapper {
 public:
  explicit TextSourceMapper(const TransportSpec& spec)
      : fail_on_missing_(spec.map.GetBool("fail.on.missing.attribute", true)),
        grouping_(spec.map.GetBool("event.grouping.enabled", false)),
        delimiter_(spec.map.Get("delimiter", kDefaultDelimiter)) {
    std::map<std::string, size_t> regex_index;
    for (const auto& [key, value] : spec.map.options) {
      if (key.rfind("regex.", 0) != 0) continue;
      try {
        regexes_.emplace_back(value.value, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        throw CompileError("option '" + key + "' is not a valid regular expression: " + e.what(), value.location);
      }
      regex_index[key.substr(6)] = regexes_.size() - 1;
    }
    for (size_t i = 0; i < spec.map.attributes.size(); ++i) {
      const MapSpec::AttributeMapping& m = spec.map.attributes[i];
      uint32_t attribute = static_cast<uint32_t>(i);
      for (uint32_t a = 0; a < spec.attributes.size(); ++a) {
        if (!m.attribute.empty() && spec.attributes[a].name == m.attribute) attribute = a;
      }
      const size_t open = m.path.find('[');
      groups_.push_back({attribute, regex_index.at(m.path.substr(0, open)),
                         std::stoul(m.path.substr(open + 1, m.path.size() - open - 2))});
      if (groups_.back().group > regexes_[groups_.back().regex].mark_count()) {
        throw CompileError("'" + m.path + "' asks for group " + std::to_string(groups_.back().group) +
                               ", but the regular expression has " +
                               std::to_string(regexes_[groups_.back().regex].mark_count()),
                           m.location);
      }
    }
  }

  void Map(std::string_view payload, MapContext& ctx) override {
    if (!grouping_) {
      MapEvent(payload, ctx);
      return;
    }
    size_t pos = 0;
    while (pos <= payload.size()) {
      size_t end = payload.find(delimiter_, pos);
      if (end == std::string_view::npos) end = payload.size();
      std::string_view event = Trim(payload.substr(pos, end - pos));
      if (!event.empty()) MapEvent(event, ctx);
      pos = end + delimiter_.size();
    }
  }

 private:
  struct Group {
    uint32_t attribute;
    size_t regex;
    size_t group;
  };

  bool Missing(uint32_t i, MapContext& ctx) {
    if (fail_on_missing_) {
      ctx.Fail("attribute '" + ctx.row().name(i) + "' is missing");
      return false;
    }
    ctx.row().SetNull(i);
    return true;
  }

  void MapEvent(std::string_view text, MapContext& ctx) {
    EventRow& row = ctx.row();
    std::string why;
    if (!groups_.empty()) {
      matches_.resize(regexes_.size());
      matched_.assign(regexes_.size(), 0);
      for (const Group& g : groups_) {
        if (matched_[g.regex] == 0) {
          matched_[g.regex] = std::regex_search(text.begin(), text.end(), matches_[g.regex], regexes_[g.regex]) ? 1 : 2;
        }
        if (matched_[g.regex] == 2 || !matches_[g.regex][g.group].matched) {
          if (!Missing(g.attribute, ctx)) return;
          continue;
        }
        const auto& m = matches_[g.regex][g.group];
        if (!row.SetFromText(g.attribute, std::string_view(m.first, m.second), why)) {
          ctx.Fail(why);
          return;
        }
      }
      ctx.Commit();
      return;
    }
    // key:value lines, separated by newlines (a trailing comma is allowed).
    size_t pos = 0;
    while (pos < text.size()) {
      size_t end = text.find('\n', pos);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = Trim(text.substr(pos, end - pos));
      pos = end + 1;
      if (!line.empty() && line.back() == ',') line.remove_suffix(1);
      if (line.empty()) continue;
      const size_t colon = line.find(':');
      if (colon == std::string_view::npos) {
        ctx.Fail("text line '" + std::string(line.substr(0, 60)) + "' is not key:value");
        return;
      }
      const std::string_view key = Trim(line.substr(0, colon));
      std::string_view value = Trim(line.substr(colon + 1));
      uint32_t attribute = row.size();
      for (uint32_t a = 0; a < row.size(); ++a) {
        if (row.name(a) == key) attribute = a;
      }
      if (attribute == row.size()) continue;  // not an attribute of the stream
      bool ok;
      if (value == "null") {
        row.SetNull(attribute);
        ok = true;
      } else if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        ok = row.SetFromText(attribute, value.substr(1, value.size() - 2), why);
      } else {
        ok = row.SetFromText(attribute, value, why);
      }
      if (!ok) {
        ctx.Fail(why);
        return;
      }
    }
    for (uint32_t a = 0; a < row.size(); ++a) {
      if (!row.is_set(a) && !Missing(a, ctx)) return;
    }
    ctx.Commit();
  }

  bool fail_on_missing_;
  bool grouping_;
  std::string delimiter_;
  std::vector<std::regex> regexes_;
  std::vector<Group> groups_;
  std::vector<std::match_results<std::string_view::const_iterator>> matches_;
  std::vector<uint8_t> matched_;  // per regex: 0 not tried, 1 matched, 2 no match
};

class TextSinkMapper final : public SinkMapper {
 public:
  explicit TextSinkMapper(const TransportSpec& spec)
      : grouping_(spec.map.GetBool("event.grouping.enabled", false)),
        delimiter_(spec.map.Get("delimiter", kDefaultDelimiter)) {
    if (spec.map.payload) {
      template_ = PayloadTemplate::Compile(spec.map.payload->value, spec.attributes);
      has_template_ = true;
    }
    for (const AttributeInfo& a : spec.attributes) names_.push_back(a.name);
  }

  bool groups() const override { return grouping_; }

  void Map(const EventBatchView& events, uint32_t begin, uint32_t end, std::string& out) override {
    for (uint32_t e = begin; e < end; ++e) {
      if (e > begin) out += "\n" + delimiter_ + "\n";
      const EventView event = events[e];
      if (has_template_) {
        template_.Render(event, out, TextStyle::kPlain);
        continue;
      }
      for (uint32_t i = 0; i < event.size(); ++i) {
        if (i > 0) out += ",\n";
        out += names_[i];
        out += ':';
        if (event.type(i) == Type::kString && !event.is_null(i)) {
          out += '"';
          out += event.get_string(i);
          out += '"';
        } else {
          AppendAttribute(out, event, i, TextStyle::kPlain);
        }
      }
    }
  }

 private:
  bool grouping_;
  std::string delimiter_;
  bool has_template_ = false;
  PayloadTemplate template_;
  std::vector<std::string> names_;
};

}  // namespace

std::unique_ptr<SourceMapper> MakeTextSourceMapper(const TransportSpec& spec) {
  return std::make_unique<TextSourceMapper>(spec);
}
std::unique_ptr<SinkMapper> MakeTextSinkMapper(const TransportSpec& spec) {
  return std::make_unique<TextSinkMapper>(spec);
}

}  // namespace eddy::io
