export { KefuError } from './kefu-error.js';
export { loadKefuCore } from './load-core.js';
export { FaqEngine, liveFaqEngineCount } from './faq-engine.js';
export { ChatSession, liveChatSessionCount } from './chat-session.js';
