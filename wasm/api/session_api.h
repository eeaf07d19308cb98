#pragma once
// The chat session as the JS boundary sees it: text in (config, KB, events, frames, the
// visitor's text), replies written by api/replies.h (a result, or an event's effects, in
// the order the shell must carry them out), never throws.
#include <memory>
#include <string>
#include <string_view>

#include "api/index_inbox.h"
#include "faq/faq_engine.h"
#include "session/session.h"

namespace kefu {

class SessionApi {
 public:
  // config: {siteId, locale, handoffKeywords, unansweredTurnsBeforeHandoff, preChatForm,
  //          maxTextChars, outbox: {maxCount, maxBytes, maxAttempts, maxAgeMs}}
  // knowledgeBase: KB JSON text, or empty for a session without a bot.
  std::string configure(const std::string& configJson, const std::string& knowledgeBaseJson);
  // The bot's knowledge from a binary index (index_codec.h), after configure: no training.
  // The JS side writes the bytes into indexInbox(size) (api/index_inbox.h), then calls
  // loadReceivedIndex(). On error ({kb_index_version|kb_index_corrupt}) the knowledge the
  // session had stays.
  std::string& indexInbox(std::size_t size) { return indexInbox_.room(size); }
  std::string loadReceivedIndex();
  std::string startFresh(double seed, const std::string& visitorId, double now);
  // journalJson: a JSON array of the record strings the shell stored, in order.
  std::string restore(const std::string& snapshot, const std::string& journalJson, double seed, double now);
  // Typeahead from the session's own knowledge base (no KB: no suggestions).
  std::string suggest(const std::string& prefix, int topK) const;

  // The event doors (docs/architecture.md): the commonest two events each have one of
  // their own, every other event (and a keyed one) is an event's JSON. Each returns
  // its reply (api/replies.h) kept in the SessionApi, valid until its next call: the hot
  // path copies no reply.
  const std::string& handle(std::string_view eventJson);
  // {"type":"frame","text":frameText,"now":now} without wrapping the frame's text in an
  // event's JSON: the frame is parsed once instead of being escaped, parsed as a string,
  // then parsed again.
  const std::string& handleFrame(std::string_view frameText, double now);
  // {"type":"send_text","text":text,"now":now} without the event's JSON.
  const std::string& handleSendText(std::string_view text, double now);
  // {"ok":true,"view":{…}}: everything the UI draws; kept like the events' replies.
  const std::string& view();

 private:
  // writeEffectsReply (api/replies.h) into reply_.
  const std::string& effectsReply(const std::optional<Error>& error, std::string_view moreMembers = {});
  const std::string& keepReply(std::string reply);
  // A time in ms a JS number holds exactly.
  static bool validTime(double now);
  std::unique_ptr<FaqEngine> faq_;
  std::unique_ptr<session::Session> session_;
  session::SessionConfig config_;
  bool started_ = false;
  IndexInbox indexInbox_;
  std::string reply_;  // the last reply (effectsReply, keepReply)
};

}  // namespace kefu
