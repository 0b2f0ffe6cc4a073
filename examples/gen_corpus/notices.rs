//! Markdown notices of 2–4 KB with TOML front matter: headings, ordered and unordered
//! lists, emphasis, a pipe table and the sign-off, as `gen_corpus.py` writes them, plus
//! `disclosure = "主动公开"` so gongkai publishes them.

use chrono::{Datelike, Days, NaiveDate};

use crate::corpus::person;
use crate::rng::Rng;
use crate::vocab;

/// Body size (UTF-8 bytes) aimed at is drawn from this range; the front matter adds
/// about 150 bytes.
const TARGET_BYTES: (i64, i64) = (2100, 3900);

/// No notice file (front matter included) grows past this: padding stops short of it,
/// so every file stays within 4 KB.
const MAX_FILE_BYTES: usize = 4000;

const SECTIONS: [&str; 6] = [
    "总体要求",
    "工作重点",
    "进度安排",
    "工作要求",
    "排查情况",
    "保障措施",
];

/// One notice dated between `first` and `last`, front matter included.
pub fn notice(rng: &mut Rng, first: NaiveDate, last: NaiveDate) -> String {
    let date = first + Days::new(rng.range(0, (last - first).num_days()) as u64);
    let topic = rng.pick(vocab::NOTICE_TOPICS);
    let kind = *rng.pick(vocab::NOTICE_KINDS);
    let issuer = rng.below(vocab::ISSUERS.len());
    let (year, month, day) = (date.year(), date.month(), date.day());
    let title = if kind == "通报" {
        format!("关于{year}年{month}月{topic}情况的通报")
    } else {
        format!("关于开展{year}年{topic}的{kind}")
    };
    let doc_number = format!(
        "{}〔{year}〕{}号",
        vocab::DOCNO_PREFIX[issuer],
        rng.range(1, 199)
    );
    let target = rng.range(TARGET_BYTES.0, TARGET_BYTES.1) as usize;

    let mut blocks: Vec<String> = vec![rng.pick(&vocab::PARA[..2]).to_string()];
    let n_sections = rng.range(3, 5) as usize;
    let chosen = rng.sample(&SECTIONS, n_sections);
    let table_after = rng.below(chosen.len());
    for (si, section) in chosen.iter().enumerate() {
        blocks.push(format!("## {}、{section}", vocab::CN_NUM[si]));
        blocks.push(rng.pick(vocab::PARA).to_string());
        let r = rng.unit();
        if r < 0.45 {
            let n = rng.range(3, 6) as usize;
            let items = rng.sample(vocab::LIST_ITEMS, n);
            let lines: Vec<String> = items
                .iter()
                .enumerate()
                .map(|(j, it)| format!("{}. {it}。", j + 1))
                .collect();
            blocks.push(lines.join("\n"));
        } else if r < 0.9 {
            let n = rng.range(3, 5) as usize;
            let items = rng.sample(vocab::LIST_ITEMS, n);
            let lines: Vec<String> = items.iter().map(|it| emphasised_item(it)).collect();
            blocks.push(lines.join("\n"));
        } else {
            blocks.push("### 重点时段".to_string());
            blocks.push(rng.pick(vocab::PARA).to_string());
        }
        if si == table_after {
            blocks.push("### 分行业排查汇总".to_string());
            blocks.push(table(rng));
        }
    }
    let phone = format!(
        "0{}-{}",
        rng.range(700, 799),
        rng.range(1_000_000, 9_999_999)
    );
    let tail = [
        format!("联系人：{}，联系电话：{phone}。", person(rng)),
        format!("{}  \n{year}年{month}月{day}日", vocab::ISSUERS[issuer]),
    ];

    // Pad with paragraphs (each 200–300 bytes) before a random "## " heading or at the
    // end, until the target size; padding stops before the file would pass MAX_FILE_BYTES.
    // Published two days after it was made, as an office that keeps the 20-working-day
    // rule would (the 发布日期 key, so the check judges it against a fixed date).
    let published = date + Days::new(2);
    let front = format!(
        "+++\ntitle = \"{title}\"\ndate = {date}\npublished = {published}\n\"文号\" = \"{doc_number}\"\ndisclosure = \"主动公开\"\n+++\n\n"
    );
    let mut size = joined_len(&blocks) + joined_len(&tail) + 2;
    while size < target {
        let para = rng.pick(vocab::PARA);
        if front.len() + size + para.len() + 3 > MAX_FILE_BYTES {
            break;
        }
        let mut spots: Vec<usize> = (0..blocks.len())
            .filter(|&i| blocks[i].starts_with("## "))
            .collect();
        spots.push(blocks.len());
        let at = *rng.pick(&spots);
        blocks.insert(at, para.to_string());
        size += para.len() + 2;
    }

    let mut text = front;
    text.push_str(&blocks.join("\n\n"));
    text.push_str("\n\n");
    text.push_str(&tail.join("\n\n"));
    text.push('\n');
    text
}

/// `- **first four characters**the rest。`
fn emphasised_item(item: &str) -> String {
    let cut = item.char_indices().nth(4).map_or(item.len(), |(i, _)| i);
    format!("- **{}**{}。", &item[..cut], &item[cut..])
}

/// A pipe table of inspection figures by sector, 4–8 rows.
fn table(rng: &mut Rng) -> String {
    let mut lines = vec![
        "| 序号 | 行业领域 | 排查单位数 | 发现隐患（项） | 其中重大隐患 | 整改率 |".to_string(),
        "| ---: | :--- | ---: | ---: | ---: | ---: |".to_string(),
    ];
    let names: Vec<&str> = vocab::SECTORS.iter().map(|s| s.name).collect();
    let n = rng.range(4, 8) as usize;
    for (i, sector) in rng.sample(&names, n).into_iter().enumerate() {
        let found = rng.range(5, 400);
        let major = rng.range(0, (found / 20).max(1));
        let units = rng.range(3, 120);
        let rate = 60.0 + rng.unit() * 40.0;
        lines.push(format!(
            "| {} | {sector} | {units} | {found} | {major} | {rate:.1}% |",
            i + 1
        ));
    }
    lines.join("\n")
}

/// Length of `parts` joined by blank lines.
fn joined_len(parts: &[String]) -> usize {
    parts.iter().map(String::len).sum::<usize>() + 2 * parts.len().saturating_sub(1)
}
