#include <algorithm>
#include <cctype>

#include <stdexcept>

#include "planner/app_planner.h"
#include "planner/ast_text.h"
#include "planner/window_catalog.h"
#include "runtime/window/named_window.h"
#include "runtime/window/window.h"

namespace eddy::planner {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

const ast::Annotation* FindAnnotation(const std::vector<ast::Annotation>& annotations,
                                      std::string_view name) {
  for (const auto& a : annotations) {
    if (EqualsIgnoreCase(a.name, name)) return &a;
  }
  return nullptr;
}

const ast::AnnotationElement* FindElement(const ast::Annotation& annotation, std::string_view key) {
  for (const auto& e : annotation.elements) {
    if (EqualsIgnoreCase(e.key, key)) return &e;
  }
  return nullptr;
}

std::string_view KindName(DefinitionKind kind) {
  switch (kind) {
    case DefinitionKind::kStream: return "stream";
    case DefinitionKind::kTable: return "table";
    case DefinitionKind::kWindow: return "window";
    case DefinitionKind::kTrigger: return "trigger";
    case DefinitionKind::kAggregation: return "aggregation";
    case DefinitionKind::kFunction: return "function";
  }
  return "definition";
}

namespace {

std::string SpanText(const ast::SourceSpan& span) {
  return std::to_string(span.line) + ":" + std::to_string(span.column);
}

}  // namespace

void AppPlanner::Declare(const std::string& name, DefinitionInfo info,
                         const ast::SourceSpan& name_span) {
  if (const DefinitionInfo* existing = Find(name)) {
    Fail(name_span, "'" + name + "' is already defined as a " +
                        std::string(KindName(existing->kind)) + " at " + SpanText(existing->span) +
                        "; streams, tables, windows, triggers and aggregations share one namespace");
  }
  definitions_[name] = info;
}

const DefinitionInfo* AppPlanner::Find(std::string_view name) const {
  auto it = definitions_.find(name);
  return it == definitions_.end() ? nullptr : &it->second;
}

runtime::Schema AppPlanner::CheckAttributes(const std::vector<ast::AttributeDef>& attributes,
                                            std::string_view owner) {
  std::vector<runtime::Attribute> out;
  for (const ast::AttributeDef& a : attributes) {
    for (const runtime::Attribute& seen : out) {
      if (seen.name == a.name) {
        Fail(a.span, "attribute '" + a.name + "' is defined twice in " + std::string(owner));
      }
    }
    out.push_back({a.name, a.type});
  }
  return runtime::Schema(std::move(out));
}

void AppPlanner::PlanAppAnnotations() {
  for (const ast::Annotation& a : app_.annotations) {
    if (EqualsIgnoreCase(a.name, "app:name")) {
      if (!a.elements.empty()) runtime_->set_name(a.elements[0].value);
    } else if (EqualsIgnoreCase(a.name, "app:playback")) {
      const bool idle = FindElement(a, "idle.time") != nullptr;
      const bool increment = FindElement(a, "increment") != nullptr;
      if (idle != increment) {
        Fail(a.span, "@app:playback takes both 'idle.time' and 'increment', or neither");
      }
      options_.playback = true;
    } else if (EqualsIgnoreCase(a.name, "app:description") ||
               EqualsIgnoreCase(a.name, "app:statistics") ||
               EqualsIgnoreCase(a.name, "app:enforceOrder") ||
               EqualsIgnoreCase(a.name, "app:async")) {
      // Descriptive or threading hints with no effect on results.
    } else {
      Fail(a.span, "unknown app annotation '@" + a.name +
                       "' (known: @app:name, @app:description, @app:playback, @app:statistics)");
    }
  }
}

void AppPlanner::PlanDefinition(const ast::StreamDef& def) {
  runtime::Schema schema = CheckAttributes(def.attributes, "stream '" + def.name + "'");
  bool fault_stream = false;
  for (const ast::Annotation& a : def.annotations) {
    if (EqualsIgnoreCase(a.name, "OnError")) {
      const ast::AnnotationElement* action = FindElement(a, "action");
      const std::string value = action ? action->value : "";
      if (EqualsIgnoreCase(value, "STREAM")) {
        fault_stream = true;
      } else if (EqualsIgnoreCase(value, "STORE")) {
        Fail(a.span, "@OnError(action='STORE') needs an error store, which Eddy does not have; "
                     "use 'LOG' or 'STREAM'");
      } else if (!EqualsIgnoreCase(value, "LOG")) {
        Fail(a.span, "@OnError takes action='LOG', 'STREAM' or 'STORE'");
      }
    } else if (EqualsIgnoreCase(a.name, "source") || EqualsIgnoreCase(a.name, "sink")) {
      // Transports are io/'s: it reads them through the public API and checks
      // their types and options against its own catalog.
    } else if (EqualsIgnoreCase(a.name, "async") || EqualsIgnoreCase(a.name, "info")) {
      // Threading hints: no effect on results.
    } else {
      Fail(a.span, "unknown annotation '@" + a.name + "' on stream '" + def.name + "'");
    }
  }
  const runtime::Schema* stored = nullptr;
  if (const DefinitionInfo* existing = Find(def.name);
      existing != nullptr && existing->kind == DefinitionKind::kTrigger) {
    // A trigger already made this stream; a matching definition is allowed.
    if (existing->schema->ToString() != schema.ToString()) {
      Fail(def.name_span, "stream '" + def.name + "' " + schema.ToString() +
                              " clashes with trigger '" + def.name +
                              "', whose stream is (triggered_time long)");
    }
    return;
  }
  runtime::StreamJunction* junction = runtime_->AddStream(def.name, std::move(schema));
  stored = &junction->schema();
  Declare(def.name, {DefinitionKind::kStream, stored, def.span, false}, def.name_span);
  if (fault_stream) {
    std::vector<runtime::Attribute> attrs = stored->attributes();
    attrs.push_back({"_error", Type::kObject});
    const std::string fault_name = "!" + def.name;
    runtime_->AddStream(fault_name, runtime::Schema(std::move(attrs)));
    runtime_->role(fault_name).fault = true;
  }
}

void AppPlanner::PlanDefinition(const ast::TableDef& def) {
  runtime::Schema schema = CheckAttributes(def.attributes, "table '" + def.name + "'");
  bool has_primary_key = false;
  std::vector<uint32_t> primary_key;
  std::vector<uint32_t> indexed;
  for (const ast::Annotation& a : def.annotations) {
    const bool primary = EqualsIgnoreCase(a.name, "PrimaryKey");
    const bool index = EqualsIgnoreCase(a.name, "Index");
    if (primary || index) {
      if (primary && has_primary_key) {
        Fail(a.span, "table '" + def.name + "' has more than one @PrimaryKey; list every key "
                     "attribute in one, e.g. @PrimaryKey('a', 'b')");
      }
      has_primary_key = has_primary_key || primary;
      if (a.elements.empty()) Fail(a.span, "@" + a.name + " needs at least one attribute name");
      for (const ast::AnnotationElement& e : a.elements) {
        if (e.value.empty()) Fail(e.span, "@" + a.name + "('') names no attribute");
        if (schema.Find(e.value) < 0) {
          std::vector<std::string> names;
          for (const auto& attr : schema.attributes()) names.push_back(attr.name);
          const std::string close = ClosestName(e.value, names);
          Fail(e.span, "@" + a.name + " names '" + e.value + "', which table '" + def.name +
                           "' does not have" + (close.empty() ? "" : " (did you mean '" + close + "'?)"));
        }
        (primary ? primary_key : indexed).push_back(static_cast<uint32_t>(schema.Find(e.value)));
      }
    } else if (EqualsIgnoreCase(a.name, "store")) {
      const ast::AnnotationElement* type = FindElement(a, "type");
      Fail(a.span, "extension store type '" + (type ? type->value : std::string("?")) +
                       "' is not supported; Eddy tables are in memory");
    } else {
      Fail(a.span, "unknown annotation '@" + a.name + "' on table '" + def.name + "'");
    }
  }
  const runtime::Schema* stored = runtime_->OwnSchema(std::move(schema));
  DefinitionInfo info{DefinitionKind::kTable, stored, def.span, false};
  info.table = runtime_->AddTable(std::make_unique<runtime::Table>(def.name, stored, std::move(primary_key)));
  for (uint32_t attribute : indexed) info.table->AddIndex(attribute);
  Declare(def.name, info, def.name_span);
}

void AppPlanner::PlanDefinition(const ast::WindowDef& def) {
  runtime::Schema schema = CheckAttributes(def.attributes, "window '" + def.name + "'");
  for (const ast::Annotation& a : def.annotations) {
    if (!EqualsIgnoreCase(a.name, "info")) {
      Fail(a.span, "unknown annotation '@" + a.name + "' on window '" + def.name + "'");
    }
  }
  // `insert into W` publishes to the window's input stream; the window's output
  // goes to a second, internal stream that `from W` reads.
  runtime::StreamJunction* input = runtime_->AddStream(def.name, schema);
  runtime::StreamJunction* readers = runtime_->AddStream(WindowReadersName(def.name), std::move(schema));
  runtime_->role(def.name).internal = true;
  runtime_->role(readers->name()).internal = true;
  runtime_->role(readers->name()).fed_by_query = true;
  Declare(def.name, {DefinitionKind::kWindow, &input->schema(), def.span, false}, def.name_span);
  const WindowSpec spec = ValidateWindow(def.window, input->schema());
  runtime::Window* window = nullptr;
  if (spec.kind == WindowKind::kExpression || spec.kind == WindowKind::kExpressionBatch) {
    // Built once, like a top-level query; the recipe keeps its condition.
    auto recipe = std::make_unique<QueryRecipe>(/*single_use=*/true);
    recipe_ = recipe.get();
    const QueryRecipe::Node node = recipe->Add(PlanExpressionWindow(spec, def.window, &input->schema()));
    recipe_ = nullptr;
    runtime::Window** built = recipe->Keep<runtime::Window*>(nullptr);
    recipe->Then([built, node](QueryRecipe::Context& c) { *built = c.node<runtime::Window>(node); });
    recipe->Build(*runtime_);
    window = *built;
    runtime_->Keep(std::move(recipe));
  } else {
    std::optional<runtime::WindowConfig> config = ToWindowConfig(spec, CallText(def.window));
    if (!config) Fail(def.window.span, "window '" + spec.name + "' is not supported yet");
    window = runtime_->Own(runtime::MakeWindow(*config, &input->schema(), &runtime_->scheduler()));
  }
  definitions_.find(def.name)->second.window = window;
  window->set_next(runtime_->Own(std::make_unique<runtime::NamedWindowOutput>(
      readers, def.output != ast::EventType::kExpired, def.output != ast::EventType::kCurrent)));
  input->Subscribe(window);
  runtime_->Describe({"window " + def.name, def.name, {window, window->next()}});
}

void AppPlanner::PlanDefinition(const ast::TriggerDef& def) {
  runtime::Schema schema({{"triggered_time", Type::kLong}});
  if (const DefinitionInfo* existing = Find(def.name);
      existing != nullptr && existing->kind == DefinitionKind::kStream) {
    if (existing->schema->ToString() != schema.ToString()) {
      Fail(def.name_span, "trigger '" + def.name + "' clashes with stream '" + def.name + "' " +
                              existing->schema->ToString() +
                              ": a trigger's stream is (triggered_time long)");
    }
    definitions_.erase(def.name);
  } else if (existing != nullptr) {
    Declare(def.name, {}, def.name_span);  // reports the clash
  }
  std::optional<runtime::CronSchedule> cron;
  if (def.kind == ast::TriggerDef::Kind::kCron) {
    try {
      cron = runtime::CronSchedule::Parse(def.cron);
    } catch (const std::invalid_argument& e) {
      Fail(def.span, "trigger '" + def.name + "': '" + def.cron + "' is not a valid cron expression: " + e.what());
    }
  }
  if (def.kind == ast::TriggerDef::Kind::kEvery && def.every_ms <= 0) {
    Fail(def.span, "a trigger period must be positive");
  }
  runtime::StreamJunction* junction = runtime_->FindStream(def.name);
  if (junction == nullptr) junction = runtime_->AddStream(def.name, std::move(schema));
  runtime_->role(def.name).trigger = true;
  runtime_->AddTrigger(junction, def.kind == ast::TriggerDef::Kind::kEvery ? def.every_ms : 0, std::move(cron));
  Declare(def.name, {DefinitionKind::kTrigger, &junction->schema(), def.span, false},
          def.name_span);
}

void AppPlanner::PlanDefinition(const ast::FunctionDef& def) {
  Declare(def.name, {DefinitionKind::kFunction, nullptr, def.span, false}, def.name_span);
  Fail(def.span, "script functions ([" + def.language + "]) are an extension and are not supported");
}

}  // namespace eddy::planner
