// The FAQ engine's stand-in for the size measurement's core without it
// (kefu-core-without-faq, built by `npm run size -- --faq-delta`, never shipped).
// It defines only what the session, protocol and JSON code call into the FAQ
// engine for, with the least that keeps their behaviour well defined: no knowledge
// base can be loaded, so every bot turn hands off and typeahead has nothing to offer.
// Everything else in that build is the shipped core's own code with its own flags.
#include "faq/faq_engine.h"

namespace kefu {

Result<KnowledgeBase> parseKnowledgeBase(std::string_view, const KnowledgeBaseLimits&) {
  return Result<KnowledgeBase>::failure("kb_unsupported", "this build has no FAQ engine");
}

const char* tierName(MatchTier) { return "handoff"; }

void FaqEngine::build(KnowledgeBase kb, TierThresholds thresholds, RankingParams) {
  kb_ = std::move(kb);
  thresholds_ = thresholds;
}

MatchResult FaqEngine::match(std::string_view, std::size_t) const { return {}; }

std::vector<SuggestHit> FaqEngine::suggest(std::string_view, std::size_t) const { return {}; }

}  // namespace kefu
