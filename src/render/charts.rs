//! Charts as inline SVG: no JavaScript, no inline styles (the site's CSP forbids them),
//! readable on a 375 px phone, printable, and with the numbers also given as a table.
//!
//! The bars run horizontally: each category's name gets a line of its own above its
//! bars, so long village and sector names never have to be squeezed under a column.
//! Series are told apart by fill pattern (solid, hatched, dotted, cross-hatched) as well
//! as colour, and every bar carries its value as text.

use std::fmt::Write as _;

/// A grouped bar chart: for each category one bar per series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarChart {
    /// The chart's title; becomes the caption and the accessible name.
    pub title: String,
    /// Category names (villages, sectors, sources…), in display order.
    pub categories: Vec<String>,
    /// The series, each with one value per category (missing values count as 0).
    pub series: Vec<Series>,
}

/// One series of a [`BarChart`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    /// What the series counts, e.g. 发现隐患.
    pub label: String,
    /// One value per category, in the order of [`BarChart::categories`].
    pub values: Vec<u64>,
}

/// Escapes text for XML and HTML content and attribute values.
pub(crate) fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than tab and line breaks are not allowed in XML.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// The colours of the series (dark enough for white text contrast and for 3:1 against
/// the white background, WCAG 1.4.11), in order; patterns repeat the colour.
const COLOURS: [&str; 4] = ["#1d4e89", "#b34700", "#2d6a2d", "#6b2d6b"];

/// Width of the SVG coordinate system. Close to a phone's CSS width, so text keeps about
/// its nominal size there; wider screens scale the chart up.
const WIDTH: u32 = 360;
const PAD: u32 = 8;
const FONT: u32 = 13;
const BAR: u32 = 16;
const BAR_GAP: u32 = 3;
const GROUP_GAP: u32 = 12;
/// Room kept right of the longest bar for its value label.
const VALUE_ROOM: u32 = 64;

/// Renders `chart` as a `<figure>`: the SVG (`role="img"`, named by its title and a
/// description), a `<figcaption>`, and a `<details>` data table with the same numbers.
/// Output depends only on `chart` (no clocks, no randomness), so builds are repeatable.
pub fn bar_chart(chart: &BarChart) -> String {
    let id = format!("chart-{:08x}", fnv(chart));
    let title = xml_escape(&chart.title);
    let mut html = String::new();
    let _ = write!(
        html,
        "<figure class=\"chart\" aria-labelledby=\"{id}-cap\">"
    );
    if chart.categories.is_empty() || chart.series.is_empty() {
        let _ = write!(
            html,
            "<figcaption id=\"{id}-cap\">{title}</figcaption><p class=\"chart-empty\">暂无数据。</p></figure>"
        );
        return html;
    }
    // Caption first: on a phone the reader should know what the bars are before
    // scrolling through them.
    let _ = write!(html, "<figcaption id=\"{id}-cap\">{title}</figcaption>");
    html.push_str(&svg(chart, &id));
    html.push_str(&table(chart));
    html.push_str("</figure>");
    html
}

fn value(series: &Series, index: usize) -> u64 {
    series.values.get(index).copied().unwrap_or(0)
}

