#include "planner/window_catalog.h"

#include <stdexcept>

#include <cctype>

#include "parser/parse.h"
#include "planner/ast_text.h"
#include "planner/expr_compiler.h"

namespace eddy::planner {
namespace {

struct KnownWindow {
  const char* name;
  WindowKind kind;
};

const KnownWindow kWindows[] = {
    {"length", WindowKind::kLength},
    {"lengthBatch", WindowKind::kLengthBatch},
    {"time", WindowKind::kTime},
    {"timeBatch", WindowKind::kTimeBatch},
    {"timeLength", WindowKind::kTimeLength},
    {"externalTime", WindowKind::kExternalTime},
    {"externalTimeBatch", WindowKind::kExternalTimeBatch},
    {"session", WindowKind::kSession},
    {"sort", WindowKind::kSort},
    {"frequent", WindowKind::kFrequent},
    {"lossyFrequent", WindowKind::kLossyFrequent},
    {"delay", WindowKind::kDelay},
    {"cron", WindowKind::kCron},
    {"batch", WindowKind::kBatch},
    {"expression", WindowKind::kExpression},
    {"expressionBatch", WindowKind::kExpressionBatch},
};

// Windows of siddhi-execution-unique and 3.x names that no longer exist.
const char* const kExtensionWindows[] = {"unique", "firstUnique", "firstLengthBatchUnique", "uniqueLength",
                                         "hopping", "timeLengthBatch"};

bool IsLiteral(const ast::Expr& e, Type t) {
  return e.kind == ast::Expr::Kind::kLiteral && e.literal.type == t;
}

// Reads one window parameter, with errors that name the window and the parameter.
class Params {
 public:
  Params(const ast::FunctionCall& call, const runtime::Schema& input) : call_(call), input_(input) {}

  size_t size() const { return call_.args.size(); }
  const ast::Expr& arg(size_t i) const { return *call_.args[i]; }

  [[noreturn]] void Wrong(size_t i, const std::string& what) const {
    Fail(arg(i).span, call_.name + " window: " + what + ", not " + Describe(arg(i)));
  }

  std::string Describe(const ast::Expr& e) const {
    if (e.kind == ast::Expr::Kind::kAttribute) return "attribute '" + ExprText(e) + "'";
    if (e.kind == ast::Expr::Kind::kLiteral) {
      return std::string(TypeName(e.literal.type)) + " " + ExprText(e);
    }
    return "the expression '" + ExprText(e) + "'";
  }

  int64_t Int(size_t i, const std::string& what) const {
    if (!IsLiteral(arg(i), Type::kInt) && !IsLiteral(arg(i), Type::kLong)) {
      Wrong(i, what + " must be an int constant");
    }
    const int64_t v = arg(i).literal.type == Type::kInt ? std::get<int32_t>(arg(i).literal.value)
                                                        : std::get<int64_t>(arg(i).literal.value);
    if (v < 0) Fail(arg(i).span, call_.name + " window: " + what + " must not be negative");
    return v;
  }

  int64_t Time(size_t i, const std::string& what) const {
    if (!IsLiteral(arg(i), Type::kInt) && !IsLiteral(arg(i), Type::kLong)) {
      Wrong(i, what + " must be a time constant such as 5 sec (or int/long milliseconds)");
    }
    return Int(i, what);
  }

  bool Bool(size_t i, const std::string& what) const {
    if (!IsLiteral(arg(i), Type::kBool)) Wrong(i, what + " must be true or false");
    return std::get<bool>(arg(i).literal.value);
  }

  std::string String(size_t i, const std::string& what) const {
    if (!IsLiteral(arg(i), Type::kString)) Wrong(i, what + " must be a string constant");
    return std::get<std::string>(arg(i).literal.value);
  }

  bool IsAttribute(size_t i) const { return arg(i).kind == ast::Expr::Kind::kAttribute; }

