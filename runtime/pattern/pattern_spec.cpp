#include "runtime/pattern/pattern_spec.h"

namespace eddy::runtime {
namespace {

const char* KindName(PatternNodeKind kind) {
  switch (kind) {
    case PatternNodeKind::kStream: return "stream";
    case PatternNodeKind::kCount: return "count";
    case PatternNodeKind::kAbsent: return "absent";
    case PatternNodeKind::kLogical: return "logical";
    case PatternNodeKind::kLogicalAbsent: return "logical-absent";
  }
  return "?";
}

const char* OpText(CompareOp op) {
  switch (op) {
    case CompareOp::kEq: return "==";
    case CompareOp::kNe: return "!=";
    case CompareOp::kLt: return "<";
    case CompareOp::kLe: return "<=";
    case CompareOp::kGt: return ">";
    case CompareOp::kGe: return ">=";
  }
  return "?";
}

}  // namespace

std::string PatternSpec::Describe() const {
  std::string out;
  for (uint32_t i = 0; i < nodes.size(); ++i) {
    const PatternNodeSpec& n = nodes[i];
    if (i > 0) out += '\n';
    out += std::to_string(i) + ": " + KindName(n.kind) + " " + n.text;
    if (n.logical != LogicalType::kNone) {
      out += std::string(n.logical == LogicalType::kAnd ? " and" : " or") + " with " + std::to_string(n.partner);
    }
    if (n.kind == PatternNodeKind::kCount) {
      out += " <" + std::to_string(n.min_count) + ":" +
             (n.max_count == PatternNodeSpec::kUnbounded ? std::string() : std::to_string(n.max_count)) + ">";
    }
    if (n.wait_ms >= 0) out += " for " + std::to_string(n.wait_ms) + " ms";
    if (n.is_start) out += " start";
    if (n.next >= 0) out += " next=" + std::to_string(n.next);
    if (n.last) out += " last";
    if (n.every >= 0) out += " every=" + std::to_string(n.every);
    if (n.within_every >= 0) out += " within-every=" + std::to_string(n.within_every);
    if (n.callback >= 0) out += " callback=" + std::to_string(n.callback);
    if (n.index) {
      out += " index=" + stream_schemas[n.stream]->attribute(n.index->event_attribute).name + "==" +
             std::to_string(n.index->key.position) + "." +
             stream_schemas[nodes[n.index->key.position].stream]->attribute(n.index->key.attribute).name;
    }
    if (n.local) out += " local";
    for (const PatternCompare& c : n.compares) {
      out += " compare=" + stream_schemas[n.stream]->attribute(c.event_attribute).name + OpText(c.op) +
             std::to_string(c.stored.position) + "." +
             stream_schemas[nodes[c.stored.position].stream]->attribute(c.stored.attribute).name;
    }
    if (n.correlated) out += " correlated(" + std::to_string(n.frame.size()) + ")";
  }
  return out;
}

}  // namespace eddy::runtime