fn svg(chart: &BarChart, id: &str) -> String {
    let max = chart
        .series
        .iter()
        .flat_map(|s| (0..chart.categories.len()).map(|i| value(s, i)))
        .max()
        .unwrap_or(0);
    let scale_width = WIDTH - 2 * PAD - VALUE_ROOM;
    let legend_height = chart.series.len() as u32 * (FONT + 8) + 4;
    let group_height = FONT + 6 + chart.series.len() as u32 * (BAR + BAR_GAP) + GROUP_GAP;
    let height = PAD + legend_height + chart.categories.len() as u32 * group_height;

    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"chart-svg\" viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" \
         preserveAspectRatio=\"xMinYMin meet\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" \
         font-size=\"{FONT}\" font-family=\"sans-serif\">"
    );
    let _ = write!(
        s,
        "<title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">条形图，{} 个类别，{} 个数据系列（{}）。各项数值见图下的数据表。</desc>",
        xml_escape(&chart.title),
        chart.categories.len(),
        chart.series.len(),
        xml_escape(&chart.series.iter().map(|s| s.label.as_str()).collect::<Vec<_>>().join("、")),
    );
    s.push_str(&patterns(id, chart.series.len()));

    // Legend: one line per series, swatch in the series' fill and its name.
    let mut y = PAD;
    for (k, series) in chart.series.iter().enumerate() {
        let _ = write!(
            s,
            "<rect class=\"chart-swatch chart-series-{k}\" x=\"{PAD}\" y=\"{y}\" width=\"{FONT}\" height=\"{FONT}\" fill=\"{}\" stroke=\"{}\"/>\
             <text class=\"chart-legend\" x=\"{}\" y=\"{}\" fill=\"#1a1a1a\">{}</text>",
            fill(id, k),
            colour(k),
            PAD + FONT + 6,
            y + FONT - 2,
            xml_escape(&fit(&series.label, WIDTH - 3 * PAD - FONT))
        );
        y += FONT + 8;
    }
    y += 4;

    for (i, category) in chart.categories.iter().enumerate() {
        let _ = write!(
            s,
            "<g class=\"chart-group\"><text class=\"chart-category\" x=\"{PAD}\" y=\"{}\" fill=\"#1a1a1a\" font-weight=\"bold\">{}</text>",
            y + FONT,
            xml_escape(&fit(category, WIDTH - 2 * PAD))
        );
        y += FONT + 6;
        for (k, series) in chart.series.iter().enumerate() {
            let v = value(series, i);
            let length = if max == 0 {
                0
            } else {
                // Rounded, but a non-zero value always shows at least a sliver.
                ((v as f64 / max as f64) * scale_width as f64)
                    .round()
                    .max(if v > 0 { 2.0 } else { 0.0 }) as u32
            };
            let _ = write!(
                s,
                "<rect class=\"chart-bar chart-series-{k}\" x=\"{PAD}\" y=\"{y}\" width=\"{length}\" height=\"{BAR}\" fill=\"{}\" stroke=\"{}\"/>\
                 <text class=\"chart-value\" x=\"{}\" y=\"{}\" fill=\"#1a1a1a\">{v}</text>",
                fill(id, k),
                colour(k),
                PAD + length + 4,
                y + BAR - 3,
            );
            y += BAR + BAR_GAP;
        }
        y += GROUP_GAP;
        s.push_str("</g>");
    }
    s.push_str("</svg>");
    s
}

fn colour(k: usize) -> &'static str {
    COLOURS[k % COLOURS.len()]
}

/// Series 0 is solid; the others use a pattern so they differ without colour too.
fn fill(id: &str, k: usize) -> String {
    if k.is_multiple_of(4) {
        colour(k).to_string()
    } else {
        format!("url(#{id}-p{k})")
    }
}

fn patterns(id: &str, count: usize) -> String {
    let mut s = String::from("<defs>");
    for k in (1..count).filter(|k| k % 4 != 0) {
        let c = colour(k);
        let mark = match k % 4 {
            1 => format!(
                "<path d=\"M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2\" stroke=\"{c}\" stroke-width=\"2\"/>"
            ),
            2 => format!("<circle cx=\"1.5\" cy=\"1.5\" r=\"1.3\" fill=\"{c}\"/><circle cx=\"4.5\" cy=\"4.5\" r=\"1.3\" fill=\"{c}\"/>"),
            // Every fourth series is solid again (see `fill`), told apart by its place
            // in the group and its legend line.
            _ => format!("<path d=\"M0,0 l6,6 M6,0 l-6,6\" stroke=\"{c}\" stroke-width=\"1.5\"/>"),
        };
        let _ = write!(
            s,
            "<pattern id=\"{id}-p{k}\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\">\
             <rect width=\"6\" height=\"6\" fill=\"#ffffff\"/>{mark}</pattern>"
        );
    }
    s.push_str("</defs>");
    s
}

