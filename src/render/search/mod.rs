//! Site search: an index of our own, made from the model, and the search page.
//!
//! [`index`] turns every published hazard, notice, standing page, task list and the
//! hotline page into one record ([`records`]), splits their text into tokens
//! ([`tokens`]: CJK characters and pairs, ASCII words and their prefixes) and writes,
//! under [`INDEX_DIR`]:
//!
//! - `meta.json`: format version, counts, shard count, the filters and their values;
//! - `t/<n>.json`: postings, sharded by [`tokens::hash`] of the token: `{"token":
//!   [d, d, …]}` where each `d` is `2 × (record − previous record) + title`, `title` being
//!   1 when the token is in the record's title (ranked first). A filter value is a token
//!   too (`村（社区）=东庄村`), so filtering is one more AND;
//! - `r/<n>.json`: the records, [`CHUNK`] a file, in rank order (newest first): what a
//!   result shows (`k` kind, `u` path from the site root, `t` title, `x` text for the
//!   excerpt, `l` a line of facts).
//!
//! `search.js` (the theme's) tokenises the query the same way, fetches only the shards
//! of its tokens and the chunks of the results it shows. Everything is sorted before it
//! is written, so the same site gives the same bytes. Plain JSON: servers compress it.
//!
//! [`page`] is the search page: a real search form; without JavaScript (or opened from
//! disk) it offers the month, village and sector indexes instead.

pub mod records;
pub mod tokens;

use std::collections::BTreeSet;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::pages::{PageJob, Section, SiteContext};
use super::{urls, OutputFile, RenderError};
use crate::model::Disclosure;
use records::{Record, FACETS};

/// The search page.
pub const SEARCH_PAGE: &str = "search/index.html";

/// The folder of the index files.
pub const INDEX_DIR: &str = "search/index";

/// The theme's script of the search page.
pub const SEARCH_SCRIPT: &str = "search.js";

/// The theme's styles of the search page.
pub const SEARCH_STYLE: &str = "search.css";

/// The index format; `search.js` refuses an index of another version.
pub const VERSION: u32 = 1;

/// Records a chunk file holds.
pub const CHUNK: usize = 400;

/// The size a postings shard aims at (bytes): small enough that a query of a few
/// tokens fetches little, large enough that a county site has a few hundred files.
const SHARD_TARGET: usize = 48 * 1024;

/// The most shards an index is split into.
const MAX_SHARDS: usize = 1024;

/// A labelled link of the no-JavaScript fallback.
#[derive(Debug, Clone, Serialize)]
struct Link {
    label: String,
    path: String,
}

/// The search page. Its context adds `months`, `villages` and `sectors` (links for
/// readers without JavaScript), `search_css`, `search_js` and `search_index` (the
/// index folder, for the script).
pub fn page(ctx: &SiteContext) -> PageJob<'static> {
    let site = ctx.site;
    let mut c = ctx.context(SEARCH_PAGE, "站内搜索", Section::Other, Vec::new());
    let months: Vec<Link> = site
        .months
        .iter()
        .rev()
        .map(|m| Link {
            label: m.month.to_chinese(),
            path: urls::month_path(m.month),
        })
        .collect();
    // Villages and sectors as the group pages have them: every hazard under the
    // value of its latest listing, blank as 未填写.
    let mut villages = BTreeSet::new();
    let mut sectors = BTreeSet::new();
    for id in site.hazards.keys() {
        if let Some(entry) = ctx.latest_entry(id) {
            villages.insert(records::group_name(entry.record.locality.as_deref()));
            sectors.insert(records::group_name(entry.record.sector.as_deref()));
        }
    }
    let links = |names: BTreeSet<String>, path: fn(&str) -> String| -> Vec<Link> {
        names
            .into_iter()
            .map(|name| Link {
                path: path(&name),
                label: name,
            })
            .collect()
    };
    c.insert("months", &months);
    c.insert("villages", &links(villages, urls::village_path));
    c.insert("sectors", &links(sectors, urls::sector_path));
    c.insert("search_css", &urls::asset_path(SEARCH_STYLE));
    c.insert("search_js", &urls::asset_path(SEARCH_SCRIPT));
    c.insert("search_index", &format!("{INDEX_DIR}/meta.json"));
    ctx.job(
        SEARCH_PAGE.to_string(),
        "search.html",
        "站内搜索页".to_string(),
        c,
    )
}

