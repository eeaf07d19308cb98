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

namespace {
// How many of the first `seeds` seeds, run with `breakServer` applied, show `problem`.
template <typename Break, typename Problem>
int seedsShowing(std::uint64_t seeds, Break breakServer, Problem problem) {
  int count = 0;
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    SimOptions options;
    options.seed = seed;
    breakServer(options);
    count += problem(runSimulation(options)) ? 1 : 0;
  }
  return count;
}
}  // namespace

TEST_CASE("the simulator catches a server that does not deduplicate by cmid", "[sim]") {
  CHECK(seedsShowing(40, [](SimOptions& o) { o.brokenServerWithoutDedup = true; },
                     [](const kefu::sim::SimResult& r) { return r.duplicated > 0; }) > 0);
}

TEST_CASE("the simulator catches a server that stores messages in arrival order", "[sim]") {
  CHECK(seedsShowing(40, [](SimOptions& o) { o.brokenServerIgnoresCseq = true; },
                     [](const kefu::sim::SimResult& r) { return r.reordered > 0 || r.duplicated > 0; }) > 0);
}

TEST_CASE("the same seed replays the same run", "[sim]") {
  // A failing run leaves a specific first problem behind; replaying must find the same one.
  SimOptions options;
  options.brokenServerWithoutDedup = true;
  for (options.seed = 1; options.seed <= 40 && runSimulation(options).ok(); ++options.seed) {
  }
  const auto first = runSimulation(options);
  const auto second = runSimulation(options);
  REQUIRE_FALSE(first.detail.empty());
  CHECK(first.detail == second.detail);
  CHECK(first.duplicated == second.duplicated);
  CHECK(first.messages == second.messages);
}
