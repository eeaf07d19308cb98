#pragma once
// Appends JSON text directly, for the hot replies (match, suggest, the session's records
// and effects) where building an nlohmann::json tree cost more than the work itself.
// Strings are escaped and any
// invalid UTF-8 becomes U+FFFD, as toJsonText does.
#include <string>
#include <string_view>

namespace kefu {

void appendJsonString(std::string& out, std::string_view text);
void appendJsonNumber(std::string& out, double value);

}  // namespace kefu