/// What a result shows, as a chunk file holds it.
#[derive(Serialize)]
struct Shown<'a> {
    k: &'static str,
    u: &'a str,
    t: &'a str,
    x: &'a str,
    l: &'a str,
}

#[derive(Serialize)]
struct Facet<'a> {
    name: &'a str,
    values: &'a [String],
}

#[derive(Serialize)]
struct Meta<'a> {
    version: u32,
    records: usize,
    chunk: usize,
    chunks: usize,
    shards: usize,
    prefix: usize,
    facets: Vec<Facet<'a>>,
}

/// Builds the search index of `site`: its files under [`INDEX_DIR`], sorted by path.
/// Reads only the model's published material (see [`records`]); the same site gives
/// the same bytes.
pub fn index(site: &Disclosure) -> Result<Vec<OutputFile>, RenderError> {
    let started = std::time::Instant::now();
    let records = records::records(site);
    // Postings hold `2 × record + 1`: record numbers must fit in 31 bits.
    if records.len() >= 1 << 31 {
        return Err(RenderError::Search {
            detail: format!("记录太多（{} 条）", records.len()),
        });
    }
    let values = records::facet_values(site, &records);
    let t_records = started.elapsed();
    let postings = postings(&records);
    let t_postings = started.elapsed();
    let posting_count: usize = postings.iter().map(|(_, p)| p.len()).sum();

    // Each token's entry, encoded once (in parallel), so the shard count can follow
    // the real size.
    let entries: Vec<(u32, String)> = postings
        .par_iter()
        .map(|(token, list)| (tokens::hash(token), entry(token, list)))
        .collect();
    drop(postings);
    let total: usize = entries.iter().map(|(_, e)| e.len() + 1).sum();
    let shards = total
        .div_ceil(SHARD_TARGET)
        .next_power_of_two()
        .clamp(1, MAX_SHARDS);
    let mut shard_text: Vec<String> = vec![String::from("{"); shards];
    for (hash, e) in &entries {
        let s = &mut shard_text[*hash as usize & (shards - 1)];
        if s.len() > 1 {
            s.push(',');
        }
        s.push_str(e);
    }
    drop(entries);
    let t_shards = started.elapsed();

    let mut files: Vec<OutputFile> = Vec::with_capacity(shards + records.len() / CHUNK + 2);
    for (n, mut text) in shard_text.into_iter().enumerate() {
        text.push('}');
        files.push(file(format!("{INDEX_DIR}/t/{n}.json"), text.into_bytes()));
    }
    let chunks: Vec<Result<Vec<u8>, serde_json::Error>> = records
        .par_chunks(CHUNK)
        .map(|chunk| {
            let shown: Vec<Shown> = chunk
                .iter()
                .map(|r| Shown {
                    k: r.kind.label(),
                    u: &r.path,
                    t: &r.title,
                    x: &r.shown,
                    l: &r.line,
                })
                .collect();
            serde_json::to_vec(&shown)
        })
        .collect();
    let chunk_count = chunks.len();
    for (n, bytes) in chunks.into_iter().enumerate() {
        let bytes = bytes.map_err(json_error)?;
        files.push(file(format!("{INDEX_DIR}/r/{n}.json"), bytes));
    }
    let meta = Meta {
        version: VERSION,
        records: records.len(),
        chunk: CHUNK,
        chunks: chunk_count,
        shards,
        prefix: tokens::PREFIX_MAX,
        facets: FACETS
            .iter()
            .zip(&values)
            .map(|(name, values)| Facet { name, values })
            .collect(),
    };
    let meta = serde_json::to_vec(&meta).map_err(json_error)?;
    files.push(file(format!("{INDEX_DIR}/meta.json"), meta));
    files.sort_by(|a, b| a.path.cmp(&b.path));

    if crate::diag::timings::wanted() {
        eprintln!(
            "search index: {} records, {} tokens, {} postings, {} files, {:.1} MB in {:.2?} \
             (records {t_records:.2?}, postings {:.2?}, shards {:.2?})",
            records.len(),
            tokens_count(&files),
            posting_count,
            files.len(),
            files.iter().map(|f| f.bytes.len()).sum::<usize>() as f64 / 1e6,
            started.elapsed(),
            t_postings - t_records,
            t_shards - t_postings,
        );
    }
    Ok(files)
}

