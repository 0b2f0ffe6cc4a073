//! How text becomes search tokens, the same way in Rust (index) and in `search.js`
//! (query): any change here must be made there too, and the index `VERSION` raised.
//!
//! Text is normalised with NFKC and lower-cased, so full-width digits and letters
//! (`２０２４`, `ＹＨ`) equal their ASCII forms. Chinese has no spaces between words, so
//! every run of CJK characters gives each character and each pair of neighbouring
//! characters (`液氨罐` → `液`, `氨`, `罐`, `液氨`, `氨罐`): a query of one or two
//! characters is one token, a longer one the AND of its pairs. Runs of ASCII letters and
//! digits are words (`yh202401000004`); a word is also indexed by its prefixes of
//! [`PREFIX_MAX`] characters or fewer (from two), so an id is found by a leading part.
//! Everything else (punctuation, spaces) separates tokens.

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// The longest prefix of a word that is indexed. A longer query word is looked up by
/// its first `PREFIX_MAX` characters and checked against the record's text.
pub const PREFIX_MAX: usize = 8;

/// Whether `c` is written without spaces between words: CJK ideographs (with the
/// extensions), kana, hangul, 々 and 〇. `search.js` has the same ranges.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3134F}'
        | '\u{3040}'..='\u{30FF}'
        | '\u{AC00}'..='\u{D7AF}'
        | '\u{3005}'
        | '\u{3007}'
    )
}

/// NFKC, then lower case: what both sides compare (JavaScript's
/// `normalize("NFKC").toLowerCase()`). Most text is already in NFKC, and a quick check
/// says so without decomposing it.
pub fn normalize(text: &str) -> String {
    let nfkc = match is_nfkc_quick(text.chars()) {
        IsNormalized::Yes => std::borrow::Cow::Borrowed(text),
        _ => std::borrow::Cow::Owned(text.nfkc().collect::<String>()),
    };
    if nfkc.chars().any(char::is_uppercase) {
        nfkc.to_lowercase()
    } else {
        nfkc.into_owned()
    }
}

/// One token of indexed text: a CJK character or pair packed in a number (hashed
/// and compared without touching a string), or a word or word prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token<'a> {
    /// One character (`c`) or a pair (`first << 32 | second`).
    Cjk(u64),
    Word(&'a str),
}

impl Token<'_> {
    /// The token as text.
    pub fn text(self) -> String {
        match self {
            Token::Cjk(key) => cjk_text(key),
            Token::Word(w) => w.to_string(),
        }
    }
}

/// The text of a packed CJK token.
pub fn cjk_text(key: u64) -> String {
    let char_of = |v: u64| u32::try_from(v).ok().and_then(char::from_u32);
    let (first, second) = (key >> 32, key & 0xffff_ffff);
    [char_of(first).filter(|_| first != 0), char_of(second)]
        .into_iter()
        .flatten()
        .collect()
}

/// Calls `emit` with every token of `text` (already [`normalize`]d) as the index stores
/// it: CJK characters and pairs, words and their prefixes (slices of `text`). Tokens
/// may repeat; callers deduplicate.
pub fn index_tokens<'a>(text: &'a str, mut emit: impl FnMut(Token<'a>)) {
    let mut word_start: Option<usize> = None;
    let mut prev_cjk: Option<char> = None;
    for (i, c) in text.char_indices() {
        if c.is_ascii_alphanumeric() {
            word_start.get_or_insert(i);
            prev_cjk = None;
            continue;
        }
        if let Some(start) = word_start.take() {
            emit_word(&text[start..i], &mut |w| emit(Token::Word(w)));
        }
        if is_cjk(c) {
            emit(Token::Cjk(u64::from(c)));
            if let Some(prev) = prev_cjk {
                emit(Token::Cjk(u64::from(prev) << 32 | u64::from(c)));
            }
            prev_cjk = Some(c);
        } else {
            prev_cjk = None;
        }
    }
    if let Some(start) = word_start {
        emit_word(&text[start..], &mut |w| emit(Token::Word(w)));
    }
}

/// A word and its prefixes of 2..=[`PREFIX_MAX`] characters (ASCII, so bytes).
fn emit_word<'a>(word: &'a str, emit: &mut impl FnMut(&'a str)) {
    for len in 2..=word.len().min(PREFIX_MAX) {
        if len < word.len() {
            emit(&word[..len]);
        }
    }
    emit(word);
}

