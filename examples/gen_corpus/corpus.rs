//! The corpus: parameters, the site folder layout, the monthly registers and the manifest.
//! The hazards' life follows `gen_corpus.py`: found in a month, carried every month with
//! the same 编号, advancing at most one status a month, dropped the month after 已销号.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::Path;

use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;

#[path = "notices.rs"]
mod notices;

use crate::rng::Rng;
use crate::vocab;

/// The register columns of the `--site` layout: gen_corpus.py's 16 `HEADERS`, then
/// 销号日期 and 销号审核人.
pub const SITE_HEADERS: [&str; 18] = [
    "编号",
    "隐患名称",
    "单位名称",
    "所在村",
    "行业领域",
    "隐患等级",
    "隐患来源",
    "发现日期",
    "整改措施",
    "责任人",
    "整改资金（万元）",
    "整改时限",
    "应急预案",
    "整改状态",
    "完成日期",
    "挂牌督办",
    "销号日期",
    "销号审核人",
];

/// 整改状态 in the order a hazard moves through them.
pub const STATUSES: [&str; 4] = ["未整改", "整改中", "已整改", "已销号"];

/// Chance to advance one step in a month, from 未整改, 整改中 and 已整改.
const ADVANCE_P: [f64; 3] = [0.55, 0.45, 0.6];

/// The `site.toml` of every corpus (the same text gen_corpus.py writes).
pub const SITE_TOML: &str = "title = \"基准测试县安全生产信息公开\"\n\
issuer = \"基准测试县安全生产委员会办公室\"\n\
base_url = \"https://www.example.gov.cn/bench/\"\n\
theme = \"default\"\n\
disclosure_day = 25\n\
\n\
[hotline]\n\
phones = [{ label = \"县安委办举报电话\", number = \"0350-2020350\" }]\n\
national = \"12350\"\n\
email = \"jubao@example.gov.cn\"\n";

/// The first month of a corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Start {
    pub year: i32,
    pub month: u32,
}

impl Start {
    /// Reads `YYYY-MM`.
    pub fn parse(s: &str) -> Option<Start> {
        let (y, m) = s.trim().split_once('-')?;
        let (year, month) = (y.parse().ok()?, m.parse().ok()?);
        ((1900..=9000).contains(&year) && (1..=12).contains(&month))
            .then_some(Start { year, month })
    }