/// Distinct tokens in the shards (for the timing line only): one `":[` per entry.
fn tokens_count(files: &[OutputFile]) -> usize {
    let shard = format!("{INDEX_DIR}/t/");
    files
        .iter()
        .filter(|f| f.path.starts_with(&shard))
        .map(|f| f.bytes.windows(3).filter(|w| w == b"\":[").count())
        .sum()
}

fn file(path: String, bytes: Vec<u8>) -> OutputFile {
    OutputFile {
        path,
        bytes,
        source: None,
    }
}

fn json_error(err: serde_json::Error) -> RenderError {
    RenderError::Search {
        detail: err.to_string(),
    }
}

/// The token of a filter value: never a token of text (`=` separates text tokens).
pub fn facet_token(facet: &str, value: &str) -> String {
    format!("{facet}={value}")
}

/// Postings being gathered by one worker: CJK tokens by their packed key (cheap to
/// hash), words and filter values by their text.
#[derive(Default)]
struct Gathered {
    cjk: FxHashMap<u64, Vec<u32>>,
    words: FxHashMap<String, Vec<u32>>,
}

impl Gathered {
    /// Adds the postings of record `n`: each distinct token of its title, body and
    /// filter values once, flagged when it is in the title. Records come to a worker in
    /// ascending order, so a token already seen in this record is the last posting of
    /// its list: no per-record sorting or set is needed.
    fn add_record(&mut self, n: u32, r: &Record) {
        let title = tokens::normalize(&r.title);
        tokens::index_tokens(&title, |t| self.add(t, n, true));
        let body = tokens::normalize(&r.body);
        tokens::index_tokens(&body, |t| self.add(t, n, false));
        for (f, value) in &r.facets {
            let token = facet_token(FACETS[*f], value);
            self.add(tokens::Token::Word(&token), n, false);
        }
    }

    fn add(&mut self, token: tokens::Token, n: u32, title: bool) {
        let list = match token {
            tokens::Token::Cjk(key) => self.cjk.entry(key).or_default(),
            tokens::Token::Word(w) => match self.words.get_mut(w) {
                Some(list) => list,
                None => self.words.entry(w.to_string()).or_default(),
            },
        };
        match list.last_mut() {
            Some(last) if *last / 2 == n => *last |= u32::from(title),
            _ => list.push(n * 2 + u32::from(title)),
        }
    }

    /// Joins the postings of a later worker (higher record numbers) to these.
    fn merge(mut self, later: Gathered) -> Gathered {
        for (key, list) in later.cjk {
            self.cjk.entry(key).or_default().extend(list);
        }
        for (key, list) in later.words {
            self.words.entry(key).or_default().extend(list);
        }
        self
    }
}

/// Every token and its postings (`2 × record + title`, ascending), sorted by token.
/// Records are tokenised in parallel; each worker fills its own maps.
fn postings(records: &[Record]) -> Vec<(String, Vec<u32>)> {
    let gathered = records
        .par_iter()
        .enumerate()
        .with_min_len(256)
        .fold(Gathered::default, |mut g, (n, r)| {
            // `index` checked that record numbers fit in 31 bits.
            g.add_record(n as u32, r);
            g
        })
        .reduce(Gathered::default, Gathered::merge);
    let mut out: Vec<(String, Vec<u32>)> = gathered
        .cjk
        .into_iter()
        .map(|(key, list)| (tokens::cjk_text(key), list))
        .chain(gathered.words)
        .collect();
    // Workers' lists are joined in order already; sorting keeps that true whatever
    // order the joins ran in (cheap on sorted input).
    out.par_iter_mut()
        .for_each(|(_, list)| list.sort_unstable());
    out.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    out
}

/// `"token":[d,d,…]`, each `d` the gap to the previous record times two plus the
/// title flag.
fn entry(token: &str, list: &[u32]) -> String {
    let mut out = serde_json::to_string(token).unwrap_or_else(|_| String::from("\"\""));
    out.reserve(list.len() * 3 + 3);
    out.push_str(":[");
    let mut previous = 0u32;
    for (i, value) in list.iter().enumerate() {
        let record = value / 2;
        if i > 0 {
            out.push(',');
        }
        push_number(&mut out, (record - previous) * 2 + value % 2);
        previous = record;
    }
    out.push(']');
    out
}