/// The tokens a query is looked up by, in order, without repeats: CJK runs of one
/// character give it, longer runs their pairs; words are cut to [`PREFIX_MAX`]
/// characters. `search.js` does the same.
pub fn query_tokens(query: &str) -> Vec<String> {
    let text = normalize(query);
    let mut out: Vec<String> = Vec::new();
    let mut push = |t: &str| {
        if !out.iter().any(|o| o == t) {
            out.push(t.to_string());
        }
    };
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        let mut j = i;
        if c.is_ascii_alphanumeric() {
            while j < chars.len() && chars[j].1.is_ascii_alphanumeric() {
                j += 1;
            }
            let end = chars.get(j).map_or(text.len(), |&(e, _)| e);
            let word = &text[start..end];
            push(&word[..word.len().min(PREFIX_MAX)]);
        } else if is_cjk(c) {
            while j < chars.len() && is_cjk(chars[j].1) {
                j += 1;
            }
            if j - i == 1 {
                push(&text[start..start + c.len_utf8()]);
            }
            for k in i..j.saturating_sub(1) {
                let (a, _) = chars[k];
                let (b, cb) = chars[k + 1];
                push(&text[a..b + cb.len_utf8()]);
            }
        } else {
            j += 1;
        }
        i = j;
    }
    out
}

/// FNV-1a (32 bits) of the token's UTF-8 bytes: which shard holds its postings.
/// Stable across builds and platforms; `search.js` computes the same.
pub fn hash(token: &str) -> u32 {
    token.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<String> {
        let text = normalize(text);
        let mut out = Vec::new();
        index_tokens(&text, |t| out.push(t.text()));
        out
    }

    #[test]
    fn cjk_runs_give_characters_and_pairs() {
        assert_eq!(all("液氨罐"), ["液", "氨", "液氨", "罐", "氨罐"]);
        // Punctuation breaks a run: no pair across it.
        assert_eq!(all("燃气，管道"), ["燃", "气", "燃气", "管", "道", "管道"]);
    }

    #[test]
    fn full_width_digits_and_letters_equal_ascii() {
        assert_eq!(all("ＹＨ２０２４"), all("yh2024"));
        assert_eq!(query_tokens("ＹＨ２０２４"), ["yh2024"]);
        assert_eq!(normalize("Ａｂ１"), "ab1");
    }

    #[test]
    fn latin_words_with_prefixes_find_ids_by_a_leading_part() {
        let tokens = all("YH202401000004");
        for t in ["yh", "yh2", "yh202401", "yh202401000004"] {
            assert!(tokens.contains(&t.to_string()), "{t}: {tokens:?}");
        }
        // Prefixes stop at PREFIX_MAX characters (the whole word is still a token).
        assert!(!tokens.contains(&"yh2024010".to_string()));
        assert_eq!(query_tokens("yh2024010000"), ["yh202401"]);
        // One-character words are their own token.
        assert_eq!(all("A"), ["a"]);
    }

    #[test]
    fn mixed_text_splits_at_script_changes() {
        let tokens = all("2号LNG储罐");
        for t in ["2", "号", "lng", "ln", "储", "罐", "储罐"] {
            assert!(tokens.contains(&t.to_string()), "{t}: {tokens:?}");
        }
        // No pair across a script change: 号 and 储 are not neighbours of a CJK run.
        assert!(!tokens.iter().any(|t| t == "号l" || t == "g储"));
        assert_eq!(query_tokens("2号LNG储罐"), ["2", "号", "lng", "储罐"]);
    }

    #[test]
    fn query_tokens_pair_longer_runs_and_keep_single_characters() {
        assert_eq!(query_tokens("燃气"), ["燃气"]);
        assert_eq!(query_tokens("气"), ["气"]);
        assert_eq!(query_tokens("液化石油气"), ["液化", "化石", "石油", "油气"]);
        assert_eq!(query_tokens("燃气 燃气"), ["燃气"]);
        assert!(query_tokens(" ，。 ").is_empty());
    }

    #[test]
    fn every_query_token_of_a_text_is_an_index_token_of_it() {
        for text in [
            "关于燃气安全的通知",
            "YH202401000004 铝镁粉尘",
            "１２３５０举报",
        ] {
            let index = all(text);
            for t in query_tokens(text) {
                assert!(index.contains(&t), "{t} of {text}: {index:?}");
            }
        }
    }

    #[test]
    fn hash_is_fnv1a() {
        assert_eq!(hash(""), 0x811c_9dc5);
        assert_eq!(hash("a"), 0xe40c_292c);
    }
}