/// Shortens `text` with `…` so it fits `width` user units at [`FONT`]: CJK and other wide
/// characters count a full em, narrow ones about 0.6 em. The full text is in the table.
fn fit(text: &str, width: u32) -> String {
    let em = |c: char| if (c as u32) < 0x2E80 { 0.6 } else { 1.0 };
    let budget = width as f64 / FONT as f64;
    let total: f64 = text.chars().map(em).sum();
    if total <= budget {
        return text.to_string();
    }
    let mut used = 1.0; // the ellipsis
    let mut out = String::new();
    for c in text.chars() {
        used += em(c);
        if used > budget {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

fn table(chart: &BarChart) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<details class=\"chart-data\"><summary>数据表：{}</summary><table><thead><tr><th scope=\"col\">类别</th>",
        xml_escape(&chart.title)
    );
    for series in &chart.series {
        let _ = write!(s, "<th scope=\"col\">{}</th>", xml_escape(&series.label));
    }
    s.push_str("</tr></thead><tbody>");
    for (i, category) in chart.categories.iter().enumerate() {
        let _ = write!(s, "<tr><th scope=\"row\">{}</th>", xml_escape(category));
        for series in &chart.series {
            let _ = write!(s, "<td>{}</td>", value(series, i));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table></details>");
    s
}

/// FNV-1a over the chart's content: a stable id, so two charts on one page get
/// different pattern ids and the same chart gets the same id in every build.
fn fnv(chart: &BarChart) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes.iter().chain(&[0xff]) {
            hash ^= u32::from(b);
            hash = hash.wrapping_mul(0x0100_0193);
        }
    };
    eat(chart.title.as_bytes());
    for c in &chart.categories {
        eat(c.as_bytes());
    }
    for series in &chart.series {
        eat(series.label.as_bytes());
        for v in &series.values {
            eat(&v.to_le_bytes());
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> BarChart {
        BarChart {
            title: "各村隐患 <发现> & \"整改\"".to_string(),
            categories: vec![
                "东庄村".to_string(),
                "西庄村".to_string(),
                "南庄村".to_string(),
            ],
            series: vec![
                Series {
                    label: "发现".to_string(),
                    values: vec![12, 3, 0],
                },
                Series {
                    label: "已整改".to_string(),
                    values: vec![10, 1, 0],
                },
            ],
        }
    }

    #[test]
    fn structure_and_accessibility() {
        let html = bar_chart(&sample());
        assert!(html.starts_with("<figure"));
        assert!(html.ends_with("</figure>"));
        assert!(html.contains("role=\"img\""));
        assert!(html.contains("aria-labelledby=\"chart-"));
        assert!(html.contains("<title id="));
        assert!(html.contains("<figcaption"));
        assert!(html.contains("viewBox=\"0 0 360 "));
        assert!(html.contains("width=\"100%\""));
        // Text alternative with every number.
        assert!(html.contains("<details class=\"chart-data\">"));
        assert!(html.contains("<th scope=\"row\">西庄村</th><td>3</td><td>1</td>"));
        // Second series is patterned, not only coloured.
        assert!(html.contains("<pattern id=\"chart-"));
        assert!(html.contains("fill=\"url(#chart-"));
        // Value labels on bars.
        assert!(html.contains(">12</text>"));
        assert!(html.contains(">0</text>"));
    }

    #[test]
    fn no_script_no_inline_style_and_escaped() {
        let html = bar_chart(&sample());
        assert!(!html.contains("<script"));
        assert!(!html.contains("style="));
        assert!(!html.contains("<发现>"));
        assert!(html.contains("&lt;发现&gt; &amp; &quot;整改&quot;"));
        let evil = BarChart {
            title: "x".into(),
            categories: vec!["<script>alert(1)</script>".into()],
            series: vec![Series {
                label: "\"><img src=x onerror=alert(1)>".into(),
                values: vec![1],
            }],
        };
        let html = bar_chart(&evil);
        assert!(!html.contains("<script>"));
        assert!(!html.contains("<img"));
    }

    #[test]
    fn deterministic_and_distinct_ids() {
        assert_eq!(bar_chart(&sample()), bar_chart(&sample()));
        let mut other = sample();
        other.title = "各行业隐患".into();
        let id = |h: &str| h.split("chart-").nth(1).unwrap()[..8].to_string();
        assert_ne!(id(&bar_chart(&sample())), id(&bar_chart(&other)));
    }

    #[test]
    fn bars_scale_to_the_largest_value() {
        let html = bar_chart(&sample());
        let scale = WIDTH - 2 * PAD - VALUE_ROOM;
        assert!(html.contains(&format!("width=\"{scale}\" height=\"{BAR}\"")));
        assert!(html.contains(&format!("width=\"0\" height=\"{BAR}\"")));
    }

    #[test]
    fn empty_and_all_zero_and_missing_values() {
        let empty = BarChart {
            title: "空".into(),
            categories: vec![],
            series: vec![],
        };
        let html = bar_chart(&empty);
        assert!(html.contains("暂无数据"));
        assert!(!html.contains("<svg"));
        let zeros = BarChart {
            title: "零".into(),
            categories: vec!["甲".into(), "乙".into()],
            series: vec![Series {
                label: "发现".into(),
                values: vec![0],
            }],
        };
        let html = bar_chart(&zeros);
        assert!(!html.contains("NaN"));
        assert!(html.contains("<th scope=\"row\">乙</th><td>0</td>"));
    }

    #[test]
    fn long_labels_are_shortened_in_the_svg_only() {
        let long =
            "某某县某某镇某某村某某社区某某村民小组某某某某某某某某某某某某某某某某".to_string();
        let chart = BarChart {
            title: "长".into(),
            categories: vec![long.clone()],
            series: vec![Series {
                label: "发现".into(),
                values: vec![1],
            }],
        };
        let html = bar_chart(&chart);
        assert!(html.contains('…'));
        assert!(html.contains(&format!("<th scope=\"row\">{long}</th>")));
    }
}
