#include <catch2/catch.hpp>

#include "faq/knowledge_base.h"
#include "fixtures.h"

using namespace kefu;

TEST_CASE("the shipped sample KB parses with every entry") {
  auto kb = parseKnowledgeBase(readRepoFile("shared/kb/demo.json"), KnowledgeBaseLimits{});
  REQUIRE(kb.ok());
  CHECK(kb.value().entries.size() >= 12);
  CHECK(kb.value().entries.front().id == "reset-password");
  CHECK_FALSE(kb.value().entries.front().similar.empty());
}

TEST_CASE("a KB error names the entry and the field") {
  auto kb = parseKnowledgeBase(R"({"faqs":[{"id":"a","question":"q","answer":"x"},{"id":"b","question":7,"answer":"y"}]})",
                               KnowledgeBaseLimits{});
  REQUIRE_FALSE(kb.ok());
  CHECK(kb.error().code == "kb_invalid_entry");
  CHECK(kb.error().message == "faqs[1].question: must be a string");
}

TEST_CASE("duplicate ids are rejected") {
  auto kb = parseKnowledgeBase(R"({"faqs":[{"id":"a","question":"q","answer":"x"},{"id":"a","question":"r","answer":"y"}]})",
                               KnowledgeBaseLimits{});
  REQUIRE_FALSE(kb.ok());
  CHECK(kb.error().code == "kb_duplicate_id");
  CHECK(kb.error().message.find("faqs[1].id") == 0);
}

TEST_CASE("KB limits are enforced with their own codes") {
  const std::string two = R"({"faqs":[{"id":"a","question":"q","answer":"x"},{"id":"b","question":"r","answer":"y"}]})";
  KnowledgeBaseLimits limits;
  limits.maxEntries = 1;
  CHECK(parseKnowledgeBase(two, limits).error().code == "kb_too_many_entries");

  limits = KnowledgeBaseLimits{};
  limits.maxBytes = 10;
  CHECK(parseKnowledgeBase(two, limits).error().code == "kb_too_large");

  limits = KnowledgeBaseLimits{};
  limits.maxQuestionChars = 3;
  auto longQuestion = parseKnowledgeBase(R"({"faqs":[{"id":"a","question":"四个汉字","answer":"x"}]})", limits);
  CHECK(longQuestion.error().code == "kb_text_too_long");
  CHECK(parseKnowledgeBase(R"({"faqs":[{"id":"a","question":"三个字","answer":"x"}]})", limits).ok());
}

TEST_CASE("a KB that is not an object with a faqs array is rejected") {
  CHECK(parseKnowledgeBase("[]", KnowledgeBaseLimits{}).error().code == "kb_invalid_shape");
  CHECK(parseKnowledgeBase(R"({"faqs":{}})", KnowledgeBaseLimits{}).error().code == "kb_invalid_shape");
  CHECK(parseKnowledgeBase("not json", KnowledgeBaseLimits{}).error().code == "kb_invalid_json");
  CHECK(parseKnowledgeBase(R"({"faqs":[{"id":"","question":"q","answer":"x"}]})", KnowledgeBaseLimits{}).error().code ==
        "kb_invalid_entry");
}
