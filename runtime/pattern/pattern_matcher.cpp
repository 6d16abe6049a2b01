#include "runtime/pattern/pattern_matcher.h"

namespace eddy::runtime {

class PatternMatcher::Entry final : public Processor {
 public:
  Entry(PatternMatcher* matcher, uint32_t stream) : matcher_(matcher), stream_(stream) {}
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override {
    matcher_->OnStream(stream_, chunk, rows);
  }
  std::string Describe() const override { return "PatternEntry " + matcher_->spec_->stream_names[stream_]; }

 private:
  PatternMatcher* matcher_;
  uint32_t stream_;
};

PatternMatcher::PatternMatcher(const PatternSpec* spec, Scheduler* scheduler, PatternState::LogSink log,
                               std::string query_name)
    : spec_(spec), scheduler_(scheduler), query_name_(std::move(query_name)), scratch_(*spec_) {
  state_ = std::make_unique<PatternState>(spec_, scheduler_, &scratch_, this, std::move(log), query_name_);
  for (uint32_t i = 0; i < spec_->stream_names.size(); ++i) entries_.push_back(std::make_unique<Entry>(this, i));
}

PatternMatcher::~PatternMatcher() = default;

Processor* PatternMatcher::entry(uint32_t stream) const { return entries_[stream].get(); }

void PatternMatcher::Process(const EventChunk&, std::span<const uint32_t>) {}

std::string PatternMatcher::Describe() const {
  std::string out = std::string(spec_->sequence ? "Sequence" : "Pattern");
  if (spec_->within_ms) out += " within " + std::to_string(*spec_->within_ms) + " ms";
  out += " (at most " + std::to_string(spec_->max_partial_matches) + " partial matches)";
  const std::string states = spec_->Describe();
  size_t start = 0;
  while (start < states.size()) {
    const size_t end = states.find('\n', start);
    out += "\n         " + states.substr(start, end - start);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

void PatternMatcher::OnStream(uint32_t stream, const EventChunk& chunk, std::span<const uint32_t> rows) {
  Begin();
  const std::vector<uint32_t>& nodes = spec_->stream_nodes[stream];
  // The states' own conditions, for the whole chunk at once.
  // (Each view stays valid while the rows are processed: nothing else evaluates
  // these conditions until then.)
  local_.assign(nodes.size(), ColumnView{});
  const EvalFrame frame{&chunk, chunk.size(), {}, scheduler_->now()};
  for (size_t k = 0; k < nodes.size(); ++k) {
    const PatternNodeSpec& node = spec_->nodes[nodes[k]];
    if (node.local) local_[k] = node.local->Eval(frame);
  }
  state_->OnEvents(stream, chunk, rows, local_);
  state_->EnforceCap();
  End();
}

void PatternMatcher::Begin() {
  if (depth_ == pending_.size()) {
    pending_.push_back(std::make_unique<EventChunk>(spec_->output_schema));
    single_.push_back(std::make_unique<EventChunk>(spec_->output_schema));
  }
  pending_[depth_++]->Clear();
}

void PatternMatcher::OnMatch(const PatternState& state, MatchStore::Pm pm) {
  EventChunk& out = *pending_[depth_ - 1];
  const uint32_t row = out.AppendUnfilled(state.timestamp(pm), EventKind::kCurrent);  // Gather writes every column
  Slot* slots = out.mutable_row(row);
  uint8_t* nulls = out.mutable_nulls(row);
  state.Gather(pm, spec_->output, slots, nulls);
  // The row keeps its own references: matches change after being reported.
  out.RetainRow(slots, nulls);
}

void PatternMatcher::End() {
  const size_t depth = depth_ - 1;
  EventChunk& pending = *pending_[depth];
  EventChunk& single = *single_[depth];
  // Each match is a chunk of its own for the selector, oldest first.
  const uint32_t first = 0;
  if (pending.size() == 1 && next_ != nullptr) {
    next_->Process(pending, std::span<const uint32_t>(&first, 1));
  } else {
    // `single` borrows each row's references from `pending` (and gives them
    // back however the downstream call ends).
    struct GiveBack {
      EventChunk& chunk;
      ~GiveBack() { chunk.ForgetRows(); }
    } give_back{single};
    for (uint32_t i = 0; i < pending.size() && next_ != nullptr; ++i) {
      single.ForgetRows();
      single.AppendAdopted(pending.row(i), pending.nulls(i), pending.timestamp(i), EventKind::kCurrent);
      next_->Process(single, std::span<const uint32_t>(&first, 1));
    }
  }
  pending.Clear();
  --depth_;
}

}  // namespace eddy::runtime
