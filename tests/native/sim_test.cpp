#include <catch2/catch.hpp>

#include "simulation.h"

using kefu::sim::runSimulation;
using kefu::sim::SimOptions;

// npm run sim runs 100,000 seeds; the suite runs enough to catch a regression quickly.
TEST_CASE("under drops, duplicates, disconnects, restarts, reloads and clock jumps nothing is lost or doubled", "[sim]") {
  int failures = 0;
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    SimOptions options;
    options.seed = seed;
    const auto result = runSimulation(options);
    if (!result.ok() && failures++ == 0) FAIL("seed " << seed << ": " << result.detail);
  }
  CHECK(failures == 0);
}

TEST_CASE("the simulator catches a server that does not deduplicate by cmid", "[sim]") {
  int caught = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    SimOptions options;
    options.seed = seed;
    options.brokenServerWithoutDedup = true;
    caught += runSimulation(options).duplicated > 0;
  }
  CHECK(caught > 0);
}

TEST_CASE("the simulator catches a server that stores messages in arrival order", "[sim]") {
  int caught = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    SimOptions options;
    options.seed = seed;
    options.brokenServerIgnoresCseq = true;
    const auto result = runSimulation(options);
    caught += result.reordered > 0 || result.duplicated > 0;
  }
  CHECK(caught > 0);
}

TEST_CASE("the same seed replays the same run", "[sim]") {
  SimOptions options;
  options.seed = 12345;
  const auto first = runSimulation(options);
  const auto second = runSimulation(options);
  CHECK(first.messages == second.messages);
  CHECK(first.detail == second.detail);
}