    /// The `i`-th month from this one, as (year, month).
    fn nth(self, i: u32) -> (i32, u32) {
        let m0 = self.month - 1 + i;
        (self.year + (m0 / 12) as i32, m0 % 12 + 1)
    }
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct Params {
    pub months: u32,
    pub rows: u32,
    pub notices: u32,
    pub seed: u64,
    pub start: Start,
}

impl Params {
    /// Refuses sizes the layout cannot hold, with a Chinese message.
    pub fn validate(&self) -> Result<(), String> {
        if self.months == 0 || self.months > 1200 {
            return Err(format!(
                "--months 应在 1 到 1200 之间，现为 {}",
                self.months
            ));
        }
        if self.rows > 999_999 {
            return Err(format!(
                "--rows 最多 999999（编号每月 6 位序号），现为 {}",
                self.rows
            ));
        }
        if self.notices > 9_999 {
            return Err(format!(
                "--notices 最多 9999（文件名 4 位序号），现为 {}",
                self.notices
            ));
        }
        Ok(())
    }
}

/// `MANIFEST.json`: the parameters and what a Hugo build must produce (the fields
/// `run_hugo.sh` reads, as gen_corpus.py writes them).
#[derive(Debug, Serialize)]
pub struct Manifest {
    pub months: u32,
    pub rows: u32,
    pub notices: u32,
    pub seed: u64,
    pub start: String,
    pub new_hazards_per_month: Vec<u32>,
    pub expected_pages: ExpectedPages,
    /// Files written (not in gen_corpus.py's manifest; for the summary line).
    #[serde(skip)]
    pub files: usize,
}

/// Page counts of the Hugo peer's build.
#[derive(Debug, Serialize)]
pub struct ExpectedPages {
    pub hazard_pages: u64,
    pub month_pages: u32,
    pub notice_pages: u32,
    pub index_pages: u32,
    pub total_html: u64,
}

/// Writes the whole site folder under `out` (created if missing).
pub fn generate(out: &Path, p: &Params) -> io::Result<Manifest> {
    let registers = out.join("content").join("registers");
    let notices_dir = out.join("content").join("notices");
    fs::create_dir_all(&registers)?;
    fs::create_dir_all(&notices_dir)?;
    fs::write(out.join("site.toml"), SITE_TOML)?;

    let mut rng = Rng::new("registers", p.seed);
    let new_per_month = write_registers(&mut rng, &registers, p)?;
    let mut rng = Rng::new("notices", p.seed);
    let first = NaiveDate::from_ymd_opt(p.start.year, p.start.month, 1).expect("valid start");
    let (y, m) = p.start.nth(p.months - 1);
    let last = last_day(y, m);
    for i in 1..=p.notices {
        let text = notices::notice(&mut rng, first, last);
        fs::write(notices_dir.join(format!("notice-{i:04}.md")), text)?;
    }

    let hazard_pages = u64::from(p.months) * u64::from(p.rows);
    let manifest = Manifest {
        months: p.months,
        rows: p.rows,
        notices: p.notices,
        seed: p.seed,
        start: format!("{:04}-{:02}", p.start.year, p.start.month),
        new_hazards_per_month: new_per_month,
        expected_pages: ExpectedPages {
            hazard_pages,
            month_pages: p.months,
            notice_pages: p.notices,
            index_pages: 3,
            total_html: hazard_pages + u64::from(p.months) + u64::from(p.notices) + 3,
        },
        files: 2 + p.months as usize + p.notices as usize,
    };
    let mut json = serde_json::to_string_pretty(&manifest).map_err(io::Error::other)?;
    json.push('\n');
    fs::write(out.join("MANIFEST.json"), json)?;
    Ok(manifest)
}

/// One hazard as it stands in the current month.
struct Hazard {
    id: String,
    title: &'static str,
    unit: String,
    village: String,
    sector: &'static str,
    level: &'static str,
    source: &'static str,
    found: NaiveDate,
    measures: String,
    owner: String,
    funds: String,
    deadline: NaiveDate,
    plan: &'static str,
    /// Index into [`STATUSES`].
    status: usize,
    done: Option<NaiveDate>,
    supervised: &'static str,
    closed: Option<NaiveDate>,
}

impl Hazard {
    /// A hazard found in month (y, m), still 未整改.
    fn new(rng: &mut Rng, id: String, y: i32, m: u32) -> Hazard {
        let sector = rng.pick(vocab::SECTORS);
        let k = rng.below(sector.hazards.len());
        let unit = format!(
            "{}{}{}{}",
            rng.pick(vocab::TOWNS),
            rng.pick(vocab::BRAND),
            rng.pick(sector.words),
            rng.pick(sector.suffixes)
        );
        let village = format!(
            "{}{}{}",
            rng.pick(vocab::VILLAGE_A),
            rng.pick(vocab::VILLAGE_B),
            rng.pick(vocab::VILLAGE_C)
        );
        let major = rng.chance(0.08);
        let found =
            NaiveDate::from_ymd_opt(y, m, rng.range(1, i64::from(last_day(y, m).day())) as u32)
                .expect("day within month");
        let deadline = found + Days::new(*rng.pick(&[7, 15, 30, 30, 60, 90]));
        let mut measures = if rng.chance(0.7) {
            sector.measures[k].to_string()
        } else {
            rng.pick(sector.measures).to_string()
        };
        let r = rng.unit();
        if r < 0.25 {
            measures = format!("{measures}；{}", rng.pick(sector.measures));
        } else if r < 0.30 {
            // ASCII comma and double quotes: the cell needs RFC 4180 quoting and escaping.
            measures.push_str(",并按\"一患一档\"要求归档");
        } else if r < 0.32 {
            // A line break inside a cell, as Excel exports Alt+Enter.
            measures = format!("1. {measures}\n2. {}", rng.pick(sector.measures));
        }
        let funds = if rng.chance(0.2) {
            0.0
        } else {
            (0.1 + rng.unit() * 49.9) * if major { 8.0 } else { 1.0 }
        };
        let (sources, weights): (Vec<&str>, Vec<u32>) = vocab::SOURCES.iter().copied().unzip();
        let source = sources[rng.weighted(&weights)];
        let owner = person(rng);
        let plan = if major || rng.chance(0.3) {
            "已制定"
        } else {
            "未制定"
        };
        let supervised = if major && rng.chance(0.8) {
            "是"
        } else {
            "否"
        };
        Hazard {
            id,
            title: sector.hazards[k],
            unit,
            village,
            sector: sector.name,
            level: if major {
                "重大隐患"
            } else {
                "一般隐患"
            },
            source,
            found,
            measures,
            owner,
            funds: format!("{funds:.2}"),
            deadline,
            plan,
            status: 0,
            done: None,
            supervised,
            closed: None,
        }
    }

