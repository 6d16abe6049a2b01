// Mappers and the annotation catalog: every mapper option and error path,
// through the same path `eddy run` takes (App -> ReadTransports -> mapper).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "eddy/engine.h"
#include "io/app_runner.h"
#include "io/mapper.h"
#include "io/transport_spec.h"

namespace eddy::io {
namespace {

struct Mapped {
  std::vector<std::vector<Value>> events;
  std::vector<std::string> errors;
};

// Maps `payload` with the @source of stream S in `annotations`.
Mapped MapWith(const std::string& annotations, const std::string& payload,
               const std::string& attributes = "symbol string, price double, volume long") {
  const std::string text = annotations + " define stream S (" + attributes + ");\nfrom S select * insert into O;";
  auto app = App::Compile(text);
  std::vector<TransportSpec> specs = ReadTransports(*app);
  REQUIRE(specs.size() == 1);
  auto mapper = MakeSourceMapper(specs[0]);
  InputHandle in = app->Input("S");
  EventBatch batch = in.NewBatch();
  EventRow row(in.attributes());
  MapContext ctx(row, batch, 7);
  mapper->Map(payload, ctx);
  Mapped out;
  std::vector<std::vector<Value>>* events = &out.events;
  app->Subscribe("S", [events](const EventBatchView& b) {
    for (uint32_t i = 0; i < b.size(); ++i) {
      std::vector<Value> row;
      for (uint32_t a = 0; a < b[i].size(); ++a) row.push_back(b[i].value(a));
      events->push_back(row);
    }
  });
  if (batch.size() > 0) in.Send(batch);
  for (const MapFailure& f : ctx.failures()) out.errors.push_back(f.message);
  return out;
}

// Formats events of stream S (symbol string, price double) with its @sink.
std::string SinkFormat(const std::string& annotations, const std::vector<std::pair<std::string, double>>& events) {
  auto app = App::Compile(annotations + " define stream S (symbol string, price double);\n"
                                        "define stream In (symbol string, price double);\n"
                                        "from In select * insert into S;");
  std::vector<TransportSpec> specs = ReadTransports(*app);
  REQUIRE(specs.size() == 1);
  auto mapper = MakeSinkMapper(specs[0]);
  std::string out;
  app->Subscribe("S", [&](const EventBatchView& b) {
    if (mapper->groups()) {
      mapper->Map(b, 0, b.size(), out);
    } else {
      for (uint32_t i = 0; i < b.size(); ++i) {
        if (i > 0) out += "|";
        mapper->Map(b, i, i + 1, out);
      }
    }
  });
  InputHandle in = app->Input("In");
  EventBatch batch = in.NewBatch();
  for (const auto& [s, p] : events) batch.Add(1).SetString(0, s).SetDouble(1, p);
  in.Send(batch);
  return out;
}

std::string CompileMessage(const std::string& text) {
  try {
    auto app = App::Compile(text);
    CheckTransports(*app, {});
  } catch (const CompileError& e) {
    return std::to_string(e.location().line) + ":" + std::to_string(e.location().column) + ": " + e.message();
  }
  return "";
}

const char* kJson = "@source(type='inMemory', topic='t', @map(type='json'))";

TEST_CASE("json: wrapped, bare and arrays of events") {
  Mapped m = MapWith(kJson, R"({"event":{"symbol":"IBM","price":55.6,"volume":100}})");
  REQUIRE(m.events.size() == 1);
  CHECK(m.events[0][0] == Value::String("IBM"));
  CHECK(m.events[0][1] == Value::Double(55.6));
  CHECK(m.events[0][2] == Value::Long(100));
  m = MapWith(kJson, R"([{"symbol":"A","price":1,"volume":2},{"event":{"symbol":"B","price":2.5,"volume":3}}])");
  REQUIRE(m.events.size() == 2);
  CHECK(m.events[1][0] == Value::String("B"));
  CHECK(m.events[0][1] == Value::Double(1.0));
}

TEST_CASE("json: errors name what is wrong; good events of a message still go through") {
  Mapped m = MapWith(kJson, "{not json");
  REQUIRE(m.errors.size() == 1);
  CHECK(m.errors[0].find("not valid JSON") != std::string::npos);
  m = MapWith(kJson, R"([{"symbol":"A","price":1,"volume":2},{"symbol":"B","volume":3},{"symbol":"C","price":"x","volume":1}])");
  CHECK(m.events.size() == 1);
  REQUIRE(m.errors.size() == 2);
  CHECK(m.errors[0] == "attribute 'price' is missing");
  CHECK(m.errors[1] == "attribute 'price' (double): expected double, got a string");
  m = MapWith(kJson, R"({"symbol":"A","price":1,"volume":2.5})");
  REQUIRE(m.errors.size() == 1);
  CHECK(m.errors[0].find("expected a whole number") != std::string::npos);
  m = MapWith(kJson, R"({"symbol":"A","price":1,"volume":18446744073709551615})");
  REQUIRE(m.errors.size() == 1);
  CHECK(m.errors[0].find("out of range") != std::string::npos);
  m = MapWith(kJson, R"([1])");
  REQUIRE(m.errors.size() == 1);
  CHECK(m.errors[0] == "an event must be a JSON object, got a number");
  m = MapWith(kJson, R"({"symbol":{"a":1},"price":1,"volume":1})");
  REQUIRE(m.errors.size() == 1);
  CHECK(m.errors[0].find("got an object") != std::string::npos);
  m = MapWith(kJson, R"({"symbol":null,"price":1,"volume":1})");
  REQUIRE(m.events.size() == 1);
  CHECK(m.events[0][0].is_null());
}

TEST_CASE("json: fail.on.missing.attribute='false' maps missing attributes to null") {
  Mapped m = MapWith("@source(type='inMemory', topic='t', @map(type='json', fail.on.missing.attribute='false'))",
                     R"({"symbol":"A"})");
  REQUIRE(m.events.size() == 1);
  CHECK(m.events[0][1].is_null());
  CHECK(m.errors.empty());
}

TEST_CASE("json: @attributes paths and enclosing.element") {
  Mapped m = MapWith(
      "@source(type='inMemory', topic='t', @map(type='json', enclosing.element='$.portfolio',"
      " @attributes(symbol='$.stock.sym', price='$.stock.p', volume='$.v[1]')))",
      R"({"portfolio":[{"stock":{"sym":"IBM","p":75.5},"v":[0,42]},{"stock":{"sym":"X","p":1}}]})");
  REQUIRE(m.events.size() == 1);
  CHECK(m.events[0][0] == Value::String("IBM"));
  CHECK(m.events[0][2] == Value::Long(42));
  REQUIRE(m.errors.size() == 1);
  CHECK(m.errors[0] == "attribute 'volume' is missing");
  m = MapWith("@source(type='inMemory', topic='t', @map(type='json', enclosing.element='$.x'))", R"({"y":1})");
  REQUIRE(m.errors.size() == 1);
  CHECK(m.errors[0].find("no enclosing element") != std::string::npos);
  m = MapWith("@source(type='inMemory', topic='t', @map(type='json', @attributes('$.a', '$.b', '$.c')))",
              R"({"a":"s","b":2,"c":3})");
  REQUIRE(m.events.size() == 1);
  CHECK(m.events[0][2] == Value::Long(3));
}

TEST_CASE("csv: positions, @attributes indexes, header, delimiter, quotes, strictness") {
  Mapped m = MapWith("@source(type='inMemory', topic='t', @map(type='csv'))", "IBM,55.5,10\n\"a,\"\"b\"\"\",1,2\n");
  REQUIRE(m.events.size() == 2);
  CHECK(m.events[1][0] == Value::String("a,\"b\""));
  m = MapWith("@source(type='inMemory', topic='t', @map(type='csv', delimiter=';', @attributes(symbol='2', price='0', volume='1')))",
              "1.5;7;X");
  REQUIRE(m.events.size() == 1);
  CHECK(m.events[0][0] == Value::String("X"));
  CHECK(m.events[0][1] == Value::Double(1.5));
  m = MapWith("@source(type='inMemory', topic='t', @map(type='csv', header='true'))", "volume,symbol,price\n3,Z,2.5");
  REQUIRE(m.events.size() == 1);
  CHECK(m.events[0][0] == Value::String("Z"));
  CHECK(m.events[0][2] == Value::Long(3));
  m = MapWith("@source(type='inMemory', topic='t', @map(type='csv', header='true'))", "a,b\n1,2");
  REQUIRE(m.errors.size() == 1);
  CHECK(m.errors[0] == "the csv header has no column 'symbol'");
  m = MapWith("@source(type='inMemory', topic='t', @map(type='csv'))", "A,x,1\nB,2\n\"open,1,2");
  CHECK(m.events.empty());
  REQUIRE(m.errors.size() == 3);
  CHECK(m.errors[0] == "attribute 'price' (double): expected a number, got 'x'");
  CHECK(m.errors[1].find("has 2 fields") != std::string::npos);
  CHECK(m.errors[2].find("not closed") != std::string::npos);
  m = MapWith("@source(type='inMemory', topic='t', @map(type='csv', fail.on.unknown.attribute='false'))", "A,x");
  REQUIRE(m.events.size() == 1);
  CHECK(m.events[0][1].is_null());
  CHECK(m.events[0][2].is_null());
}

TEST_CASE("text: key:value default, regex groups, grouping, missing attributes") {
  Mapped m = MapWith("@source(type='inMemory', topic='t', @map(type='text'))",
                     "symbol:\"IBM\",\nprice:55.6,\nvolume:100");
  REQUIRE(m.events.size() == 1);
  CHECK(m.events[0][0] == Value::String("IBM"));
  CHECK(m.events[0][2] == Value::Long(100));
  m = MapWith("@source(type='inMemory', topic='t', @map(type='text'))", "symbol:\"IBM\"");
  REQUIRE(m.errors.size() == 1);
  CHECK(m.errors[0] == "attribute 'price' is missing");
  m = MapWith("@source(type='inMemory', topic='t', @map(type='text'))", "no colon here");
  REQUIRE(m.errors.size() == 1);
  CHECK(m.errors[0].find("is not key:value") != std::string::npos);
  m = MapWith("@source(type='inMemory', topic='t', @map(type='text', regex.A='([A-Z]+) at ([0-9.]+)', regex.B='vol=([0-9]+)',"
              " event.grouping.enabled='true', @attributes(symbol='A[1]', price='A[2]', volume='B[1]')))",
              "IBM at 55.5 vol=3\n~~~~~~~~~~\nX at 1 vol=?\n~~~~~~~~~~\nY at 2 vol=4");
  REQUIRE(m.events.size() == 2);
  CHECK(m.events[0][1] == Value::Double(55.5));
  CHECK(m.events[1][0] == Value::String("Y"));
  REQUIRE(m.errors.size() == 1);
  CHECK(m.errors[0] == "attribute 'volume' is missing");
  m = MapWith("@source(type='inMemory', topic='t', @map(type='text', regex.A='v=([0-9]+)', fail.on.missing.attribute='false',"
              " @attributes(symbol='A[1]', price='A[1]', volume='A[1]')))",
              "nothing");
  REQUIRE(m.events.size() == 1);
  CHECK(m.events[0][2].is_null());
}

TEST_CASE("sink mappers: json default, arrays, enclosing.element, @payload, validate.json; csv; text") {
  CHECK(SinkFormat("@sink(type='inMemory', topic='t', @map(type='json'))", {{"IBM", 55.5}}) ==
        R"({"event":{"symbol":"IBM","price":55.5}})");
  CHECK(SinkFormat("@sink(type='inMemory', topic='t', @map(type='json'))", {{"a\"b", 1}, {"c", 2}}) ==
        R"([{"event":{"symbol":"a\"b","price":1.0}},{"event":{"symbol":"c","price":2.0}}])");
  CHECK(SinkFormat("@sink(type='inMemory', topic='t', @map(type='json', enclosing.element='$.portfolio'))", {{"a", 1}}) ==
        R"({"portfolio":[{"event":{"symbol":"a","price":1.0}}]})");
  CHECK(SinkFormat("@sink(type='inMemory', topic='t', @map(type='json', @payload('{\"s\":\"{{symbol}}\",\"p\":{{price}}}')))",
                   {{"a", 1.5}, {"b", 2}}) == R"({"s":"a","p":1.5}|{"s":"b","p":2.0})");
  CHECK_THROWS_WITH_AS(SinkFormat("@sink(type='inMemory', topic='t', @map(type='json', validate.json='true', @payload('{{symbol}}')))",
                                  {{"notjson", 1}}),
                       doctest::Contains("not valid JSON"), std::invalid_argument);
  CHECK(SinkFormat("@sink(type='inMemory', topic='t', @map(type='csv', header='true', delimiter=';'))", {{"a;b", 1}, {"c", 2}}) ==
        "symbol;price\n\"a;b\";1.0\nc;2.0");
  CHECK(SinkFormat("@sink(type='inMemory', topic='t', @map(type='text'))", {{"IBM", 1}}) == "symbol:\"IBM\",\nprice:1.0");
  CHECK(SinkFormat("@sink(type='inMemory', topic='t', @map(type='text', event.grouping.enabled='true', @payload('{{symbol}}={{price}}')))",
                   {{"a", 1}, {"b", 2}}) == "a=1.0\n~~~~~~~~~~\nb=2.0");
}

