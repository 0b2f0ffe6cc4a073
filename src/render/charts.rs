//! Charts as inline SVG: no JavaScript, no inline styles (the site's CSP forbids them),
//! readable on a 375 px phone, printable, and with the numbers also given as a table.
//!
//! The bars run horizontally: each category's name gets a line of its own above its
//! bars, so long village and sector names never have to be squeezed under a column.
//! Series are told apart by fill pattern (solid, hatched, dotted, cross-hatched) as well
//! as colour; an alarm series (overdue) is red and cross-hatched on every chart. Every
//! non-zero bar carries its value as text; a zero draws nothing (no "0" floating where a
//! bar would be), and the data table beside the chart gives every number.
//!
//! The SVG has a fixed size in CSS pixels and only ever shrinks (to the width of a
//! 320 px phone at most), so its text stays between 14 and 16 px at any page width.

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
    /// Drawn in the alarm colour with its own pattern (overdue hazards).
    pub alarm: bool,
}

impl Series {
    /// A series in the next colour of the palette.
    pub fn new(label: impl Into<String>, values: Vec<u64>) -> Self {
        Series {
            label: label.into(),
            values,
            alarm: false,
        }
    }

    /// A series drawn in the alarm colour (overdue).
    pub fn alarm(label: impl Into<String>, values: Vec<u64>) -> Self {
        Series {
            alarm: true,
            ..Series::new(label, values)
        }
    }
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
/// the white background, WCAG 1.4.11), in order; patterns repeat the colour. Red is
/// kept out of the palette: it means overdue ([`ALARM`]).
const COLOURS: [&str; 4] = ["#1d4e89", "#2d6a2d", "#6b2d6b", "#5c4a00"];
/// The colour of an alarm series: the theme's `--alert`.
const ALARM: &str = "#a50e1c";

/// Width of the SVG in CSS pixels (and of its coordinate system). The SVG is never
/// scaled up, and scaled down only on screens narrower than this plus the page's
/// margins: a 320 px phone shows it at 288 px, text at 16 × 288 / 320 = 14.4 px.
const WIDTH: u32 = 320;
const PAD: u32 = 4;
const FONT: u32 = 16;
const BAR: u32 = 18;
const BAR_GAP: u32 = 3;
const GROUP_GAP: u32 = 12;
/// Room kept right of the longest bar for its value label.
const VALUE_ROOM: u32 = 64;

/// Renders `chart` as a `<figure>`: a `<figcaption>`, the SVG (`role="img"`, named by
/// its title and a description) and, beside it, a data table with the same numbers.
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
    html.push_str(&table(chart, &id));
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
        "<svg class=\"chart-svg\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" \
         preserveAspectRatio=\"xMinYMin meet\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" \
         font-size=\"{FONT}\" font-family=\"sans-serif\">"
    );
    let _ = write!(
        s,
        "<title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">条形图，{} 个类别，{} 个数据系列（{}）。各项数值见旁边的数据表。</desc>",
        xml_escape(&chart.title),
        chart.categories.len(),
        chart.series.len(),
        xml_escape(&chart.series.iter().map(|s| s.label.as_str()).collect::<Vec<_>>().join("、")),
    );
    s.push_str(&patterns(id, &chart.series));

    // Legend: one line per series, swatch in the series' fill and its name.
    let mut y = PAD;
    for (k, series) in chart.series.iter().enumerate() {
        let _ = write!(
            s,
            "<rect class=\"chart-swatch chart-series-{k}\" x=\"{PAD}\" y=\"{y}\" width=\"{FONT}\" height=\"{FONT}\" fill=\"{}\" stroke=\"{}\"/>\
             <text class=\"chart-legend\" x=\"{}\" y=\"{}\" fill=\"#1a1a1a\">{}</text>",
            fill(id, k, series),
            colour(k, series),
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
            // A zero draws neither bar nor label: the table beside says 0.
            if v > 0 {
                let _ = write!(
                    s,
                    "<rect class=\"chart-bar chart-series-{k}\" x=\"{PAD}\" y=\"{y}\" width=\"{length}\" height=\"{BAR}\" fill=\"{}\" stroke=\"{}\"/>\
                     <text class=\"chart-value\" x=\"{}\" y=\"{}\" fill=\"#1a1a1a\">{v}</text>",
                    fill(id, k, series),
                    colour(k, series),
                    PAD + length + 4,
                    y + BAR - 3,
                );
            }
            y += BAR + BAR_GAP;
        }
        y += GROUP_GAP;
        s.push_str("</g>");
    }
    s.push_str("</svg>");
    s
}

fn colour(k: usize, series: &Series) -> &'static str {
    if series.alarm {
        ALARM
    } else {
        COLOURS[k % COLOURS.len()]
    }
}

