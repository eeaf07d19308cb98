#include <catch2/catch.hpp>

#include "faq/knowledge_base.h"
#include "fixtures.h"

using namespace kefu;

TEST_CASE("the shipped sample KB parses with every entry") {
  auto kb = parseKnowledgeBase(readDemoKnowledgeBase(), KnowledgeBaseLimits{});
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

TEST_CASE("an unknown field is an error that names it and the field it was probably meant to be") {
  auto similiar = parseKnowledgeBase(R"({"faqs":[{"id":"a","question":"q","answer":"x"},{"id":"b","question":"q","similiar":["p"],"answer":"y"}]})",
                                     KnowledgeBaseLimits{});
  REQUIRE_FALSE(similiar.ok());
  CHECK(similiar.error().code == "kb_unknown_field");
  CHECK(similiar.error().message == "faqs[1].similiar: unknown field; did you mean \"similar\"?");

  auto keyword = parseKnowledgeBase(R"({"faqs":[{"id":"a","question":"q","answer":"x","keyword":["k"]}]})", KnowledgeBaseLimits{});
  CHECK(keyword.error().message == "faqs[0].keyword: unknown field; did you mean \"keywords\"?");
  auto swapped = parseKnowledgeBase(R"({"faqs":[{"id":"a","question":"q","anwser":"x"}]})", KnowledgeBaseLimits{});
  CHECK(swapped.error().message == "faqs[0].anwser: unknown field; did you mean \"answer\"?");
  auto topLevel = parseKnowledgeBase(R"({"faq":[]})", KnowledgeBaseLimits{});
  CHECK(topLevel.error().message == "faq: unknown field; did you mean \"faqs\"?");

  // Nothing near: the message lists the fields instead of guessing.
  auto far = parseKnowledgeBase(R"({"faqs":[{"id":"a","question":"q","answer":"x","priority":1}]})", KnowledgeBaseLimits{});
  CHECK(far.error().message == "faqs[0].priority: unknown field; the fields are id, question, similar, answer, keywords, category");
  // "$schema" is for editors and allowed.
  CHECK(parseKnowledgeBase(R"({"$schema":"kb.schema.json","faqs":[{"id":"a","question":"q","answer":"x"}]})", KnowledgeBaseLimits{}).ok());
}

TEST_CASE("an empty KB is rejected") {
  auto empty = parseKnowledgeBase(R"({"faqs":[]})", KnowledgeBaseLimits{});
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().code == "kb_empty");
}

TEST_CASE("a JSON syntax error gives the line and the column in characters") {
  // A trailing comma on line 3, after a Chinese line (columns count characters, not bytes).
  auto trailing = parseKnowledgeBase("{\"faqs\": [\n  {\"id\": \"a\", \"question\": \"怎么退款\", \"answer\": \"x\"},\n]}", KnowledgeBaseLimits{});
  REQUIRE_FALSE(trailing.ok());
  CHECK(trailing.error().code == "kb_invalid_json");
  CHECK(trailing.error().message.rfind("line 3, column 1: syntax error while parsing value - unexpected ']'", 0) == 0);

  auto chinese = parseKnowledgeBase("{\"faqs\": [{\"question\": \"怎么退款\" \"answer\": \"x\"}]}", KnowledgeBaseLimits{});
  // nlohmann stops at the end of the unexpected token: the closing quote of "answer".
  CHECK(chinese.error().message.rfind("line 1, column 38: syntax error while parsing object - unexpected string literal", 0) == 0);
  CHECK(parseKnowledgeBase("", KnowledgeBaseLimits{}).error().message.rfind("line 1, column 1: ", 0) == 0);
}
