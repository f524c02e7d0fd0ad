// The server survives malformed input: garbage instead of HTTP, a truncated
// request, odd targets and parameters. After each, it still answers.
#include <catch2/catch.hpp>

#include <boost/asio.hpp>

#include "emulator/http/http_fixture.h"

namespace respec::emulator::http::testing {
namespace {

// Sends raw bytes, reads whatever comes back until the server closes or 2 s pass.
std::string SendRaw(uint16_t port, const std::string& bytes) {
  namespace net = boost::asio;
  net::io_context ioc;
  net::ip::tcp::socket s(ioc);
  boost::system::error_code ec;
  s.connect({net::ip::make_address("127.0.0.1"), port}, ec);
  if (ec) return "connect failed";
  net::write(s, net::buffer(bytes), ec);
  s.shutdown(net::ip::tcp::socket::shutdown_send, ec);
  std::string out;
  char buf[4096];
  for (;;) {
    size_t n = s.read_some(net::buffer(buf), ec);
    out.append(buf, n);
    if (ec) break;
  }
  return out;
}

}  // namespace

TEST_CASE("robustness: garbage, truncation and odd requests do not hurt the server") {
  HttpFixture f;
  static const char kGarbage[] = "\x00\x01\x02 garbage \r\n\r\n";
  SendRaw(f.port, std::string(kGarbage, sizeof kGarbage - 1));
  SendRaw(f.port, "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nshort");
  SendRaw(f.port, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
  std::string answer = SendRaw(f.port, "GET /?Action=DescribeRegions HTTP/1.0\r\n\r\n");
  CHECK(answer.rfind("HTTP/1.0 400", 0) == 0);  // MissingParameter, HTTP/1.0 closes
  for (std::string target : {"/?&&&==&", "/?=x", "/?Action", "/%zz", "/?Action=%", "/../../etc/passwd"}) {
    Reply r = f.Raw("GET", target, {}, "");
    INFO(target);
    CHECK(r.status >= 400);
    CHECK(!r.Code().empty());
  }
  Reply r = f.Rpc("DescribeInstances", {{"RegionId", "cn-hangzhou"}, {"Tag.1.Value", "x"}});
  CHECK(r.Code() == "MissingParameter");  // a tag value without its key
  CHECK(f.Rpc("DescribeRegions", {}).status == 200);
}

}  // namespace respec::emulator::http::testing
