#pragma once
// The chat session as the JS boundary sees it: JSON text in, JSON text out, never
// throws. Every reply is {"ok":true,...} or {"ok":false,"error":{code,message}}; replies
// to events carry the effects the shell must carry out, in order.
#include <memory>
#include <string>
#include <string_view>

#include "faq/faq_engine.h"
#include "session/session.h"

namespace kefu {

class SessionApi {
 public:
  // config: {siteId, locale, handoffKeywords, unansweredTurnsBeforeHandoff, preChatForm,
  //          maxTextChars, outbox: {maxCount, maxBytes, maxAttempts, maxAgeMs}}
  // knowledgeBase: KB JSON text, or empty for a session without a bot.
  std::string configure(std::string_view configJson, std::string_view knowledgeBaseJson);
  std::string startFresh(double seed, std::string_view visitorId, double now);
  // journalJson: a JSON array of the record strings the shell stored, in order.
  std::string restore(std::string_view snapshot, std::string_view journalJson, double seed, double now);
  std::string handle(std::string_view eventJson);
  // The `frame` event without wrapping the frame's text in an event's JSON: the frame is
  // parsed once instead of being escaped, parsed as a string, then parsed again.
  // This and handleSendText return the reply kept in the SessionApi, valid until its next
  // call: the hot path copies no reply.
  const std::string& handleFrame(std::string_view frameText, double now);
  // The `send_text` event without the event's JSON: what handle() does for
  // {"type":"send_text","text":text,"now":now} with `now` a whole number of ms.
  const std::string& handleSendText(std::string_view text, double now);
  std::string view() const;
  // Typeahead from the session's own knowledge base (no KB: no suggestions).
  std::string suggest(std::string_view prefix, int topK) const;

 private:
  // The effects as lines (Session::drainEffectsText) after a header line: none for a
  // plain reply, so an event's reply starts with its first effect's '\n';
  // {"error":…,"ok":false} (and no effects) for a rejected one; {"ok":true` moreMembers
  // `}` when there are moreMembers (`,"key":value…`).
  const std::string& effectsReply(const std::optional<Error>& error, std::string_view moreMembers = {});
  const std::string& keepReply(std::string reply);
  std::unique_ptr<FaqEngine> faq_;
  std::unique_ptr<session::Session> session_;
  session::SessionConfig config_;
  FlatObject flatEvent_;  // the last event read as a flat object (its buffers are reused)
  bool started_ = false;
  std::string reply_;  // the last reply (effectsReply, keepReply)
};

}  // namespace kefu
