// A sink's durable outbound queue. Every message is written to a log file
// before Append() returns and stays pending until the broker acknowledged it,
// so output handed to a sink survives a crash of the process: reopening the log
// makes every message not known to be acknowledged pending again (at least
// once: messages acknowledged shortly before a crash are sent again). The file
// is written, not synced: it survives the process, not the machine.
//
// File: a sequence of records [u32 body size][u32 checksum][body]; a body is a
// message (sequence number, qos, retain, topic, payload) or a mark ("every
// message below sequence number N is acknowledged"), written by Checkpoint().
// A torn or corrupt tail (a crash in the middle of a write) is cut off on open.
//
// Memory is bounded: at most `memory_limit` pending messages are held in
// memory; later ones are in the file only ("spilled") and are read back as the
// queue drains. The file is compacted (the pending tail copied to a fresh file
// that replaces it) once acknowledged records make up most of a large file.
//
// Messages are sent in order: NextToSend() hands out pending messages by
// increasing sequence number; Rewind() (a new connection) starts over from the
// oldest unacknowledged one.
//
// Not thread-safe: the owner (the MQTT sink) calls it under its own lock.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

namespace eddy::io {

class Outbox {
 public:
  struct Options {
    size_t memory_limit = 10000;          // pending messages held in memory
    uint64_t max_pending = 1000000;       // Append() refuses beyond this many
    uint64_t compact_bytes = 64u << 20;   // consider compacting above this file size
  };

  struct Message {
    uint64_t seq = 0;
    uint64_t offset = 0;  // of its record in the file
    uint8_t qos = 1;
    bool retain = false;
    bool sent = false;
    bool acked = false;
    std::string topic;
    std::string payload;
  };

  enum class AppendResult : uint8_t { kStored, kFull };

  // Opens (or creates) the log at `path`, locks it against a second process,
  // and replays it. Throws std::runtime_error when it cannot.
  Outbox(std::string path, Options options);
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Stores a message. kFull (nothing stored) when max_pending are pending.
  // Throws std::runtime_error when the file cannot be written.
  AppendResult Append(std::string_view topic, std::string_view payload, int qos, bool retain);

  // The next pending message not yet sent since the last Rewind(), now marked
  // sent; nullptr when there is none. The pointer is valid until the next call
  // of a non-const member.
  const Message* NextToSend();
  // The broker acknowledged message `seq`; unknown or repeated ones are ignored.
  void Acknowledge(uint64_t seq);
  // Everything pending is to be sent again (a new connection).
  void Rewind();
  // Writes a mark when messages were acknowledged since the last one, and
  // compacts the file when that pays. Throws std::runtime_error on I/O errors.
  void Checkpoint();

  uint64_t pending() const { return next_seq_ - acked_before_; }
  uint64_t in_flight() const { return in_flight_; }
  // Pending when the log was opened (left by an earlier run).
  uint64_t recovered() const { return recovered_; }
  // NextToSend() would return a message (or skip acknowledged ones to find one).
  bool has_unsent() const { return send_seq_ < memory_end_ || (spilled_ && memory_.size() < options_.memory_limit); }
  uint64_t file_bytes() const { return end_; }
  const std::string& path() const { return path_; }

 private:
  void Replay();
  void Refill();
  void PopAcknowledged();
  void BeginRecord(uint8_t kind, uint64_t seq);
  void WriteRecord();  // scratch_, at the end of the file
  void Compact(uint64_t from);
  uint64_t FirstPendingOffset() const;

  std::string path_;
  Options options_;
  int fd_ = -1;
  uint64_t end_ = 0;           // file size (the next record's offset)
  uint64_t next_seq_ = 0;      // of the next appended message
  uint64_t acked_before_ = 0;  // every message below is acknowledged
  uint64_t marked_ = 0;        // the last mark written
  uint64_t send_seq_ = 0;      // the next message NextToSend() considers
  uint64_t in_flight_ = 0;
  uint64_t recovered_ = 0;
  // Pending messages [memory_.front().seq, memory_.front().seq + size): a
  // contiguous run, acknowledged ones popped from the front.
  std::deque<Message> memory_;
  uint64_t memory_end_ = 0;  // one past the last message in memory_
  // When spilled, the messages from memory_end_ on are in the file only, from
  // spill_offset_ on.
  bool spilled_ = false;
  uint64_t spill_offset_ = 0;
  std::string scratch_;
};

}  // namespace eddy::io
