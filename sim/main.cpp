// kefu-sim --from S --count N [--json] | --seed S
// Runs seeds S..S+N-1 and prints the totals; exits 1 if any seed failed.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "simulation.h"

int main(int argc, char** argv) {
  std::uint64_t from = 1;
  std::uint64_t count = 1000;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool hasValue = i + 1 < argc;
    if (arg == "--from" && hasValue) {
      from = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--count" && hasValue) {
      count = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--seed" && hasValue) {
      from = std::strtoull(argv[++i], nullptr, 10);
      count = 1;
    } else if (arg == "--json") {
      json = true;
    } else {
      std::fprintf(stderr, "usage: kefu-sim [--from S --count N | --seed S] [--json]\n");
      return 2;
    }
  }
  long messages = 0, lost = 0, duplicated = 0, reordered = 0, regressions = 0, shown = 0;
  std::vector<std::uint64_t> failedSeeds;
  for (std::uint64_t seed = from; seed < from + count; ++seed) {
    kefu::sim::SimOptions options;
    options.seed = seed;
    const auto result = kefu::sim::runSimulation(options);
    messages += result.messages;
    lost += result.lost;
    duplicated += result.duplicated;
    reordered += result.reordered;
    regressions += result.regressions;
    shown += result.shownTwice + result.missingShown + result.shownOutOfOrder;
    if (!result.ok()) {
      failedSeeds.push_back(seed);
      if (!json || count == 1) std::fprintf(stderr, "seed %llu: %s\n", static_cast<unsigned long long>(seed), result.detail.c_str());
    }
  }
  std::string failed;
  for (std::size_t i = 0; i < failedSeeds.size() && i < 100; ++i) {
    failed += (i ? "," : "") + std::to_string(failedSeeds[i]);
  }
  if (json) {
    std::printf("{\"seeds\":%llu,\"messages\":%ld,\"lost\":%ld,\"duplicated\":%ld,\"reordered\":%ld,\"regressions\":%ld,\"serverMessagesMisshown\":%ld,\"failedSeeds\":[%s]}\n",
                static_cast<unsigned long long>(count), messages, lost, duplicated, reordered, regressions, shown, failed.c_str());
  } else {
    std::printf("%llu seeds, %ld visitor messages: lost %ld, duplicated %ld, reordered %ld, regressions %ld, server messages mis-shown %ld\n",
                static_cast<unsigned long long>(count), messages, lost, duplicated, reordered, regressions, shown);
  }
  return failedSeeds.empty() ? 0 : 1;
}
