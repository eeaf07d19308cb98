#pragma once
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

// Reads a file under the repository root; the suite runs natively and, through
// NODERAWFS, as wasm under Node, so both see the same fixtures.
inline std::string readRepoFile(const std::string& relativePath) {
  std::ifstream in(std::string(KEFU_SOURCE_DIR) + "/" + relativePath, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The demo KB as the core receives it: the JS wrapper (web/core/kb-locale.js) resolves an
// answer given per locale before a KB reaches the core, so the core reads strings only;
// the suite takes each answer's default text, as the wrapper does without a locale.
inline std::string readDemoKnowledgeBase() {
  nlohmann::json kb = nlohmann::json::parse(readRepoFile("shared/kb/demo.json"));
  for (auto& faq : kb["faqs"]) {
    if (faq.contains("answer") && faq["answer"].is_object()) faq["answer"] = faq["answer"]["default"];
    faq.erase("featured");
  }
  return kb.dump();
}
