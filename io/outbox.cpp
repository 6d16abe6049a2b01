#include "io/outbox.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "io/log.h"

namespace eddy::io {
namespace {

constexpr uint8_t kMessageRecord = 1;
constexpr uint8_t kMarkRecord = 2;
constexpr size_t kHeaderBytes = 8;                  // u32 body size, u32 checksum
constexpr size_t kMessageFixedBytes = 1 + 8 + 1 + 1 + 4;  // kind, seq, qos, retain, topic size
constexpr uint32_t kMaxBodyBytes = 512u << 20;
constexpr uint64_t kTruncateBytes = 1u << 20;       // an empty queue's file is cut back beyond this

// Detects torn and corrupt records (not tampering): FNV-1a over 8-byte words.
uint32_t Checksum(const char* data, size_t size) {
  uint64_t h = 14695981039346656037ull;
  size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    uint64_t word;
    std::memcpy(&word, data + i, 8);
    h = (h ^ word) * 1099511628211ull;
  }
  for (; i < size; ++i) h = (h ^ static_cast<unsigned char>(data[i])) * 1099511628211ull;
  return static_cast<uint32_t>(h ^ (h >> 32));
}

template <typename T>
void Put(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

template <typename T>
T Get(const char* data) {
  T value;
  std::memcpy(&value, data, sizeof(T));
  return value;
}

std::runtime_error IoError(const std::string& what, const std::string& path) {
  return std::runtime_error(what + " '" + path + "': " + std::strerror(errno));
}

void WriteAll(int fd, const char* data, size_t size, uint64_t offset, const std::string& path) {
  while (size > 0) {
    const ssize_t n = ::pwrite(fd, data, size, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw IoError("cannot write", path);
    }
    data += n;
    size -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
}

// Reads records from `offset` up to `end` through a buffer. Stops at the end
// or at the first record that is torn or fails its checksum.
class RecordReader {
 public:
  RecordReader(int fd, uint64_t offset, uint64_t end) : fd_(fd), next_(offset), end_(end) {}

  // The next record's body (a view valid until the next call) and offset.
  bool Next(std::string_view& body, uint64_t& offset) {
    if (next_ + kHeaderBytes > end_) {
      bad_ = next_ != end_;
      return false;
    }
    const char* header = Bytes(next_, kHeaderBytes);
    if (header == nullptr) return Fail();
    const uint32_t size = Get<uint32_t>(header);
    const uint32_t checksum = Get<uint32_t>(header + 4);
    if (size == 0 || size > kMaxBodyBytes || next_ + kHeaderBytes + size > end_) return Fail();
    const char* data = Bytes(next_ + kHeaderBytes, size);
    if (data == nullptr || Checksum(data, size) != checksum) return Fail();
    body = std::string_view(data, size);
    offset = next_;
    next_ += kHeaderBytes + size;
    return true;
  }
  bool bad() const { return bad_; }
  // Where the first record not read starts (the good length, after a bad record).
  uint64_t offset() const { return next_; }

 private:
  bool Fail() {
    bad_ = true;
    return false;
  }
  // `size` bytes at file offset `at`, through the buffer.
  const char* Bytes(uint64_t at, size_t size) {
    if (at < buf_offset_ || at + size > buf_offset_ + buf_.size()) {
      buf_.resize(std::max<size_t>(size, 1u << 20));
      size_t got = 0;
      while (got < buf_.size()) {
        const ssize_t n = ::pread(fd_, buf_.data() + got, buf_.size() - got, static_cast<off_t>(at + got));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += static_cast<size_t>(n);
      }
      buf_.resize(got);
      buf_offset_ = at;
      if (got < size) return nullptr;
    }
    return buf_.data() + (at - buf_offset_);
  }

  int fd_;
  uint64_t next_;
  uint64_t end_;
  bool bad_ = false;
  std::string buf_;
  uint64_t buf_offset_ = 0;
};

struct ParsedMessage {
  uint64_t seq;
  uint8_t qos;
  bool retain;
  std::string_view topic;
  std::string_view payload;
};

// False for a body that is not a well-formed message or mark.
bool Parse(std::string_view body, uint8_t& kind, ParsedMessage& m) {
  if (body.size() < 9) return false;
  kind = static_cast<uint8_t>(body[0]);
  m.seq = Get<uint64_t>(body.data() + 1);
  if (kind == kMarkRecord) return body.size() == 9;
  if (kind != kMessageRecord || body.size() < kMessageFixedBytes) return false;
  m.qos = static_cast<uint8_t>(body[9]);
  m.retain = body[10] != 0;
  const uint32_t topic_size = Get<uint32_t>(body.data() + 11);
  if (topic_size > body.size() - kMessageFixedBytes) return false;
  m.topic = body.substr(kMessageFixedBytes, topic_size);
  m.payload = body.substr(kMessageFixedBytes + topic_size);
  return true;
}

// Fills in the header of a record built after kHeaderBytes of room.
void Seal(std::string& record) {
  const uint32_t size = static_cast<uint32_t>(record.size() - kHeaderBytes);
  const uint32_t checksum = Checksum(record.data() + kHeaderBytes, size);
  std::memcpy(record.data(), &size, 4);
  std::memcpy(record.data() + 4, &checksum, 4);
}

int OpenLocked(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
  if (fd < 0) throw IoError("cannot open", path);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    throw std::runtime_error("'" + path + "' is in use by another process (two runs with the same state directory "
                             "and client id?)");
  }
  return fd;
}

}  // namespace

Outbox::Outbox(std::string path, Options options) : path_(std::move(path)), options_(options) {
  if (options_.memory_limit == 0) options_.memory_limit = 1;
  fd_ = OpenLocked(path_, O_RDWR | O_CREAT);
  ::unlink((path_ + ".compact").c_str());  // left by a crash during a compaction
  Replay();
}

Outbox::~Outbox() {
  if (fd_ >= 0) ::close(fd_);
}

void Outbox::Replay() {
  const off_t size = ::lseek(fd_, 0, SEEK_END);
  if (size < 0) throw IoError("cannot read", path_);
  // Pass 1: the good length, the last mark, the sequence numbers.
  uint64_t acked = 0;
  {
    RecordReader reader(fd_, 0, static_cast<uint64_t>(size));
    std::string_view body;
    uint64_t offset = 0;
    uint8_t kind = 0;
    ParsedMessage m{};
    while (reader.Next(body, offset)) {
      if (!Parse(body, kind, m)) break;
      if (kind == kMarkRecord) {
        acked = std::max(acked, m.seq);
      } else {
        next_seq_ = m.seq + 1;
      }
      end_ = offset + kHeaderBytes + body.size();
    }
    if (end_ < static_cast<uint64_t>(size)) {
      Log(LogLevel::kWarn, "'" + path_ + "': cut off " + std::to_string(static_cast<uint64_t>(size) - end_) +
                               " bytes of a torn or corrupt tail (a crash while writing)");
      if (::ftruncate(fd_, static_cast<off_t>(end_)) != 0) throw IoError("cannot truncate", path_);
    }
  }
  next_seq_ = std::max(next_seq_, acked);
  acked_before_ = std::min(acked, next_seq_);
  // Pass 2: the first pending message (sequence numbers are contiguous from
  // there; before it, a file started over may have left a gap).
  if (acked_before_ < next_seq_) {
    RecordReader reader(fd_, 0, end_);
    std::string_view body;
    uint64_t offset = 0;
    uint8_t kind = 0;
    ParsedMessage m{};
    while (reader.Next(body, offset)) {
      if (Parse(body, kind, m) && kind == kMessageRecord && m.seq >= acked_before_) {
        acked_before_ = m.seq;
        spilled_ = true;
        spill_offset_ = offset;
        break;
      }
    }
  }
  marked_ = acked_before_;
  memory_end_ = acked_before_;
  send_seq_ = acked_before_;
  recovered_ = pending();
  Refill();
}

void Outbox::Refill() {
  if (!spilled_ || memory_.size() >= options_.memory_limit) return;
  RecordReader reader(fd_, spill_offset_, end_);
  std::string_view body;
  uint64_t offset = 0;
  uint8_t kind = 0;
  ParsedMessage m{};
  while (reader.Next(body, offset)) {
    if (!Parse(body, kind, m) || kind != kMessageRecord || m.seq < memory_end_) continue;
    if (memory_.size() >= options_.memory_limit) {
      spill_offset_ = offset;
      return;
    }
    Message& added = memory_.emplace_back();
    added.seq = m.seq;
    added.offset = offset;
    added.qos = m.qos;
    added.retain = m.retain;
    added.topic.assign(m.topic);
    added.payload.assign(m.payload);
    memory_end_ = m.seq + 1;
  }
  spilled_ = false;
}

// Starts a record in scratch_: room for the header, then the kind and seq.
void Outbox::BeginRecord(uint8_t kind, uint64_t seq) {
  scratch_.clear();
  scratch_.append(kHeaderBytes, '\0');
  scratch_.push_back(static_cast<char>(kind));
  Put<uint64_t>(scratch_, seq);
}

void Outbox::WriteRecord() {
  Seal(scratch_);
  WriteAll(fd_, scratch_.data(), scratch_.size(), end_, path_);
  end_ += scratch_.size();
}

Outbox::AppendResult Outbox::Append(std::string_view topic, std::string_view payload, int qos, bool retain) {
  if (pending() >= options_.max_pending) return AppendResult::kFull;
  if (topic.size() + payload.size() + kMessageFixedBytes > kMaxBodyBytes) {
    throw std::runtime_error("a message of " + std::to_string(payload.size()) + " bytes is too large");
  }
  const uint64_t seq = next_seq_;
  const uint64_t offset = end_;
  BeginRecord(kMessageRecord, seq);
  scratch_.push_back(static_cast<char>(qos));
  scratch_.push_back(retain ? 1 : 0);
  Put<uint32_t>(scratch_, static_cast<uint32_t>(topic.size()));
  scratch_.append(topic);
  scratch_.append(payload);
  WriteRecord();
  ++next_seq_;
  if (!spilled_ && memory_.size() < options_.memory_limit) {
    Message& m = memory_.emplace_back();
    m.seq = seq;
    m.offset = offset;
    m.qos = static_cast<uint8_t>(qos);
    m.retain = retain;
    m.topic.assign(topic);
    m.payload.assign(payload);
    memory_end_ = seq + 1;
  } else if (!spilled_) {
    spilled_ = true;
    spill_offset_ = offset;
  }
  return AppendResult::kStored;
}

const Outbox::Message* Outbox::NextToSend() {
  send_seq_ = std::max(send_seq_, acked_before_);
  while (true) {
    if (send_seq_ >= memory_end_) {
      Refill();
      if (send_seq_ >= memory_end_) return nullptr;
    }
    Message& m = memory_[send_seq_ - memory_.front().seq];
    ++send_seq_;
    if (m.acked) continue;
    m.sent = true;
    ++in_flight_;
    return &m;
  }
}

void Outbox::Acknowledge(uint64_t seq) {
  if (memory_.empty() || seq < memory_.front().seq || seq >= memory_end_) return;
  Message& m = memory_[seq - memory_.front().seq];
  if (m.acked) return;
  m.acked = true;
  if (m.sent) {
    m.sent = false;
    --in_flight_;
  }
  PopAcknowledged();
}

void Outbox::PopAcknowledged() {
  while (!memory_.empty() && memory_.front().acked) memory_.pop_front();
  if (spilled_ && memory_.size() <= options_.memory_limit / 2) Refill();
  acked_before_ = memory_.empty() ? memory_end_ : memory_.front().seq;
}

void Outbox::Rewind() {
  for (Message& m : memory_) m.sent = false;
  in_flight_ = 0;
  send_seq_ = acked_before_;
}

uint64_t Outbox::FirstPendingOffset() const {
  if (!memory_.empty()) return memory_.front().offset;
  return spilled_ ? spill_offset_ : end_;
}

void Outbox::Checkpoint() {
  if (pending() == 0 && end_ >= std::min<uint64_t>(kTruncateBytes, options_.compact_bytes)) {
    // Nothing pending: start the file over (a replay of it yields nothing).
    if (::ftruncate(fd_, 0) != 0) throw IoError("cannot truncate", path_);
    end_ = 0;
    BeginRecord(kMarkRecord, acked_before_);
    WriteRecord();
    marked_ = acked_before_;
    return;
  }
  if (acked_before_ > marked_) {
    BeginRecord(kMarkRecord, acked_before_);
    WriteRecord();
    marked_ = acked_before_;
  }
  const uint64_t from = FirstPendingOffset();
  if (end_ >= options_.compact_bytes && from >= end_ / 2) Compact(from);
}

void Outbox::Compact(uint64_t from) {
  const std::string tmp = path_ + ".compact";
  const int fd = OpenLocked(tmp, O_RDWR | O_CREAT | O_TRUNC);
  try {
    BeginRecord(kMarkRecord, acked_before_);
    Seal(scratch_);
    WriteAll(fd, scratch_.data(), scratch_.size(), 0, tmp);
    const uint64_t head = scratch_.size();
    std::string buf(1u << 20, '\0');
    for (uint64_t at = from; at < end_;) {
      const ssize_t n = ::pread(fd_, buf.data(), std::min<uint64_t>(buf.size(), end_ - at), static_cast<off_t>(at));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw IoError("cannot read", path_);
      WriteAll(fd, buf.data(), static_cast<size_t>(n), head + (at - from), tmp);
      at += static_cast<uint64_t>(n);
    }
    if (::rename(tmp.c_str(), path_.c_str()) != 0) throw IoError("cannot replace", path_);
    ::close(fd_);
    fd_ = fd;
    for (Message& m : memory_) m.offset = m.offset - from + head;
    if (spilled_) spill_offset_ = spill_offset_ - from + head;
    end_ = head + (end_ - from);
    marked_ = acked_before_;
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
}

}  // namespace eddy::io
