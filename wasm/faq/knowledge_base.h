#pragma once
// The knowledge base (KB) as the visitor-facing company writes it: a standard
// question, its similar phrasings, an answer, optional keywords and category.
// docs/knowledge-base.md describes the JSON form; shared/schema/kb.schema.json is its schema.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace kefu {

struct FaqEntry {
  std::string id;
  std::string question;
  std::vector<std::string> similar;
  std::string answer;
  std::vector<std::string> keywords;
  std::string category;
};

struct KnowledgeBase {
  std::vector<FaqEntry> entries;
  // Groups of words that mean the same here ("退款", "退钱", "refund"): every member is
  // read as the group's first one, in the KB and in visitors' questions alike.
  std::vector<std::vector<std::string>> synonyms;
};

// Defaults sized for a browser: a KB of the largest public dataset we evaluate on
// (afqmc, 7,273 entries, 0.8 MB) fits with room; anything far beyond is more likely
// a mistake than a knowledge base, and would cost the visitor memory and start-up time.
struct KnowledgeBaseLimits {
  std::size_t maxBytes = 16u << 20;
  std::size_t maxEntries = 20000;
  std::size_t maxSimilarPerEntry = 500;
  std::size_t maxQuestionChars = 500;   // question, similar phrasings, keywords
  std::size_t maxAnswerChars = 20000;
  std::size_t maxIdChars = 128;
  std::size_t maxDepth = 16;
  std::size_t maxSynonymGroups = 2000;
  std::size_t maxSynonymsPerGroup = 50;
  std::size_t maxSynonymChars = 50;
};

Result<KnowledgeBase> parseKnowledgeBase(std::string_view jsonText, const KnowledgeBaseLimits& limits);

}  // namespace kefu
