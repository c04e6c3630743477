#pragma once
// A rate such as "20/min": `count` calls per `per_seconds` seconds. Written by the config loader,
// read by the ZRA client's limiter.
namespace zra {
struct RateSpec {
  double count = 0;
  double per_seconds = 1;
};
}  // namespace zra
