// The data-driven conformance runner: runs every case folder (conformance/FORMAT.md)
// under the given roots through the engine, in event time, and compares the output.
//
//   eddy_conformance [--known-failures FILE] [--filter TEXT] [--jobs N] [--verbose]
//                    [--update-known-failures] ROOT...
//
// Each case runs in a forked child (a crash or hang fails that case only, with a
// 30 s limit). A case listed in the known-failures file may fail; the run fails if
// any other case fails, or if a listed case passes (the list only shrinks).
// Prints failures, a per-category table and a final "N passed, N failed, N skipped".
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "compare.h"
#include "eddy/engine.h"
#include "io/replay.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Case {
  fs::path dir;
  std::string id;        // path relative to its root, e.g. filter/FilterTestCase1__x
  std::string category;  // first path component
};

struct Outcome {
  bool passed = false;
  std::string detail;
};

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<json> ReadLines(const std::string& text) {
  std::vector<json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    out.push_back(json::parse(line));
  }
  return out;
}

// Runs one case in this process.
Outcome RunCase(const Case& c) {
  json meta = json::object();
  if (fs::exists(c.dir / "case.json")) meta = json::parse(ReadText(c.dir / "case.json"));
  const std::string app_text = ReadText(c.dir / "app.siddhiql");
  const bool expect_error = meta.value("expect_error", false);
  std::unique_ptr<eddy::App> app;
  try {
    app = eddy::App::Compile(app_text, {.file_name = "app.siddhiql", .playback = true});
  } catch (const eddy::CompileError& e) {
    if (expect_error) return {true, e.Render("app.siddhiql", app_text)};
    return {false, "does not compile: " + e.Render("app.siddhiql", app_text)};
  }
  if (expect_error) return {false, "compiled, but the reference engine rejects this app"};

  std::vector<json> actual;
  std::string errors;
  std::ifstream events(c.dir / "input.jsonl", std::ios::binary);
  eddy::io::Replay(
      *app, events, "input.jsonl",
      [&](const eddy::io::OutputEvent& e) { actual.push_back(json::parse(e.json)); },
      [&](std::string_view error) { errors += std::string(error) + "\n"; });
  if (!errors.empty()) return {false, "bad input lines:\n" + errors};

  eddy::conformance::CompareOptions options;
  if (meta.contains("compare")) {
    options.compare_ts = meta["compare"].value("ts", false);
    options.unordered = meta["compare"].value("order", "") == "unordered";
  }
  const std::vector<json> expected = ReadLines(ReadText(c.dir / "expected.jsonl"));
  const std::string diff = eddy::conformance::CompareOutputs(expected, actual, options);
  return {diff.empty(), diff};
}

// Runs one case in a child process, so that a crash or a hang fails only it.
pid_t StartCase(const Case& c, int& read_fd) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    alarm(30);
    Outcome o;
    try {
      o = RunCase(c);
    } catch (const std::exception& e) {
      o = {false, std::string("exception: ") + e.what()};
    }
    const std::string message = (o.passed ? "P" : "F") + o.detail;
    size_t written = 0;
    while (written < message.size()) {
      const ssize_t n = write(fds[1], message.data() + written, message.size() - written);
      if (n <= 0) break;
      written += static_cast<size_t>(n);
    }
    close(fds[1]);
    _exit(0);
  }
  close(fds[1]);
  read_fd = fds[0];
  return pid;
}

Outcome FinishCase(pid_t pid, int read_fd) {
  std::string message;
  char buf[4096];
  ssize_t n;
  while ((n = read(read_fd, buf, sizeof buf)) > 0) message.append(buf, static_cast<size_t>(n));
  close(read_fd);
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFSIGNALED(status)) {
    return {false, WTERMSIG(status) == SIGALRM ? "timed out after 30 s" : "crashed with signal " +
                                                                              std::to_string(WTERMSIG(status))};
  }
  if (message.empty()) return {false, "the case process reported nothing"};
  return {message[0] == 'P', message.substr(1)};
}

