// The tokenizer we give the JS peers: what a web developer would reasonably write for
// mixed Chinese/English FAQ search without a dictionary. NFKC folds full-width forms;
// Han runs become character unigrams + bigrams (the standard dictionary-free CJK
// approach); other letters and digits form lower-cased words.
const HAN = /\p{Script=Han}/u;
const TOKEN_RUNS = /\p{Script=Han}+|[\p{L}\p{N}]+/gu;

export function peerTokens(text) {
  const tokens = [];
  for (const [run] of text.normalize('NFKC').toLowerCase().matchAll(TOKEN_RUNS)) {
    if (!HAN.test(run[0])) {
      tokens.push(run);
      continue;
    }
    const chars = Array.from(run);
    for (let i = 0; i < chars.length; i += 1) {
      tokens.push(chars[i]);
      if (i + 1 < chars.length) tokens.push(chars[i] + chars[i + 1]);
    }
  }
  return tokens;
}

export function isLatinWord(token) {
  return /^[a-z]/.test(token);
}
