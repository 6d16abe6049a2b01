// A small HTTP/1.1 server for the control endpoint (/health, /metrics, /apps):
// GET only, one request per connection, handled on one background thread.
// Binds the given address (loopback unless the user says otherwise).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

namespace eddy::io {

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

using HttpHandler = std::function<HttpResponse(const std::string& path)>;

class HttpServer {
 public:
  // "127.0.0.1:9464", "localhost:0" (port 0: any free port). Throws
  // std::runtime_error when the address cannot be bound.
  HttpServer(const std::string& address, HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  uint16_t port() const { return port_; }

 private:
  void Run();
  void Serve(int client);

  HttpHandler handler_;
  int listener_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace eddy::io