std::set<std::string> ReadKnownFailures(const fs::path& path, std::vector<std::string>& header) {
  std::set<std::string> out;
  std::ifstream in(path);
  std::string line;
  bool in_header = true;
  while (std::getline(in, line)) {
    const size_t hash = line.find('#');
    std::string entry = line.substr(0, hash);
    entry.erase(0, entry.find_first_not_of(" \t"));
    entry.erase(entry.find_last_not_of(" \t\r") + 1);
    if (entry.empty()) {
      if (in_header) header.push_back(line);
      continue;
    }
    in_header = false;
    out.insert(entry);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<fs::path> roots;
  fs::path known_path;
  std::string filter;
  int jobs = 2;
  bool verbose = false;
  bool update = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--known-failures" && i + 1 < argc) {
      known_path = argv[++i];
    } else if (arg == "--filter" && i + 1 < argc) {
      filter = argv[++i];
    } else if (arg == "--jobs" && i + 1 < argc) {
      jobs = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--verbose") {
      verbose = true;
    } else if (arg == "--update-known-failures") {
      update = true;
    } else {
      roots.emplace_back(arg);
    }
  }
  std::vector<Case> cases;
  for (const fs::path& root : roots) {
    if (!fs::exists(root)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (entry.path().filename() != "app.siddhiql") continue;
      Case c;
      c.dir = entry.path().parent_path();
      c.id = fs::relative(c.dir, root).generic_string();
      c.category = c.id.substr(0, c.id.find('/'));
      if (c.id.find(filter) == std::string::npos) continue;
      cases.push_back(c);
    }
  }
  std::sort(cases.begin(), cases.end(), [](const Case& a, const Case& b) { return a.id < b.id; });

  std::vector<std::string> header;
  const std::set<std::string> known = known_path.empty() ? std::set<std::string>{}
                                                         : ReadKnownFailures(known_path, header);
  std::vector<Outcome> outcomes(cases.size());
  std::map<pid_t, std::pair<size_t, int>> running;
  size_t next = 0;
  while (next < cases.size() || !running.empty()) {
    while (next < cases.size() && running.size() < static_cast<size_t>(jobs)) {
      int fd = -1;
      const pid_t pid = StartCase(cases[next], fd);
      if (pid < 0) {
        outcomes[next] = {false, "could not start the case"};
      } else {
        running[pid] = {next, fd};
      }
      ++next;
    }
    if (running.empty()) continue;
    // Finish the oldest running case (cases are short; order keeps output stable).
    auto it = std::min_element(running.begin(), running.end(),
                               [](const auto& a, const auto& b) { return a.second.first < b.second.first; });
    outcomes[it->second.first] = FinishCase(it->first, it->second.second);
    running.erase(it);
  }

  struct Tally {
    int passed = 0, failed = 0, known = 0;
  };
  std::map<std::string, Tally> by_category;
  int passed = 0, failed = 0, skipped = 0;
  std::vector<std::string> now_passing, still_failing;
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    const Outcome& o = outcomes[i];
    const bool listed = known.count(c.id) > 0;
    Tally& t = by_category[c.category];
    if (o.passed) {
      ++t.passed;
      if (listed) {
        ++failed;
        now_passing.push_back(c.id);
        std::cout << "NOW PASSING (remove from known failures): " << c.id << "\n";
      } else {
        ++passed;
      }
      if (verbose && !o.detail.empty()) std::cout << "ok " << c.id << ": " << o.detail << "\n";
    } else if (listed) {
      ++t.known;
      ++skipped;
      still_failing.push_back(c.id);
      if (verbose) std::cout << "known failure " << c.id << ": " << o.detail << "\n";
    } else {
      ++t.failed;
      ++failed;
      still_failing.push_back(c.id);
      std::cout << "FAIL " << c.id << ": " << o.detail << "\n";
    }
  }
  std::cout << "\n" << std::left;
  std::cout << "category                    passed  failed  known-failing\n";
  for (const auto& [category, t] : by_category) {
    std::string name = category;
    name.resize(26, ' ');
    std::cout << name << "  " << t.passed << (t.passed < 10 ? "       " : t.passed < 100 ? "      " : "     ")
              << t.failed << (t.failed < 10 ? "       " : "      ") << t.known << "\n";
  }
  if (update && !known_path.empty()) {
    std::ofstream out(known_path, std::ios::trunc);
    for (const std::string& line : header) out << line << "\n";
    for (const std::string& id : still_failing) out << id << "\n";
    std::cout << "rewrote " << known_path << " with " << still_failing.size() << " cases\n";
  }
  std::cout << passed << " passed, " << failed << " failed, " << skipped << " skipped\n";
  return failed == 0 ? 0 : 1;
}
