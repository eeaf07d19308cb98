#pragma once
// The session's only source of randomness (retry jitter, ids): a seeded splitmix64
// whose state is persisted, so a restored session continues the same sequence and a
// simulation seed replays exactly.
#include <cstdint>

namespace kefu::session {

class SeededRandom {
 public:
  explicit SeededRandom(std::uint64_t seed = 0) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1).
  double unit() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
  std::uint64_t state() const { return state_; }
  void restore(std::uint64_t state) { state_ = state; }

 private:
  std::uint64_t state_;
};

}  // namespace kefu::session
