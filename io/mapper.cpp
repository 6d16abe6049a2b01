#include "io/mapper.h"

#include <stdexcept>

#include "io/mapper_impl.h"

namespace eddy::io {
namespace {

// passThrough over a text transport: the whole payload is the stream's one
// string attribute, and back.
class PassThroughSourceMapper final : public SourceMapper {
 public:
  void Map(std::string_view payload, MapContext& ctx) override {
    std::string why;
    ctx.row().SetString(0, payload, why);
    ctx.Commit();
  }
};

class PassThroughSinkMapper final : public SinkMapper {
 public:
  bool groups() const override { return false; }
  void Map(const EventBatchView& events, uint32_t begin, uint32_t, std::string& out) override {
    const EventView event = events[begin];
    if (!event.is_null(0)) out += event.get_string(0);
  }
};

}  // namespace

std::unique_ptr<SourceMapper> MakeSourceMapper(const TransportSpec& spec) {
  const std::string& type = spec.map.type;
  if (type == "json") return MakeJsonSourceMapper(spec);
  if (type == "csv") return MakeCsvSourceMapper(spec);
  if (type == "text") return MakeTextSourceMapper(spec);
  if (type == "passThrough") return std::make_unique<PassThroughSourceMapper>();
  throw std::invalid_argument("unknown mapper '" + type + "'");
}

std::unique_ptr<SinkMapper> MakeSinkMapper(const TransportSpec& spec) {
  const std::string& type = spec.map.type;
  if (type == "json") return MakeJsonSinkMapper(spec);
  if (type == "csv") return MakeCsvSinkMapper(spec);
  if (type == "text") return MakeTextSinkMapper(spec);
  if (type == "passThrough") return std::make_unique<PassThroughSinkMapper>();
  throw std::invalid_argument("unknown mapper '" + type + "'");
}

}  // namespace eddy::io