    /// Maybe moves the hazard one status forward in month (y, m), filling the dates the
    /// new status needs (完成日期 within the month, 销号日期 on or after it).
    fn advance(&mut self, rng: &mut Rng, y: i32, m: u32) {
        if self.status >= ADVANCE_P.len() || !rng.chance(ADVANCE_P[self.status]) {
            return;
        }
        self.status += 1;
        let month_start = NaiveDate::from_ymd_opt(y, m, 1).expect("valid month");
        match STATUSES[self.status] {
            "已整改" if self.done.is_none() => {
                let lo = self.found.max(month_start);
                let span = (last_day(y, m) - lo).num_days();
                self.done = Some(lo + Days::new(rng.range(0, span) as u64));
            }
            "已销号" => {
                self.closed = Some(self.done.unwrap_or(month_start).max(month_start));
            }
            _ => {}
        }
    }

    /// The 18 cells, in [`SITE_HEADERS`] order.
    fn write(&self, w: &mut csv::Writer<BufWriter<File>>) -> csv::Result<()> {
        let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        w.write_record([
            self.id.as_str(),
            self.title,
            &self.unit,
            &self.village,
            self.sector,
            self.level,
            self.source,
            &self.found.to_string(),
            &self.measures,
            &self.owner,
            &self.funds,
            &self.deadline.to_string(),
            self.plan,
            STATUSES[self.status],
            &date(self.done),
            self.supervised,
            &date(self.closed),
            if self.closed.is_some() {
                "安委办"
            } else {
                ""
            },
        ])
    }
}

/// Writes `YYYY-MM.csv` for every month; returns how many hazards each month added.
fn write_registers(rng: &mut Rng, dir: &Path, p: &Params) -> io::Result<Vec<u32>> {
    let mut active: Vec<Hazard> = Vec::new();
    let mut new_per_month = Vec::with_capacity(p.months as usize);
    for i in 0..p.months {
        let (y, m) = p.start.nth(i);
        // Closed last month: gone. The others may move on a step.
        active.retain(|h| h.closed.is_none());
        for h in &mut active {
            h.advance(rng, y, m);
        }
        let carried = active.len();
        let mut seq = 0;
        while active.len() < p.rows as usize {
            seq += 1;
            let id = format!("YH{y:04}{m:02}{seq:06}");
            active.push(Hazard::new(rng, id, y, m));
        }
        new_per_month.push((active.len() - carried) as u32);

        let file = File::create(dir.join(format!("{y:04}-{m:02}.csv")))?;
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(BufWriter::with_capacity(1 << 20, file));
        w.write_record(SITE_HEADERS)?;
        for h in &active {
            h.write(&mut w)?;
        }
        w.into_inner()
            .map_err(|e| io::Error::other(e.to_string()))?
            .flush()?;
    }
    Ok(new_per_month)
}

/// A name: a surname and one or two given characters.
pub fn person(rng: &mut Rng) -> String {
    let mut s = String::new();
    s.push(*rng.pick(vocab::SURNAMES));
    for _ in 0..*rng.pick(&[1, 2, 2]) {
        s.push(*rng.pick(vocab::GIVEN));
    }
    s
}

/// The last day of month (y, m).
pub fn last_day(y: i32, m: u32) -> NaiveDate {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1)
        .and_then(|d| d.pred_opt())
        .expect("valid month")
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use super::*;

    fn params(months: u32, rows: u32, notices: u32, seed: u64) -> Params {
        Params {
            months,
            rows,
            notices,
            seed,
            start: Start::parse("2024-11").unwrap(),
        }
    }

