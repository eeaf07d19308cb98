#pragma once
// Deterministic fault simulation of one visitor's session against a simulated server
// over a hostile network. Everything — timing, faults, the session's own jitter —
// derives from the seed, so a failing seed replays exactly (`npm run sim -- --seed S`).
#include <cstdint>
#include <string>

namespace kefu::sim {

struct SimOptions {
  std::uint64_t seed = 1;
  int visitorMessages = 12;
  int agentMessages = 8;
  double dropRate = 0.05;       // a frame vanishes
  double duplicateRate = 0.03;  // a frame arrives twice
  double disconnectRate = 0.02; // per step, the connection breaks
  double serverRestartRate = 0.004;
  double reloadRate = 0.004;    // the visitor reloads the page
  double clockJumpRate = 0.002;
  // Deliberately broken servers, to prove the checks catch what they claim to.
  bool brokenServerWithoutDedup = false;
  bool brokenServerIgnoresCseq = false;
};

struct SimResult {
  int messages = 0;     // visitor messages sent
  int lost = 0;         // not stored on the server, and not shown as failed
  int duplicated = 0;   // stored more than once
  int reordered = 0;    // stored out of send order
  int regressions = 0;  // a delivery state went backwards
  int shownTwice = 0;   // a server message shown more than once on the client
  int missingShown = 0; // a server message never shown
  int shownOutOfOrder = 0;
  std::string detail;   // first problem found, for replaying
  bool ok() const {
    return lost == 0 && duplicated == 0 && reordered == 0 && regressions == 0 && shownTwice == 0 &&
           missingShown == 0 && shownOutOfOrder == 0;
  }
};

SimResult runSimulation(const SimOptions& options);

}  // namespace kefu::sim
