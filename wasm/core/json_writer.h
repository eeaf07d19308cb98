#pragma once
// Appends JSON text directly, for the hot replies (match, suggest, the session's records
// and effects) where building an nlohmann::json tree cost more than the work itself.
// Strings are escaped and any
// invalid UTF-8 becomes U+FFFD, as toJsonText does.
#include <string>
#include <string_view>

namespace kefu {

void appendJsonString(std::string& out, std::string_view text);
// appendJsonString in parts, for writers that put a string and what surrounds it in
// one piece of space: the quoted, escaped size (`plain`: nothing to escape or replace),
// and writing it at `at`, which returns the end.
std::size_t jsonStringSize(std::string_view text, bool& plain);
char* writeJsonString(char* at, std::string_view text, bool plain);
// Makes `size` more bytes at the end of `out` (growing geometrically) and returns where
// they start.
char* extendText(std::string& out, std::size_t size);
void appendJsonNumber(std::string& out, double value);

}  // namespace kefu
