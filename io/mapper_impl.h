// The concrete mappers' factories, one per format file (json_mapper.cpp, ...);
// mapper.cpp picks among them. Internal to io/.
#pragma once

#include <memory>

#include "io/mapper.h"

namespace eddy::io {

std::unique_ptr<SourceMapper> MakeJsonSourceMapper(const TransportSpec& spec);
std::unique_ptr<SinkMapper> MakeJsonSinkMapper(const TransportSpec& spec);
std::unique_ptr<SourceMapper> MakeCsvSourceMapper(const TransportSpec& spec);
std::unique_ptr<SinkMapper> MakeCsvSinkMapper(const TransportSpec& spec);
std::unique_ptr<SourceMapper> MakeTextSourceMapper(const TransportSpec& spec);
std::unique_ptr<SinkMapper> MakeTextSinkMapper(const TransportSpec& spec);

}  // namespace eddy::io
