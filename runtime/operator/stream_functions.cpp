#include "runtime/operator/stream_functions.h"

#include <cmath>
#include <numbers>



namespace eddy::runtime {

std::string DescribeEvent(const EventChunk& chunk, uint32_t row) {
  std::string out = "Event{timestamp=" + std::to_string(chunk.timestamp(row)) + ", data=[";
  const EventView view = chunk.view(row);
  for (uint32_t i = 0; i < view.size(); ++i) {
    if (i > 0) out += ", ";
    out += view.value(i).ToString();
  }
  out += "], isExpired=";
  out += chunk.kind(row) == EventKind::kExpired ? "true" : "false";
  return out + "}";
}

void LogFunction::Process(const EventChunk& chunk, std::span<const uint32_t> rows) {
  for (uint32_t row : rows) {
    std::string line = message_;
    if (log_event_) {
      if (!line.empty()) line += ", ";
      line += DescribeEvent(chunk, row);
    }
    sink_(priority_, line);
  }
  if (next_ != nullptr) next_->Process(chunk, rows);
}

Pol2CartFunction::Pol2CartFunction(EvaluatorPtr theta, EvaluatorPtr rho, EvaluatorPtr z,
                                   const Schema* output_schema, const Scheduler* clock)
    : theta_(std::move(theta)),
      rho_(std::move(rho)),
      z_(std::move(z)),
      output_schema_(output_schema),
      clock_(clock),
      output_([output_schema] { return std::make_unique<EventChunk>(output_schema); }) {}

void Pol2CartFunction::Process(const EventChunk& chunk, std::span<const uint32_t> rows) {
  const EvalFrame frame{&chunk, chunk.size(), {}, clock_->now()};
  const ColumnView theta = theta_->Eval(frame);
  const ColumnView rho = rho_->Eval(frame);
  const ColumnView z = z_ ? z_->Eval(frame) : ColumnView{};
  const uint32_t base = chunk.arity();

  ReentrantScratch<EventChunk>::Lease out(output_);
  out->Clear();
  for (uint32_t row : rows) {
    const uint32_t out_row = out->Append(chunk.timestamp(row), chunk.kind(row));
    for (uint32_t i = 0; i < base; ++i) {
      out->SetSlot(out_row, i, chunk.row(row)[i], chunk.nulls(row)[i] != 0);
    }
    if (!theta.null(row) && !rho.null(row)) {
      const double radians = theta.at(row).f64 * std::numbers::pi / 180.0;
      const double r = rho.at(row).f64;
      out->SetSlot(out_row, base, Slot{.f64 = r * std::cos(radians)}, false);
      out->SetSlot(out_row, base + 1, Slot{.f64 = r * std::sin(radians)}, false);
    }
    if (z_ && !z.null(row)) out->SetSlot(out_row, base + 2, z.at(row), false);
  }
  if (next_ != nullptr && !out->empty()) {
    next_->Process(*out, std::span<const uint32_t>(IdentityRows(out->size()), out->size()));
  }
}

}  // namespace eddy::runtime