    /// Every file under `dir`, relative path → bytes.
    fn files(dir: &Path) -> HashMap<String, Vec<u8>> {
        let mut out = HashMap::new();
        for entry in walkdir::WalkDir::new(dir) {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let rel = entry.path().strip_prefix(dir).unwrap();
                out.insert(rel.display().to_string(), fs::read(entry.path()).unwrap());
            }
        }
        out
    }

    fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
        let mut r = csv::Reader::from_path(path).unwrap();
        let headers = r.headers().unwrap().iter().map(String::from).collect();
        let rows = r
            .records()
            .map(|rec| rec.unwrap().iter().map(String::from).collect())
            .collect();
        (headers, rows)
    }

    #[test]
    fn same_arguments_give_identical_bytes_and_seeds_differ() {
        let (a, b, c) = (
            tempfile::tempdir().unwrap(),
            tempfile::tempdir().unwrap(),
            tempfile::tempdir().unwrap(),
        );
        generate(a.path(), &params(3, 200, 5, 9)).unwrap();
        generate(b.path(), &params(3, 200, 5, 9)).unwrap();
        generate(c.path(), &params(3, 200, 5, 10)).unwrap();
        let (fa, fb, fc) = (files(a.path()), files(b.path()), files(c.path()));
        assert_eq!(fa.len(), 1 + 1 + 3 + 5);
        assert_eq!(fa, fb);
        assert_ne!(
            fa["content/registers/2024-11.csv"],
            fc["content/registers/2024-11.csv"]
        );
        // Months roll over the year end.
        assert!(fa.contains_key("content/registers/2025-01.csv"));
    }

    #[test]
    fn notices_do_not_change_the_registers() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        generate(a.path(), &params(2, 100, 1, 1)).unwrap();
        generate(b.path(), &params(2, 100, 7, 1)).unwrap();
        let (fa, fb) = (files(a.path()), files(b.path()));
        assert_eq!(
            fa["content/registers/2024-12.csv"],
            fb["content/registers/2024-12.csv"]
        );
    }

    /// The rules gongkai checks, re-stated over the raw CSV: hazards never vanish while
    /// open, statuses only move forward, closed hazards leave next month and never
    /// return, required dates are there, every month has exactly `rows` rows.
    #[test]
    fn registers_follow_the_hazard_life_cycle() {
        let dir = tempfile::tempdir().unwrap();
        let p = params(10, 400, 0, 3);
        let manifest = generate(dir.path(), &p).unwrap();
        let mut prev: HashMap<String, usize> = HashMap::new();
        let mut gone: HashSet<String> = HashSet::new();
        let mut closed_seen = 0;
        for i in 0..p.months {
            let (y, m) = p.start.nth(i);
            let (headers, rows) = read_csv(
                &dir.path()
                    .join(format!("content/registers/{y:04}-{m:02}.csv")),
            );
            assert_eq!(headers, SITE_HEADERS);
            assert_eq!(rows.len(), 400);
            let mut now: HashMap<String, usize> = HashMap::new();
            for row in &rows {
                assert_eq!(row.len(), 18);
                let status = STATUSES
                    .iter()
                    .position(|s| *s == row[13])
                    .expect("known status");
                assert!(["重大隐患", "一般隐患"].contains(&row[5].as_str()));
                assert!(vocab::SOURCES.iter().any(|(s, _)| *s == row[6]));
                if status >= 2 {
                    assert!(!row[14].is_empty(), "{} 已整改 without 完成日期", row[0]);
                }
                if status == 3 {
                    assert!(!row[16].is_empty() && row[17] == "安委办");
                    assert!(row[16] >= row[14], "销号日期 before 完成日期");
                    closed_seen += 1;
                } else {
                    assert!(row[16].is_empty() && row[17].is_empty());
                }
                assert!(row[11] > row[7], "deadline after found");
                assert!(!gone.contains(&row[0]), "{} came back", row[0]);
                if let Some(&before) = prev.get(&row[0]) {
                    assert!(status == before || status == before + 1, "{}", row[0]);
                }
                assert!(now.insert(row[0].clone(), status).is_none(), "duplicate id");
            }
            for (id, &status) in &prev {
                if status == 3 {
                    assert!(!now.contains_key(id), "{id} still listed after 已销号");
                    gone.insert(id.clone());
                } else {
                    assert!(now.contains_key(id), "{id} vanished while open");
                }
            }
            let new = now.keys().filter(|id| !prev.contains_key(*id)).count();
            assert_eq!(new as u32, manifest.new_hazards_per_month[i as usize]);
            prev = now;
        }
        assert!(closed_seen > 100, "hazards do get closed: {closed_seen}");
    }

    #[test]
    fn some_cells_need_quoting_and_some_hold_line_breaks() {
        let dir = tempfile::tempdir().unwrap();
        generate(dir.path(), &params(1, 5000, 0, 1)).unwrap();
        let (_, rows) = read_csv(&dir.path().join("content/registers/2024-11.csv"));
        let quoted = rows.iter().filter(|r| r[8].contains('"')).count();
        let broken = rows.iter().filter(|r| r[8].contains('\n')).count();
        assert!((150..350).contains(&quoted), "quoted {quoted} of 5000");
        assert!((50..150).contains(&broken), "line breaks {broken} of 5000");
        let major = rows.iter().filter(|r| r[5] == "重大隐患").count();
        assert!((250..550).contains(&major), "major {major} of 5000");
    }

    #[test]
    fn site_toml_is_valid_for_gongkai() {
        let mut findings = gongkai::diag::Findings::default();
        let config = gongkai::config::SiteConfig::parse(SITE_TOML, &mut findings).expect("parses");
        assert!(findings.items.is_empty(), "{:?}", findings.items);
        assert_eq!(config.disclosure_day, 25);
    }

    #[test]
    fn notices_are_2_to_4_kb_published_markdown() {
        let dir = tempfile::tempdir().unwrap();
        generate(dir.path(), &params(12, 0, 60, 5)).unwrap();
        for (name, bytes) in files(&dir.path().join("content/notices")) {
            assert!(
                (2048..=4096).contains(&bytes.len()),
                "{name}: {} bytes",
                bytes.len()
            );
            let text = String::from_utf8(bytes).unwrap();
            let rest = text.strip_prefix("+++\n").unwrap();
            let (front, body) = rest.split_once("+++\n").unwrap();
            let front: toml::Table = toml::from_str(front).unwrap();
            assert_eq!(front["disclosure"].as_str(), Some("主动公开"));
            assert!(front["title"].as_str().unwrap().starts_with("关于"));
            assert!(front["date"].is_datetime());
            assert!(front["文号"].as_str().unwrap().contains('〔'));
            assert!(
                body.contains("\n## ") && body.contains("| ---: |"),
                "{name}"
            );
            assert!(body.contains("\n1. ") || body.contains("\n- **") || body.contains("### "));
        }
    }

    /// The end-to-end promise: gongkai's own loader and rules accept the corpus with no
    /// error and no warning (notes such as 逾期 are expected).
    #[test]
    fn gongkai_check_accepts_the_corpus() {
        let dir = tempfile::tempdir().unwrap();
        generate(dir.path(), &params(7, 300, 10, 2)).unwrap();
        let options = gongkai::render::RenderOptions::new(dir.path());
        let modelled = gongkai::pipeline::Pipeline::once(dir.path(), options)
            .run_model()
            .unwrap_or_else(|findings| panic!("the corpus is refused: {findings:#?}"));
        assert_eq!(modelled.rows_read, 7 * 300);
        let notices = &modelled.disclosure.notices;
        assert_eq!(notices.len(), 10);
        assert!(notices.iter().all(|n| n.is_published()));
        let bad: Vec<_> = modelled
            .findings
            .items
            .iter()
            .filter(|f| f.severity != gongkai::diag::Severity::Note)
            .collect();
        assert!(bad.is_empty(), "{bad:#?}");
    }

    #[test]
    fn start_and_params_are_validated() {
        assert_eq!(
            Start::parse("2024-12"),
            Some(Start {
                year: 2024,
                month: 12
            })
        );
        assert_eq!(Start::parse("2024-13"), None);
        assert_eq!(Start::parse("2024/01"), None);
        assert_eq!(Start::parse("2024-12").unwrap().nth(1), (2025, 1));
        assert!(params(0, 1, 1, 1).validate().is_err());
        assert!(params(1, 1_000_000, 1, 1).validate().is_err());
        assert!(params(12, 50_000, 2_000, 1).validate().is_ok());
    }
}
