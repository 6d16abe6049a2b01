// The aggregation store: base values per granularity, bucket and group (sum,
// avg, count, min, max, the latest event's value), out-of-order events in
// their own bucket, string `aggregate by` times, reads of a range of buckets.
#include <doctest/doctest.h>

#include <string>

#include "runtime/aggregation/aggregation_store.h"
#include "runtime/expr/factory.h"

namespace eddy::runtime {
namespace {

using Kind = AggregationColumn::Kind;

// Input (symbol string, price float, qty int, ts long).
struct Fixture {
  Schema input{{{"symbol", Type::kString}, {"price", Type::kFloat}, {"qty", Type::kInt}, {"ts", Type::kLong}}};
  Schema output{{{"AGG_TIMESTAMP", Type::kLong},
                 {"symbol", Type::kString},
                 {"total", Type::kDouble},
                 {"avgPrice", Type::kDouble},
                 {"n", Type::kLong},
                 {"low", Type::kInt},
                 {"high", Type::kInt},
                 {"qtySum", Type::kLong}}};
  Schema keys{{{"symbol", Type::kString}}};
  Scheduler clock;
  EventChunk events{&input};

  std::unique_ptr<AggregationStore> Make(std::vector<Granularity> granularities, bool grouped) {
    AggregationStoreSpec spec;
    spec.name = "Agg";
    spec.output = &output;
    spec.granularities = std::move(granularities);
    spec.time = MakeChunkAttribute(3, Type::kLong);
    if (grouped) spec.group_by.push_back(MakeChunkAttribute(0, Type::kString));
    spec.group_schema = &keys;
    const auto column = [](Kind kind, EvaluatorPtr value, Type type) {
      AggregationColumn c;
      c.kind = kind;
      c.value = std::move(value);
      c.type = type;
      return c;
    };
    spec.columns.push_back(column(Kind::kLatest, MakeChunkAttribute(0, Type::kString), Type::kString));
    spec.columns.push_back(column(Kind::kSum, MakeChunkAttribute(1, Type::kFloat), Type::kDouble));
    spec.columns.push_back(column(Kind::kAvg, MakeChunkAttribute(1, Type::kFloat), Type::kDouble));
    spec.columns.push_back(column(Kind::kCount, nullptr, Type::kLong));
    spec.columns.push_back(column(Kind::kMin, MakeChunkAttribute(2, Type::kInt), Type::kInt));
    spec.columns.push_back(column(Kind::kMax, MakeChunkAttribute(2, Type::kInt), Type::kInt));
    spec.columns.push_back(column(Kind::kSum, MakeChunkAttribute(2, Type::kInt), Type::kLong));
    return std::make_unique<AggregationStore>(std::move(spec), RefusalLog(nullptr, "A", "aggregation"), &clock);
  }
  void Add(const std::string& symbol, std::optional<float> price, int qty, int64_t ts) {
    const uint32_t r = events.Append(0, EventKind::kCurrent);
    events.AdoptSlot(r, 0, Slot{.str = StrRep::Make(symbol)}, false);
    events.SetSlot(r, 1, Slot{.f32 = price.value_or(0)}, !price);
    events.SetSlot(r, 2, Slot{.i32 = qty}, false);
    events.SetSlot(r, 3, Slot{.i64 = ts}, false);
  }
  void Feed(AggregationStore& store) {
    store.Process(events, std::span<const uint32_t>(IdentityRows(events.size()), events.size()));
    events.Clear();
  }
  // "start symbol total avg n low high qtySum" per row.
  std::string Read(const AggregationStore& store, Granularity g, int64_t start, int64_t end) {
    EventChunk out(&output);
    store.AppendRows(g, TimeRange{start, end}, out);
    std::string text;
    for (uint32_t i = 0; i < out.size(); ++i) {
      const Slot* s = out.row(i);
      const uint8_t* n = out.nulls(i);
      const auto number = [&](uint32_t c, auto value) { return n[c] ? std::string("null") : std::to_string(value); };
      text += std::to_string(s[0].i64) + " " + std::string(s[1].str->view()) + " " + number(2, s[2].f64) + " " +
              number(3, s[3].f64) + " " + std::to_string(s[4].i64) + " " + number(5, s[5].i32) + " " +
              number(6, s[6].i32) + " " + std::to_string(s[7].i64) + "\n";
    }
    return text;
  }
};

TEST_CASE("per group and bucket: sums, averages, counts, extremes and the latest value") {
  Fixture f;
  auto store = f.Make({Granularity::kSecond, Granularity::kMinute}, true);
  f.Add("A", 10, 3, 60'000);
  f.Add("B", 1, 1, 60'500);
  f.Add("A", 20, 1, 60'999);
  f.Add("A", std::nullopt, 7, 61'000);  // a null price: skipped by sum and avg, counted
  f.Feed(*store);
  f.Add("A", 30, 5, 119'999);
  f.Feed(*store);
  CHECK(f.Read(*store, Granularity::kSecond, 0, 1'000'000) ==
        "60000 A 30.000000 15.000000 2 1 3 4\n"
        "60000 B 1.000000 1.000000 1 1 1 1\n"
        "61000 A null null 1 7 7 7\n"
        "119000 A 30.000000 30.000000 1 5 5 5\n");
  CHECK(f.Read(*store, Granularity::kMinute, 0, 1'000'000) ==
        "60000 A 60.000000 20.000000 4 1 7 16\n"
        "60000 B 1.000000 1.000000 1 1 1 1\n");
  // Half-open ranges of bucket starts.
  CHECK(f.Read(*store, Granularity::kSecond, 61'000, 119'000) == "61000 A null null 1 7 7 7\n");
  CHECK(f.Read(*store, Granularity::kMinute, 60'001, 1'000'000).empty());
  CHECK(store->computes(Granularity::kMinute));
  CHECK_FALSE(store->computes(Granularity::kHour));
}

TEST_CASE("without group by the latest value is the bucket's latest event, ties to the later arrival") {
  Fixture f;
  auto store = f.Make({Granularity::kSecond}, false);
  f.Add("late", 1, 1, 5'900);
  f.Add("early", 2, 2, 5'100);  // out of order within the bucket: not the latest
  f.Add("tie", 3, 3, 5'900);
  f.Feed(*store);
  f.Add("older", 4, 4, 4'000);  // out of order: its own, older bucket
  f.Feed(*store);
  CHECK(f.Read(*store, Granularity::kSecond, 0, 10'000) ==
        "4000 older 4.000000 4.000000 1 4 4 4\n"
        "5000 tie 6.000000 2.000000 3 1 3 6\n");
}

TEST_CASE("string times are dates, null or malformed ones are skipped; expired rows are ignored") {
  Fixture f;
  AggregationStoreSpec spec;
  Schema input{{{"v", Type::kInt}, {"at", Type::kString}}};
  Schema output{{{"AGG_TIMESTAMP", Type::kLong}, {"n", Type::kLong}}};
  spec.name = "ByDate";
  spec.output = &output;
  spec.granularities = {Granularity::kMonth, Granularity::kYear};
  spec.time = MakeChunkAttribute(1, Type::kString);
  AggregationColumn count;
  count.kind = Kind::kCount;
  spec.columns.push_back(std::move(count));
  std::vector<std::string> logged;
  AggregationStore store(std::move(spec),
                         RefusalLog([&logged](std::string_view, std::string_view line) { logged.emplace_back(line); },
                                    "A", "aggregation"),
                         &f.clock);
  EventChunk events(&input);
  const auto add = [&](const char* at, EventKind kind = EventKind::kCurrent) {
    const uint32_t r = events.Append(0, kind);
    events.SetSlot(r, 0, Slot{.i32 = 1}, false);
    if (at != nullptr) events.AdoptSlot(r, 1, Slot{.str = StrRep::Make(at)}, false);
  };
  add("2024-01-31 23:30:00 -01:00");  // February 1st in UTC
  add("2024-02-29 10:00:00");
  add("2024-13-01 00:00:00");
  add(nullptr);
  add("2024-02-10 00:00:00", EventKind::kExpired);
  store.Process(events, std::span<const uint32_t>(IdentityRows(events.size()), events.size()));
  CHECK(store.skipped() == 2);
  // The first skip is logged (then one in RefusalLog::kLogEvery).
  REQUIRE(logged.size() == 1);
  CHECK(logged[0].find("aggregation 'A': event not aggregated: its 'aggregate by' value '2024-13-01 00:00:00'") == 0);
  EventChunk out(&output);
  store.AppendRows(Granularity::kMonth, TimeRange{0, INT64_MAX}, out);
  REQUIRE(out.size() == 1);
  CHECK(out.row(0)[0].i64 == 1706745600000);  // 2024-02-01
  CHECK(out.row(0)[1].i64 == 2);
  out.Clear();
  store.AppendRows(Granularity::kYear, TimeRange{1704067200000, 1704067200001}, out);  // 2024-01-01
  REQUIRE(out.size() == 1);
  CHECK(out.row(0)[1].i64 == 2);
}

}  // namespace
}  // namespace eddy::runtime