  int32_t Attribute(size_t i, const std::string& what, std::optional<Type> type = std::nullopt) const {
    if (!IsAttribute(i) || arg(i).attribute.name.empty()) Wrong(i, what + " must be an attribute");
    const std::string& name = arg(i).attribute.name;
    const int32_t slot = input_.Find(name);
    if (slot < 0) {
      std::vector<std::string> names;
      for (const auto& a : input_.attributes()) names.push_back(a.name);
      const std::string close = ClosestName(name, names);
      Fail(arg(i).span, call_.name + " window: no attribute '" + name + "' in the input" +
                            (close.empty() ? "" : " (did you mean '" + close + "'?)"));
    }
    if (type && input_.type(static_cast<uint32_t>(slot)) != *type) {
      Fail(arg(i).span, call_.name + " window: " + what + " must be a " + std::string(TypeName(*type)) +
                            " attribute, but '" + name + "' is " +
                            std::string(TypeName(input_.type(static_cast<uint32_t>(slot)))));
    }
    return slot;
  }

  void Count(size_t min, size_t max, const std::string& forms) const {
    if (size() < min || size() > max) {
      Fail(call_.span, call_.name + " window takes " + forms + "; got " + std::to_string(size()) +
                           " parameter" + (size() == 1 ? "" : "s"));
    }
  }