/// Series 0 is solid; the others use a pattern so they differ without colour too. An
/// alarm series is always cross-hatched.
fn fill(id: &str, k: usize, series: &Series) -> String {
    if k.is_multiple_of(4) && !series.alarm {
        colour(k, series).to_string()
    } else {
        format!("url(#{id}-p{k})")
    }
}

fn patterns(id: &str, series: &[Series]) -> String {
    let mut s = String::from("<defs>");
    for (k, one) in series.iter().enumerate() {
        if k % 4 == 0 && !one.alarm {
            continue;
        }
        let c = colour(k, one);
        let mark = match (one.alarm, k % 4) {
            // Cross-hatched: the alarm pattern (series 0, 4… are solid, see `fill`).
            (true, _) | (false, 0) => format!(
                "<path d=\"M0,0 l6,6 M6,0 l-6,6\" stroke=\"{c}\" stroke-width=\"2\"/>"
            ),
            (false, 1) => format!(
                "<path d=\"M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2\" stroke=\"{c}\" stroke-width=\"2\"/>"
            ),
            (false, 2) => format!("<circle cx=\"1.5\" cy=\"1.5\" r=\"1.3\" fill=\"{c}\"/><circle cx=\"4.5\" cy=\"4.5\" r=\"1.3\" fill=\"{c}\"/>"),
            _ => format!("<path d=\"M0,3 h6\" stroke=\"{c}\" stroke-width=\"2\"/>"),
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

/// The chart's numbers as a table, in a labelled region that scrolls if a phone is too
/// narrow for it.
fn table(chart: &BarChart, id: &str) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<div class=\"table-wrap chart-data-wrap\" role=\"region\" aria-labelledby=\"{id}-data\" tabindex=\"0\">\
         <table class=\"chart-data\"><caption id=\"{id}-data\">数据表：{}</caption><thead><tr><th scope=\"col\">类别</th>",
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
    s.push_str("</tbody></table></div>");
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
                Series::new("发现", vec![12, 3, 0]),
                Series::new("已整改", vec![10, 1, 0]),
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
        assert!(html.contains("viewBox=\"0 0 320 "));
        assert!(html.contains("width=\"320\""));
        // Text alternative with every number, beside the chart (not folded away).
        assert!(html.contains("<table class=\"chart-data\"><caption id=\"chart-"));
        assert!(html.contains("数据表：各村隐患"));
        assert!(!html.contains("<details"));
        assert!(html.contains("<th scope=\"row\">西庄村</th><td>3</td><td>1</td>"));
        // Second series is patterned, not only coloured.
        assert!(html.contains("<pattern id=\"chart-"));
        assert!(html.contains("fill=\"url(#chart-"));
        // Value labels on bars; a zero draws no bar and no orphan label.
        assert!(html.contains(">12</text>"));
        assert!(!html.contains(">0</text>"));
        assert!(!html.contains("width=\"0\""));
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
            series: vec![Series::new("\"><img src=x onerror=alert(1)>", vec![1])],
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
    }

    #[test]
    fn alarm_series_is_red_and_cross_hatched_in_any_place() {
        for place in 0..3 {
            let mut series: Vec<Series> = (0..3)
                .map(|k| Series::new(format!("系列{k}"), vec![k + 1]))
                .collect();
            series[place] = Series::alarm("逾期", vec![5]);
            let chart = BarChart {
                title: format!("逾期在第{place}个"),
                categories: vec!["甲".into()],
                series,
            };
            let html = bar_chart(&chart);
            let id = html.split("chart-").nth(1).unwrap()[..8].to_string();
            assert!(html.contains(&format!(
                "<pattern id=\"chart-{id}-p{place}\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\"><rect width=\"6\" height=\"6\" fill=\"#ffffff\"/><path d=\"M0,0 l6,6 M6,0 l-6,6\" stroke=\"{ALARM}\""
            )));
            assert!(html.contains(&format!(
                "fill=\"url(#chart-{id}-p{place})\" stroke=\"{ALARM}\""
            )));
            // No other series is red.
            assert_eq!(html.matches(ALARM).count(), 3, "{html}");
        }
    }

    #[test]
    fn text_stays_readable_at_phone_and_desktop_widths() {
        // Never scaled up: a fixed width in CSS pixels. Scaled down at most to a 320 px
        // phone's content width (320 minus 2 × 16 px margins).
        const { assert!(FONT <= 20 && FONT * 288 >= 14 * WIDTH) };
        let html = bar_chart(&sample());
        assert!(html.contains(&format!("font-size=\"{FONT}\"")));
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
            series: vec![Series::new("发现", vec![0])],
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
            series: vec![Series::new("发现", vec![1])],
        };
        let html = bar_chart(&chart);
        assert!(html.contains('…'));
        assert!(html.contains(&format!("<th scope=\"row\">{long}</th>")));
    }
}
