// The durable outbound queue of the MQTT sink: order, acknowledgement,
// recovery after a crash (reopening the file), torn tails, spilling beyond the
// memory limit, compaction, the pending limit and the file lock.
#include "io/outbox.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace eddy::io {
namespace {

std::string TempPath(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("eddy-outbox-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::filesystem::path path = dir / name;
  std::filesystem::remove(path);
  return path.string();
}

std::string Payload(int i) { return "{\"seq\":" + std::to_string(i) + "}"; }

void AppendRange(Outbox& box, int from, int to) {
  for (int i = from; i < to; ++i) REQUIRE(box.Append("t/" + std::to_string(i % 3), Payload(i), 1, i % 2 == 0) == Outbox::AppendResult::kStored);
}

// Sends everything sendable now; returns the payloads in order with their seqs.
std::vector<std::pair<uint64_t, std::string>> SendAll(Outbox& box) {
  std::vector<std::pair<uint64_t, std::string>> out;
  while (const Outbox::Message* m = box.NextToSend()) out.emplace_back(m->seq, m->payload);
  return out;
}

std::vector<std::string> Payloads(const std::vector<std::pair<uint64_t, std::string>>& sent) {
  std::vector<std::string> out;
  for (const auto& [seq, p] : sent) out.push_back(p);
  return out;
}

// Sends and acknowledges until nothing is pending; the payloads in order.
std::vector<std::string> DeliverAll(Outbox& box) {
  std::vector<std::string> got;
  while (box.pending() > 0) {
    auto sent = SendAll(box);
    REQUIRE(!sent.empty());
    for (const auto& [seq, p] : sent) {
      got.push_back(p);
      box.Acknowledge(seq);
    }
  }
  return got;
}

std::vector<std::string> Expected(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i < to; ++i) out.push_back(Payload(i));
  return out;
}

TEST_CASE("outbox: messages go out in order and leave when acknowledged") {
  Outbox box(TempPath("order"), {});
  CHECK(box.recovered() == 0);
  AppendRange(box, 0, 5);
  CHECK(box.pending() == 5);
  const Outbox::Message* first = box.NextToSend();
  REQUIRE(first != nullptr);
  CHECK(first->payload == Payload(0));
  CHECK(first->topic == "t/0");
  CHECK(first->retain);
  CHECK(first->qos == 1);
  auto rest = SendAll(box);
  CHECK(Payloads(rest) == Expected(1, 5));
  CHECK(box.in_flight() == 5);
  CHECK_FALSE(box.has_unsent());
  box.Acknowledge(rest[1].first);  // out of order: 2 acknowledged before 0 and 1
  CHECK(box.pending() == 5);
  CHECK(box.in_flight() == 4);
  box.Acknowledge(0);
  box.Acknowledge(rest[0].first);
  CHECK(box.pending() == 2);
  box.Acknowledge(rest[0].first);  // repeated: ignored
  box.Acknowledge(12345);           // unknown: ignored
  CHECK(box.pending() == 2);
  CHECK(box.in_flight() == 2);
}

TEST_CASE("outbox: Rewind sends the unacknowledged messages again, in order") {
  Outbox box(TempPath("rewind"), {});
  AppendRange(box, 0, 6);
  auto sent = SendAll(box);
  box.Acknowledge(sent[0].first);
  box.Acknowledge(sent[3].first);
  box.Rewind();
  CHECK(box.in_flight() == 0);
  CHECK(Payloads(SendAll(box)) == std::vector<std::string>{Payload(1), Payload(2), Payload(4), Payload(5)});
}

TEST_CASE("outbox: reopening the file recovers what was not acknowledged (at least once)") {
  const std::string path = TempPath("recover");
  {
    Outbox box(path, {});
    AppendRange(box, 0, 10);
    auto sent = SendAll(box);
    for (int i = 0; i < 4; ++i) box.Acknowledge(sent[i].first);
    box.Checkpoint();                  // marks 0..3 as done
    box.Acknowledge(sent[4].first);    // acknowledged after the last mark: comes again
    // destroyed without a checkpoint, as by a crash
  }
  {
    Outbox box(path, {});
    CHECK(box.recovered() == 6);
    CHECK(box.pending() == 6);
    CHECK(Payloads(SendAll(box)) == Expected(4, 10));
    AppendRange(box, 10, 12);  // new messages continue after the recovered ones
    CHECK(Payloads(SendAll(box)) == Expected(10, 12));
  }
}

TEST_CASE("outbox: a torn or corrupt tail is cut off and the good records are kept") {
  const std::string path = TempPath("torn");
  {
    Outbox box(path, {});
    AppendRange(box, 0, 3);
  }
  const auto good = std::filesystem::file_size(path);
  SUBCASE("half a record") {
    std::filesystem::resize_file(path, good - 3);
    Outbox box(path, {});
    CHECK(box.recovered() == 2);
    CHECK(Payloads(SendAll(box)) == Expected(0, 2));
    CHECK(box.file_bytes() < good - 3);
  }
  SUBCASE("garbage after the last record") {
    {
      std::ofstream out(path, std::ios::binary | std::ios::app);
      const std::string garbage("\x10\x00\x00\x00garbage-garbage-garbage", 27);
      out.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
    }
    Outbox box(path, {});
    CHECK(box.recovered() == 3);
    CHECK(box.file_bytes() == good);
    AppendRange(box, 3, 4);  // appends after the good records
  }
  Outbox again(path, {});
  CHECK(again.pending() >= 2);
}

TEST_CASE("outbox: beyond the memory limit messages stay in the file and are read back in order") {
  const std::string path = TempPath("spill");
  Outbox::Options options;
  options.memory_limit = 4;
  {
    Outbox box(path, options);
    AppendRange(box, 0, 25);
    CHECK(box.pending() == 25);
    std::vector<std::string> got;
    // Acknowledge as we go, the way a connection with a small window does.
    for (int round = 0; round < 100 && box.pending() > 0; ++round) {
      auto sent = SendAll(box);
      for (const auto& [seq, p] : sent) {
        got.push_back(p);
        box.Acknowledge(seq);
      }
      if (round == 1) AppendRange(box, 25, 30);  // appended while spilled
    }
    CHECK(got == Expected(0, 30));
    CHECK(box.pending() == 0);
    box.Checkpoint();
  }
  {
    Outbox box(path, options);
    AppendRange(box, 0, 12);
  }
  Outbox box(path, options);
  CHECK(box.recovered() == 12);
  CHECK(DeliverAll(box) == Expected(0, 12));
}

TEST_CASE("outbox: compaction keeps the pending tail and drops the rest") {
  const std::string path = TempPath("compact");
  Outbox::Options options;
  options.compact_bytes = 4096;
  options.memory_limit = 8;
  {
    Outbox box(path, options);
    AppendRange(box, 0, 300);
    uint64_t acked = 0;
    while (acked < 280) {
      auto sent = SendAll(box);
      for (const auto& [seq, p] : sent) {
        if (acked < 280) {
          box.Acknowledge(seq);
          ++acked;
        }
      }
      box.Rewind();
    }
    const auto before = box.file_bytes();
    box.Checkpoint();
    CHECK(box.file_bytes() < before / 4);
    CHECK(std::filesystem::file_size(path) == box.file_bytes());
    CHECK(box.pending() == 20);
    AppendRange(box, 300, 305);
  }
  Outbox box(path, options);
  CHECK(box.recovered() == 25);
  CHECK(DeliverAll(box) == Expected(280, 305));
}

TEST_CASE("outbox: an empty queue starts its file over") {
  const std::string path = TempPath("empty");
  Outbox::Options options;
  options.compact_bytes = 1024;
  {
    Outbox box(path, options);
    AppendRange(box, 0, 100);
    for (const auto& [seq, p] : SendAll(box)) box.Acknowledge(seq);
    box.Checkpoint();
    CHECK(box.file_bytes() < 32);  // one mark
    AppendRange(box, 100, 105);
    CHECK(Payloads(SendAll(box)) == Expected(100, 105));
    // a crash: the five are pending in a file that starts at sequence number 100
  }
  Outbox box(path, options);
  CHECK(box.recovered() == 5);
  CHECK(Payloads(SendAll(box)) == Expected(100, 105));
}

TEST_CASE("outbox: the pending limit refuses messages instead of growing") {
  Outbox::Options options;
  options.max_pending = 3;
  Outbox box(TempPath("full"), options);
  AppendRange(box, 0, 3);
  CHECK(box.Append("t", "x", 1, false) == Outbox::AppendResult::kFull);
  box.Acknowledge(box.NextToSend()->seq);
  CHECK(box.Append("t", "x", 1, false) == Outbox::AppendResult::kStored);
}

TEST_CASE("outbox: a file in use by another outbox is refused") {
  const std::string path = TempPath("locked");
  Outbox box(path, {});
  CHECK_THROWS_WITH_AS(Outbox(path, {}), doctest::Contains("in use by another process"), std::runtime_error);
}

}  // namespace
}  // namespace eddy::io