/// Appends `n` in decimal (the hot loop of the encoding: no formatter).
fn push_number(out: &mut String, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[i..] {
        out.push(char::from(d));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::feed::test_site::site;

    fn get(files: &[OutputFile], path: &str) -> serde_json::Value {
        let f = files.iter().find(|f| f.path == path).expect(path);
        serde_json::from_slice(&f.bytes).unwrap()
    }

    /// Record numbers holding every token of `query` (what `search.js` computes).
    fn matches(files: &[OutputFile], query: &str) -> BTreeSet<u64> {
        let meta = get(files, &format!("{INDEX_DIR}/meta.json"));
        let shards = meta["shards"].as_u64().unwrap();
        let mut result: Option<BTreeSet<u64>> = None;
        for token in tokens::query_tokens(query) {
            let shard = u64::from(tokens::hash(&token)) & (shards - 1);
            let postings = get(files, &format!("{INDEX_DIR}/t/{shard}.json"));
            let mut n = 0;
            let set: BTreeSet<u64> = postings[&token]
                .as_array()
                .into_iter()
                .flatten()
                .map(|d| {
                    n += d.as_u64().unwrap() / 2;
                    n
                })
                .collect();
            result = Some(match result {
                None => set,
                Some(r) => r.intersection(&set).copied().collect(),
            });
        }
        result.unwrap_or_default()
    }

    fn url(files: &[OutputFile], n: u64) -> String {
        let chunk = get(files, &format!("{INDEX_DIR}/r/{}.json", n as usize / CHUNK));
        chunk[n as usize % CHUNK]["u"].as_str().unwrap().to_string()
    }

    #[test]
    fn every_query_token_must_match() {
        let files = index(&site("")).unwrap();
        let both: Vec<String> = matches(&files, "煤矿")
            .iter()
            .map(|n| url(&files, *n))
            .collect();
        assert_eq!(both, ["hazards/NZ-001.html", "hazards/NZ-002.html"]);
        // `nz` is in both records, `001` in one: the AND keeps one.
        let one: Vec<String> = matches(&files, "NZ 001")
            .iter()
            .map(|n| url(&files, *n))
            .collect();
        assert_eq!(one, ["hazards/NZ-001.html"]);
        assert!(matches(&files, "煤矿 核电").is_empty());
        // A filter token narrows like a word.
        let by_status: Vec<String> = matches(&files, "nz")
            .intersection(&matches_token(&files, "整改状态=已整改"))
            .map(|n| url(&files, *n))
            .collect();
        assert_eq!(by_status, ["hazards/NZ-002.html"]);
    }

    fn matches_token(files: &[OutputFile], token: &str) -> BTreeSet<u64> {
        let meta = get(files, &format!("{INDEX_DIR}/meta.json"));
        let shard = u64::from(tokens::hash(token)) & (meta["shards"].as_u64().unwrap() - 1);
        let postings = get(files, &format!("{INDEX_DIR}/t/{shard}.json"));
        let mut n = 0;
        postings[token]
            .as_array()
            .into_iter()
            .flatten()
            .map(|d| {
                n += d.as_u64().unwrap() / 2;
                n
            })
            .collect()
    }

    #[test]
    fn title_hits_are_flagged() {
        let files = index(&site("")).unwrap();
        let token = "nz";
        let meta = get(&files, &format!("{INDEX_DIR}/meta.json"));
        let shard = u64::from(tokens::hash(token)) & (meta["shards"].as_u64().unwrap() - 1);
        let postings = get(&files, &format!("{INDEX_DIR}/t/{shard}.json"));
        // Both hazards carry their id in the title: every entry is odd.
        let list = postings[token].as_array().unwrap();
        assert_eq!(list.len(), 2);
        assert!(
            list.iter().all(|d| d.as_u64().unwrap() % 2 == 1),
            "{list:?}"
        );
    }

    #[test]
    fn same_site_same_bytes() {
        let a = index(&site("")).unwrap();
        let b = index(&site("")).unwrap();
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.path, y.path);
            assert!(x.bytes == y.bytes, "{} differs between builds", x.path);
        }
        let mut paths: Vec<&str> = a.iter().map(|f| f.path.as_str()).collect();
        let sorted = {
            let mut p = paths.clone();
            p.sort();
            p
        };
        assert_eq!(paths, sorted);
        paths.dedup();
        assert_eq!(paths.len(), a.len());
    }

    #[test]
    fn entries_are_delta_encoded_with_title_flag() {
        assert_eq!(
            entry("燃气", &[2 * 3 + 1, 2 * 5, 2 * 9 + 1]),
            "\"燃气\":[7,4,9]"
        );
        assert_eq!(entry("a\"b", &[0]), "\"a\\\"b\":[0]");
    }
}
