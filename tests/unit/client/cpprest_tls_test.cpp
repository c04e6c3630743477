// TLS through the real transport: a self-signed loopback server is refused by default (a TLS-flagged
// TransportError, not retried by the client), accepted with tls.ca_file naming its certificate, and
// accepted with verification turned off.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "core/http/http_transport.h"
#include "tests/unit/client/loopback_http_server.h"

namespace zra {
namespace {

// Test-only self-signed certificate (CN "zra-sync test loopback", SAN IP:127.0.0.1 and localhost,
// valid until 2126) and its key. Generated once with:
//   openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500
//     -subj "/CN=zra-sync test loopback" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost"
const char kCertPem[] = R"(-----BEGIN CERTIFICATE-----
MIIBtTCCAVugAwIBAgIUe1an3XPDGb9aVibBmErG0LRGk58wCgYIKoZIzj0EAwIw
ITEfMB0GA1UEAwwWenJhLXN5bmMgdGVzdCBsb29wYmFjazAgFw0yNjExMzAwMDQ4
NTNaGA8yMTI2MTEwNjAwNDg1M1owITEfMB0GA1UEAwwWenJhLXN5bmMgdGVzdCBs
b29wYmFjazBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABJ51ZsQAbYB+1JZqTeKL
snPY/bc/muPioI7IfmjG6b9Z7gHGvUqXpAAn1aXWvKeK2N0w7F6QFUVVUP07CowS
mTejbzBtMB0GA1UdDgQWBBQgSzY+zQq1l7yB7N00iXgdFB6geDAfBgNVHSMEGDAW
gBQgSzY+zQq1l7yB7N00iXgdFB6geDAPBgNVHRMBAf8EBTADAQH/MBoGA1UdEQQT
MBGHBH8AAAGCCWxvY2FsaG9zdDAKBggqhkjOPQQDAgNIADBFAiEA/UPBol/X2+pO
5weKnI4Q5ZsBP4b4FnYQNEggxTkghiACIFxxf9Xt4nuMRpYEDej4Ipl8A9qpF2y7
ZxHezKiUZC8t
-----END CERTIFICATE-----
)";
const char kKeyPem[] = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgtihU71EoW80df6GL
imzLasMETUAuEuzuBHRAy1I64ayhRANCAASedWbEAG2AftSWak3ii7Jz2P23P5rj
4qCOyH5oxum/We4Bxr1Kl6QAJ9Wl1rynitjdMOxekBVFVVD9OwqMEpk3
-----END PRIVATE KEY-----
)";

class CpprestTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tls.use_certificate_chain(boost::asio::buffer(kCertPem, sizeof kCertPem - 1));
    tls.use_private_key(boost::asio::buffer(kKeyPem, sizeof kKeyPem - 1), boost::asio::ssl::context::pem);
    ca_file = std::string(ZRA_BINARY_DIR) + "/cpprest_tls_test_ca.pem";
    std::ofstream(ca_file) << kCertPem;
  }
  void TearDown() override { std::remove(ca_file.c_str()); }

  HttpRequest request_to(const LoopbackHttpServer& server) {
    HttpRequest r;
    r.url = server.base_url() + "/v2/zra/crm/settings";
    r.timeout = std::chrono::milliseconds(5000);
    return r;
  }

  boost::asio::ssl::context tls{boost::asio::ssl::context::tls_server};
  std::string ca_file;
};

ServedAnswer ok(const ServedRequest&) {
  ServedAnswer a;
  a.body = R"({"crm_type":"acme"})";
  return a;
}

TEST_F(CpprestTlsTest, UnknownCertificateIsATlsTransportError) {
  LoopbackHttpServer server(ok, &tls);
  auto transport = make_cpprest_transport();
  try {
    transport->send(request_to(server));
    FAIL() << "expected TransportError";
  } catch (const TransportError& e) {
    EXPECT_TRUE(e.tls()) << e.what();
    EXPECT_FALSE(e.timed_out()) << e.what();
    EXPECT_NE(std::string(e.what()).find("certificate verify failed"), std::string::npos) << e.what();
  }
}

TEST_F(CpprestTlsTest, HandshakeCutShortByTheServerIsRetryableNotTls) {
  // A plain-HTTP server that never answers the ClientHello and closes: a network problem.
  LoopbackHttpServer server([](const ServedRequest&) { return ServedAnswer{}; });
  auto transport = make_cpprest_transport();
  HttpRequest r;
  r.url = "https://127.0.0.1:" + std::to_string(server.port()) + "/x";
  r.timeout = std::chrono::milliseconds(5000);
  try {
    transport->send(r);
    FAIL() << "expected TransportError";
  } catch (const TransportError& e) {
    EXPECT_FALSE(e.tls()) << e.what();
  }
}

TEST_F(CpprestTlsTest, CaFileMakesTheCertificateTrusted) {
  LoopbackHttpServer server(ok, &tls);
  TlsOptions options;
  options.ca_file = ca_file;
  auto transport = make_cpprest_transport(options);
  const HttpResponse res = transport->send(request_to(server));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, R"({"crm_type":"acme"})");
}

TEST_F(CpprestTlsTest, UnreadableCaFileIsRefusedAtConstruction) {
  TlsOptions options;
  options.ca_file = "/nonexistent/zra-ca.pem";
  try {
    make_cpprest_transport(options);
    FAIL() << "expected FatalError";
  } catch (const FatalError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("tls.ca_file: '/nonexistent/zra-ca.pem' cannot be loaded as a PEM CA bundle (", 0),
              0u)
        << e.what();
  }
}

TEST_F(CpprestTlsTest, VerificationOffAcceptsAnyCertificate) {
  LoopbackHttpServer server(ok, &tls);
  TlsOptions options;
  options.verify = false;
  auto transport = make_cpprest_transport(options);
  EXPECT_EQ(transport->send(request_to(server)).status, 200);
}

}  // namespace
}  // namespace zra
