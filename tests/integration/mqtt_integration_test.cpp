// `eddy run` against a real mosquitto (the CTest fixture's): bad payloads mixed
// with good ones, the broker restarted mid-run, the engine SIGKILLed and
// restarted. Every test counts messages end to end by a sequence number:
// duplicates are allowed (at least once), a missing one fails.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <thread>

#include "harness.h"

namespace eddy::integration {
namespace {

using namespace std::chrono_literals;

// An app passing every reading through, with a fault stream for bad ones.
std::string PassApp(const std::string& name) {
  return "@app:name('" + name + "')\n"
         "@source(type='mqtt', url='tcp://unset:1', topic='" + name + "/in', quality.of.service='1')\n"
         "@OnError(action='STREAM')\n"
         "define stream In (seq long, v double);\n"
         "@sink(type='mqtt', url='tcp://unset:1', topic='" + name + "/out', quality.of.service='1')\n"
         "define stream Out (seq long, v double);\n"
         "@sink(type='mqtt', url='tcp://unset:1', topic='" + name + "/errors', quality.of.service='1')\n"
         "define stream Errors (seq long, error string);\n"
         "from In select seq, v insert into Out;\n"
         "from !In select seq, convert(_error, 'string') as error insert into Errors;\n";
}

std::string Reading(int seq) { return "{\"seq\":" + std::to_string(seq) + ",\"v\":" + std::to_string(seq) + ".5}"; }

// Sequence numbers found in {"event":{"seq":N,...}} payloads.
std::set<long> Sequences(const std::vector<std::string>& payloads) {
  std::set<long> out;
  for (const std::string& p : payloads) {
    const size_t at = p.find("\"seq\":");
    if (at != std::string::npos) out.insert(std::stol(p.substr(at + 6)));
  }
  return out;
}

struct Fixture {
  explicit Fixture(const std::string& name) : name(name), dir(MakeTempDir(name)) {
    app_path = dir + "/app.siddhiql";
    WriteText(app_path, PassApp(name));
  }
  std::string name;
  std::string dir;
  std::string app_path;
  Broker broker;
};

TEST_CASE("malformed payloads interleaved with good ones: every good one comes out, every bad one is fault-streamed") {
  Fixture f("malformed");
  Subscriber sub(f.broker.url(), f.name + "-sub", {f.name + "/out", f.name + "/errors"});
  REQUIRE(sub.WaitSubscribed(20s));
  const int http_port = FreePort();
  auto eddy = StartEddy(f.app_path, f.broker, f.dir + "/state", f.dir + "/eddy.log",
                        {"--http", "127.0.0.1:" + std::to_string(http_port)});
  REQUIRE(WaitFor([&] { return HttpGet(http_port, "/health").rfind("HTTP/1.1 200", 0) == 0; }, 30s));

  Publisher pub(f.broker.url(), f.name + "-pub", f.dir + "/pub");
  const char* bad[] = {"not json", "{\"seq\":1}", "{\"seq\":\"x\",\"v\":1.0}", "[1,2]", "{\"seq\":1.5,\"v\":2}"};
  int good = 0;
  int bad_count = 0;
  for (int i = 0; i < 500; ++i) {
    if (i % 5 == 2) {
      pub.Publish(f.name + "/in", bad[bad_count % 5]);
      ++bad_count;
    } else {
      pub.Publish(f.name + "/in", Reading(i));
      ++good;
    }
  }
  REQUIRE(pub.WaitDelivered(30s));
  CHECK(WaitFor([&] { return Sequences(sub.messages(f.name + "/out")).size() == static_cast<size_t>(good); }, 30s));
  // "[1,2]" is two bad events in one message.
  const size_t expected_errors = static_cast<size_t>(bad_count + bad_count / 5);
  CHECK(WaitFor([&] { return sub.count(f.name + "/errors") == expected_errors; }, 30s));
  CHECK(sub.count(f.name + "/out") == static_cast<size_t>(good));

  const std::string metrics = HttpGet(http_port, "/metrics");
  CHECK(metrics.find("eddy_source_errors_total{app=\"malformed\",stream=\"In\",type=\"mqtt\"} " +
                     std::to_string(expected_errors)) != std::string::npos);
  CHECK(metrics.find("eddy_source_messages_total{app=\"malformed\",stream=\"In\",type=\"mqtt\"} 500") !=
        std::string::npos);
  // Per-query: the good readings through the first query, the bad ones through the fault stream's.
  CHECK(metrics.find("eddy_query_events_total{app=\"malformed\",query=\"query_1\"} " + std::to_string(good)) !=
        std::string::npos);
  CHECK(metrics.find("eddy_query_events_total{app=\"malformed\",query=\"query_2\"} " +
                     std::to_string(expected_errors)) != std::string::npos);
  CHECK(metrics.find("eddy_query_seconds_bucket{app=\"malformed\",query=\"query_1\",le=\"+Inf\"}") !=
        std::string::npos);
  CHECK(HttpGet(http_port, "/apps").find("\"name\":\"malformed\"") != std::string::npos);
  const std::vector<std::string> errors = sub.messages(f.name + "/errors");
  REQUIRE(!errors.empty());
  CHECK(errors[0].find("\"error\":") != std::string::npos);

  eddy->Signal(SIGTERM);
  CHECK(eddy->Wait(30s) == 0);
  const std::string log = ReadText(f.dir + "/eddy.log");
  CHECK(log.find("bad message (1 so far") != std::string::npos);
  CHECK(log.find("stopped") != std::string::npos);
}

// Publishes `total` readings, about 2000 a second, calling `fault` before the
// readings whose numbers are in `faults`.
void PublishPaced(Publisher& pub, const std::string& topic, int total, const std::set<int>& faults,
                  const std::function<void()>& fault) {
  for (int i = 0; i < total; ++i) {
    if (faults.count(i) > 0) fault();
    pub.Publish(topic, Reading(i));
    if (i % 20 == 0) std::this_thread::sleep_for(10ms);
  }
}

// Waits until every reading 0..total-1 came out; reports the first missing ones.
void CheckAllArrived(Subscriber& sub, const std::string& topic, int total) {
  const bool all = WaitFor([&] { return Sequences(sub.messages(topic)).size() == static_cast<size_t>(total); }, 90s);
  const std::set<long> got = Sequences(sub.messages(topic));
  std::string missing;
  for (long i = 0, shown = 0; i < total && shown < 20; ++i) {
    if (got.count(i) == 0) {
      missing += ' ';
      missing += std::to_string(i);
      ++shown;
    }
  }
  CHECK_MESSAGE(all, "received " << got.size() << " of " << total << " (" << sub.count(topic)
                                 << " with duplicates); first missing:" << missing);
}

// With Paho's own resending, mosquitto dropped Eddy's sink for malformed
// packets after broker restarts (see io/mqtt_sink.cpp).
void CheckNoMalformedPackets(const Broker& broker, size_t log_from) {
  const std::string log = broker.Log(log_from);
  const size_t at = log.find("malformed packet");
  CHECK_MESSAGE(at == std::string::npos, "the broker logged: " << log.substr(log.rfind('\n', at) + 1, 200));
}

TEST_SUITE_BEGIN("faults");

TEST_CASE("the broker restarted three times mid-run: zero QoS 1 messages lost") {
  Fixture f("brokerrestart");
  const size_t log_from = f.broker.Log().size();
  Subscriber sub(f.broker.url(), f.name + "-sub", {f.name + "/out"});
  REQUIRE(sub.WaitSubscribed(20s));
  auto eddy = StartEddy(f.app_path, f.broker, f.dir + "/state", f.dir + "/eddy.log");
  REQUIRE(WaitFor([&] { return ReadText(f.dir + "/eddy.log").find("source 'In' (mqtt): connected") != std::string::npos; }, 30s));
  Publisher pub(f.broker.url(), f.name + "-pub", f.dir + "/pub");
  constexpr int kTotal = 6000;
  PublishPaced(pub, f.name + "/in", kTotal, {1500, 3000, 4500}, [&] {
    f.broker.Stop(SIGTERM);
    f.broker.Start();
  });
  REQUIRE(pub.WaitDelivered(90s));
  CheckAllArrived(sub, f.name + "/out", kTotal);
  CheckNoMalformedPackets(f.broker, log_from);
  const std::string log = ReadText(f.dir + "/eddy.log");
  CHECK(log.find("lost the connection") != std::string::npos);
  eddy->Signal(SIGTERM);
  CHECK(eddy->Wait(30s) == 0);
}

TEST_CASE("the engine SIGKILLed three times and restarted with the same client id: zero QoS 1 messages lost") {
  Fixture f("enginekill");
  const size_t log_from = f.broker.Log().size();
  Subscriber sub(f.broker.url(), f.name + "-sub", {f.name + "/out"});
  REQUIRE(sub.WaitSubscribed(20s));
  const std::string log_path = f.dir + "/eddy.log";
  auto eddy = StartEddy(f.app_path, f.broker, f.dir + "/state", log_path);
  REQUIRE(WaitFor([&] { return ReadText(log_path).find("source 'In' (mqtt): connected") != std::string::npos; }, 30s));
  Publisher pub(f.broker.url(), f.name + "-pub", f.dir + "/pub");
  constexpr int kTotal = 6000;
  PublishPaced(pub, f.name + "/in", kTotal, {1500, 3000, 4500}, [&] {
    eddy->Signal(SIGKILL);
    CHECK(eddy->Wait(10s) == 128 + SIGKILL);
    eddy = StartEddy(f.app_path, f.broker, f.dir + "/state", log_path);
  });
  REQUIRE(pub.WaitDelivered(90s));
  CheckAllArrived(sub, f.name + "/out", kTotal);
  CheckNoMalformedPackets(f.broker, log_from);
  eddy->Signal(SIGTERM);
  CHECK(eddy->Wait(30s) == 0);
}

TEST_SUITE_END();

}  // namespace
}  // namespace eddy::integration