 private:
  const ast::FunctionCall& call_;
  const runtime::Schema& input_;
};

// A light type check of an expression window's condition: first/last refer to
// the window's oldest/newest event, aggregates are allowed.
std::optional<Type> ConditionType(const ast::Expr& e, const runtime::Schema& input) {
  switch (e.kind) {
    case ast::Expr::Kind::kLiteral: return e.literal.type;
    case ast::Expr::Kind::kAttribute: {
      const int32_t slot = input.Find(e.attribute.name);
      if (slot < 0) return std::nullopt;
      return input.type(static_cast<uint32_t>(slot));
    }
    case ast::Expr::Kind::kNot:
    case ast::Expr::Kind::kIsNull:
    case ast::Expr::Kind::kIn: return Type::kBool;
    case ast::Expr::Kind::kBinary:
      switch (e.op) {
        case ast::BinaryOp::kAdd:
        case ast::BinaryOp::kSub:
        case ast::BinaryOp::kMul:
        case ast::BinaryOp::kDiv:
        case ast::BinaryOp::kMod: return Type::kDouble;
        default: return Type::kBool;
      }
    case ast::Expr::Kind::kCall: {
      std::string name = e.call.name;
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (name == "eventtimestamp" || name == "count" || name == "distinctcount" || name == "currenttimemillis") {
        return Type::kLong;
      }
      if (name == "and" || name == "or" || name.rfind("instanceof", 0) == 0) return Type::kBool;
      if (name == "sum" || name == "avg" || name == "min" || name == "max" || name == "stddev") {
        return Type::kDouble;
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

void CheckCondition(const Params& p, size_t i, const std::string& window, const runtime::Schema& input) {
  const std::string text = p.String(i, "the condition");
  ast::ExprPtr condition;
  try {
    condition = parser::ParseExpression(text);
  } catch (const CompileError& e) {
    Fail(p.arg(i).span, window + " window: the condition '" + text + "' does not parse: " + e.message());
  }
  std::optional<Type> type = ConditionType(*condition, input);
  if (type && *type != Type::kBool) {
    Fail(p.arg(i).span, "the " + window + " condition '" + text + "' must be bool, but it is " +
                            std::string(TypeName(*type)));
  }
}

}  // namespace

WindowSpec ValidateWindow(const ast::FunctionCall& call, const runtime::Schema& input) {
  for (const char* ext : kExtensionWindows) {
    if (call.name == ext) {
      Fail(call.span, "window '" + call.name + "' is an extension (siddhi-execution-unique) and is not supported");
    }
  }
  if (!call.ns.empty()) {
    Fail(call.span, "extension window '" + call.ns + ":" + call.name + "' is not supported");
  }
  WindowSpec spec;
  bool found = false;
  std::vector<std::string> names;
  for (const KnownWindow& w : kWindows) {
    names.push_back(w.name);
    if (call.name == w.name) {
      spec.kind = w.kind;
      spec.name = w.name;
      found = true;
    }
  }
  if (!found) {
    const std::string close = ClosestName(call.name, names);
    Fail(call.span, "unknown window '" + call.name + "'" + (close.empty() ? "" : " (did you mean '" + close + "'?)"));
  }

  const Params p(call, input);
  switch (spec.kind) {
    case WindowKind::kLength:
      p.Count(1, 1, "(length)");
      spec.length = p.Int(0, "the length");
      break;
    case WindowKind::kLengthBatch:
      p.Count(1, 2, "(length[, stream.current.event])");
      spec.length = p.Int(0, "the length");
      if (p.size() == 2) spec.stream_current_event = p.Bool(1, "stream.current.event");
      break;
    case WindowKind::kTime:
      p.Count(1, 1, "(window.time)");
      spec.time_ms = p.Time(0, "the window time");
      break;
    case WindowKind::kTimeBatch:
      p.Count(1, 3, "(window.time), (window.time, start.time), (window.time, stream.current.event) or "
                    "(window.time, start.time, stream.current.event)");
      spec.time_ms = p.Time(0, "the window time");
      if (p.size() == 2) {
        if (IsLiteral(p.arg(1), Type::kBool)) {
          spec.stream_current_event = p.Bool(1, "stream.current.event");
        } else {
          spec.start_time = p.Int(1, "start.time");
        }
      } else if (p.size() == 3) {
        spec.start_time = p.Int(1, "start.time");
        spec.stream_current_event = p.Bool(2, "stream.current.event");
      }
      break;
    case WindowKind::kTimeLength:
      p.Count(2, 2, "(window.time, window.length)");
      spec.time_ms = p.Time(0, "the window time");
      spec.length = p.Int(1, "the window length");
      break;
    case WindowKind::kExternalTime:
      p.Count(2, 2, "(timestamp, window.time)");
      spec.timestamp_attr = p.Attribute(0, "the timestamp", Type::kLong);
      spec.time_ms = p.Time(1, "the window time");
      break;
    case WindowKind::kExternalTimeBatch:
      p.Count(2, 5, "(timestamp, window.time[, start.time[, timeout[, replace.with.batchtime]]])");
      spec.timestamp_attr = p.Attribute(0, "the timestamp", Type::kLong);
      spec.time_ms = p.Time(1, "the window time");
      if (p.size() >= 3) {
        if (p.IsAttribute(2)) {
          spec.start_time_attr = p.Attribute(2, "start.time", Type::kLong);
        } else {
          spec.start_time = p.Int(2, "start.time");
        }
      }
      if (p.size() >= 4) spec.timeout_ms = p.Time(3, "the timeout");
      if (p.size() == 5) spec.replace_with_batch_time = p.Bool(4, "replace.with.batchtime");
      break;
    case WindowKind::kSession:
      p.Count(1, 3, "(session.gap[, session.key][, allowed.latency])");
      spec.time_ms = p.Time(0, "the session gap");
      if (p.size() >= 2) {
        if (p.size() == 2 && !p.IsAttribute(1) &&
            (IsLiteral(p.arg(1), Type::kInt) || IsLiteral(p.arg(1), Type::kLong))) {
          spec.allowed_latency_ms = p.Time(1, "allowed.latency");
        } else {
          spec.key_attr = p.Attribute(1, "the session key", Type::kString);
        }
      }
      if (p.size() == 3) spec.allowed_latency_ms = p.Time(2, "allowed.latency");
      if (spec.allowed_latency_ms > spec.time_ms) {
        Fail(call.span, "session window: allowed.latency must not exceed the session gap");
      }
      break;
    case WindowKind::kSort: {
      if (p.size() < 2) p.Count(2, 2, "(window.length, attribute[, 'asc'|'desc'], ...)");
      spec.length = p.Int(0, "the window length");
      for (size_t i = 1; i < p.size(); ++i) {
        const int32_t attr = p.Attribute(i, "a sort key");
        bool descending = false;
        if (i + 1 < p.size() && IsLiteral(p.arg(i + 1), Type::kString)) {
          std::string order = p.String(i + 1, "the order");
          for (char& c : order) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          if (order != "asc" && order != "desc") p.Wrong(i + 1, "the order must be 'asc' or 'desc'");
          descending = order == "desc";
          ++i;
        }
        spec.sort_keys.emplace_back(attr, descending);
      }
      break;
    }
    case WindowKind::kFrequent:
      if (p.size() < 1) p.Count(1, 1, "(event.count[, attribute, ...])");
      spec.length = p.Int(0, "the event count");
      for (size_t i = 1; i < p.size(); ++i) spec.key_attrs.push_back(p.Attribute(i, "a key"));
      break;
    case WindowKind::kLossyFrequent: {
      if (p.size() < 1) p.Count(1, 1, "(support.threshold[, error.bound][, attribute, ...])");
      auto real = [&](size_t i, const std::string& what) {
        if (!IsLiteral(p.arg(i), Type::kDouble) && !IsLiteral(p.arg(i), Type::kFloat)) {
          p.Wrong(i, what + " must be a double constant");
        }
        return p.arg(i).literal.type == Type::kDouble ? std::get<double>(p.arg(i).literal.value)
                                                      : static_cast<double>(std::get<float>(p.arg(i).literal.value));
      };
      spec.support = real(0, "support.threshold");
      size_t next = 1;
      spec.error = spec.support / 10;
      if (p.size() > 1 && !p.IsAttribute(1)) spec.error = real(next++, "error.bound");
      if (!(spec.support > 0 && spec.support <= 1)) p.Wrong(0, "support.threshold must be in (0, 1]");
      if (!(spec.error > 0 && spec.error <= 1)) p.Wrong(1, "error.bound must be in (0, 1]");
      for (size_t i = next; i < p.size(); ++i) spec.key_attrs.push_back(p.Attribute(i, "a key"));
      break;
    }
    case WindowKind::kDelay:
      p.Count(1, 1, "(window.delay)");
      spec.time_ms = p.Time(0, "the delay");
      break;
    case WindowKind::kCron: {
      p.Count(1, 1, "('cron expression')");
      spec.cron = p.String(0, "the cron expression");
      try {
        spec.cron_schedule = runtime::CronSchedule::Parse(spec.cron);
      } catch (const std::invalid_argument& e) {
        Fail(p.arg(0).span, "cron window: '" + spec.cron + "' is not a valid cron expression: " + e.what());
      }
      break;
    }
    case WindowKind::kBatch:
      p.Count(0, 1, "([window.length])");
      if (p.size() == 1) spec.length = p.Int(0, "the window length");
      break;
    case WindowKind::kExpression:
      p.Count(1, 1, "(expression)");
      if (p.IsAttribute(0)) {
        spec.expression_attr = p.Attribute(0, "the expression", Type::kString);
      } else {
        CheckCondition(p, 0, "expression", input);
        spec.expression = p.String(0, "the expression");
      }
      break;
    case WindowKind::kExpressionBatch:
      p.Count(1, 3, "(expression[, include.triggering.event[, stream.current.event]])");
      if (p.IsAttribute(0)) {
        spec.expression_attr = p.Attribute(0, "the expression", Type::kString);
      } else {
        CheckCondition(p, 0, "expressionBatch", input);
        spec.expression = p.String(0, "the expression");
      }
      if (p.size() >= 2) {
        if (p.IsAttribute(1)) {
          spec.include_triggering_attr = p.Attribute(1, "include.triggering.event", Type::kBool);
        } else {
          spec.include_triggering_event = p.Bool(1, "include.triggering.event");
        }
      }
      if (p.size() == 3) spec.stream_current_event = p.Bool(2, "stream.current.event");
      break;
  }
  return spec;
}

}  // namespace eddy::planner