TEST_CASE("passThrough carries the whole payload in one string attribute") {
  Mapped m = MapWith("@source(type='stdin', @map(type='passThrough'))", "any text", "line string");
  REQUIRE(m.events.size() == 1);
  CHECK(m.events[0][0] == Value::String("any text"));
}

TEST_CASE("annotation errors carry LINE:COL and a did-you-mean") {
  CHECK(CompileMessage("@source(type='mqt', url='tcp://h:1', topic='a')\ndefine stream S (a int);") ==
        "1:9: unknown source type 'mqt' (did you mean 'mqtt'?); known: mqtt, file, stdin, inMemory");
  CHECK(CompileMessage("@source(type='mqtt', url='tcp://h:1', topik='a')\ndefine stream S (a int);")
            .find("1:39: unknown option 'topik' for source type 'mqtt' (did you mean 'topic'?)") == 0);
  CHECK(CompileMessage("@source(type='mqtt', topic='a')\ndefine stream S (a int);") ==
        "1:1: source type 'mqtt' needs option 'url' (or set mqtt.url from the command line)");
  CHECK(CompileMessage("@source(type='mqtt', url='localhost', topic='a')\ndefine stream S (a int);")
            .find("must be a broker URL") != std::string::npos);
  CHECK(CompileMessage("@source(type='mqtt', url='tcp://h:1', topic='a', quality.of.service='3')\ndefine stream S (a int);")
            .find("must be 0, 1 or 2") != std::string::npos);
  CHECK(CompileMessage("@source(type='inMemory', topic='a', @map(type='jsn'))\ndefine stream S (a int);") ==
        "1:42: unknown mapper type 'jsn' (did you mean 'json'?); known: json, csv, text, passThrough");
  CHECK(CompileMessage("@source(type='inMemory', topic='a', @map(type='json', @attributes(b='$.b')))\ndefine stream S (a int);")
            .find("not an attribute of stream 'S'") != std::string::npos);
  CHECK(CompileMessage("@source(type='inMemory', topic='a', @map(type='json', @attributes(a='b')))\ndefine stream S (a int);")
            .find("JSON path starting with '$'") != std::string::npos);
  CHECK(CompileMessage("@source(type='inMemory', topic='a', @map(type='csv', @attributes(a='x')))\ndefine stream S (a int);")
            .find("column index") != std::string::npos);
  CHECK(CompileMessage("@source(type='inMemory', topic='a', @map(type='text', @attributes(a='A[1]')))\ndefine stream S (a int);")
            .find("which @map does not define") != std::string::npos);
  CHECK(CompileMessage("@source(type='inMemory', topic='a', @map(type='text', regex.A='(', @attributes(a='A[1]')))\ndefine stream S (a int);")
            .find("not a valid regular expression") != std::string::npos);
  CHECK(CompileMessage("@source(type='inMemory', topic='a', @map(type='csv', delimiter='ab'))\ndefine stream S (a int);")
            .find("one character") != std::string::npos);
  CHECK(CompileMessage("@sink(type='mqtt', url='tcp://h:1', topic='x/{{b}}')\ndefine stream S (a int);")
            .find("(did you mean 'a'?)") != std::string::npos);
  CHECK(CompileMessage("@sink(type='stdout', @map(type='json', @payload('{{nope}}')))\ndefine stream S (a int);")
            .find("'{{nope}}' names no attribute") != std::string::npos);
  CHECK(CompileMessage("@source(type='stdin', @map(type='passThrough'))\ndefine stream S (a int);")
            .find("must have one string attribute") != std::string::npos);
  CHECK(CompileMessage("define stream I (a int);\n@source(type='stdin')\ndefine stream S (a int);\nfrom I select a insert into S;")
            .find("cannot also have a @source") != std::string::npos);
  CHECK(CompileMessage("@source(type='file', file.uri='x', tailing='maybe')\ndefine stream S (a int);")
            .find("must be 'true' or 'false'") != std::string::npos);
}

TEST_CASE("overrides and ${ENV} references") {
  auto app = App::Compile(
      "@source(type='mqtt', url='tcp://prod:1883', topic='a', password='${EDDY_TEST_SECRET}')\n"
      "define stream S (a int);");
  ::setenv("EDDY_TEST_SECRET", "s3cret", 1);
  std::vector<TransportSpec> specs = ReadTransports(*app, {{"mqtt.url", "tcp://test:1"}, {"source.S.topic", "b"}});
  REQUIRE(specs.size() == 1);
  CHECK(specs[0].Get("url", "") == "tcp://test:1");
  CHECK(specs[0].Get("topic", "") == "b");
  CHECK(specs[0].Get("password", "") == "s3cret");
  ::unsetenv("EDDY_TEST_SECRET");
  CHECK_THROWS_WITH_AS(ReadTransports(*app), doctest::Contains("environment variable 'EDDY_TEST_SECRET' is not set"),
                       CompileError);
}

}  // namespace
}  // namespace eddy::io
