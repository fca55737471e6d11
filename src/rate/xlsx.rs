//! 报表工作簿 — the report workbook a community office files (feature `xlsx`).

use super::{GroupBy, RateReport, RateSection, Row, Scale, Verdict};
use crate::Error;
use rust_xlsxwriter::{
    ConditionalFormatText, ConditionalFormatTextRule, Format, FormatBorder, Workbook, Worksheet, XlsxError,
};
use std::io::Write;

fn err(e: XlsxError) -> Error {
    Error::Io { file: "report workbook".into(), source: std::io::Error::other(e) }
}

fn level_zh(by: GroupBy) -> &'static str {
    match by {
        GroupBy::Community => "社区",
        GroupBy::Zone => "片区",
        GroupBy::Grid => "网格",
        GroupBy::Group => "居民小组",
        GroupBy::Keeper => "网格责任人",
    }
}

struct Formats {
    title: Format,
    head: Format,
    total: Format,
    value: Format,
    value_total: Format,
    green: Format,
    red: Format,
}

impl Formats {
    fn new(scale: Scale) -> Formats {
        let num = match scale {
            Scale::Percent => "0.00\"%\"",
            Scale::PerMille => "0.00\"‰\"",
            Scale::Times100 => "0.00",
        };
        Formats {
            title: Format::new().set_bold().set_font_size(13),
            head: Format::new().set_bold().set_background_color(0xDDEBF7).set_border_bottom(FormatBorder::Thin),
            total: Format::new().set_bold(),
            value: Format::new().set_num_format(num),
            value_total: Format::new().set_num_format(num).set_bold(),
            green: Format::new().set_font_color(0x006100).set_background_color(0xC6EFCE),
            red: Format::new().set_font_color(0x9C0006).set_background_color(0xFFC7CE),
        }
    }
}

/// Writes the two header rows (Chinese over English) at rows 1 and 2.
fn headers(ws: &mut Worksheet, zh: &[&str], en: &[&str], f: &Formats) -> Result<(), Error> {
    for (c, (z, e)) in zh.iter().zip(en).enumerate() {
        ws.write_string_with_format(1, c as u16, *z, &f.head).map_err(err)?;
        ws.write_string_with_format(2, c as u16, *e, &f.head).map_err(err)?;
    }
    Ok(())
}

/// Colours the met/not-met column: 达标 green, 未达标 red.
fn verdict_colours(ws: &mut Worksheet, col: u16, last: u32, f: &Formats) -> Result<(), Error> {
    if last < 3 {
        return Ok(());
    }
    let rule = |text: &str, format: &Format| {
        ConditionalFormatText::new().set_rule(ConditionalFormatTextRule::BeginsWith(text.into())).set_format(format)
    };
    ws.add_conditional_format(3, col, last, col, &rule(Verdict::Met.zh(), &f.green)).map_err(err)?;
    ws.add_conditional_format(3, col, last, col, &rule(Verdict::NotMet.zh(), &f.red)).map_err(err)?;
    Ok(())
}

fn verdict_text(v: Verdict) -> String {
    format!("{} {}", v.zh(), v.en())
}

fn value_cell(ws: &mut Worksheet, r: u32, c: u16, v: Option<f64>, fmt: &Format) -> Result<(), Error> {
    match v {
        Some(v) => ws.write_number_with_format(r, c, (v * 100.0).round() / 100.0, fmt).map(|_| ()),
        None => ws.write_string(r, c, "-").map(|_| ()),
    }
    .map_err(err)
}

fn title(report: &RateReport, what: &str) -> String {
    let p = &report.params;
    format!("{what} · 按{} by {} · D {} · P {} · A {}", level_zh(report.by), report.by, p.on, p.period, p.as_of)
}

fn rate_row(ws: &mut Worksheet, r: u32, s: &RateSection, row: &Row, unit: &str, f: &Formats) -> Result<(), Error> {
    let total = std::ptr::eq(row, &s.table.total);
    let (text, value) = if total { (&f.total, &f.value_total) } else { (&Format::new(), &f.value) };
    ws.write_string_with_format(r, 0, unit, text).map_err(err)?;
    ws.write_number_with_format(r, 1, row.rate.numerator as f64, text).map_err(err)?;
    ws.write_number_with_format(r, 2, row.rate.denominator as f64, text).map_err(err)?;
    value_cell(ws, r, 3, row.rate.value(), value)?;
    value_cell(ws, r, 4, s.target(), &f.value)?;
    ws.write_string_with_format(r, 5, verdict_text(s.verdict(row)), text).map_err(err)?;
    Ok(())
}

/// Writes the report as a workbook a community office would file: a summary sheet (汇总)
/// with each rate's total; one sheet per rate with its units, Chinese and English headers,
/// the target and a met / not-met column coloured by conditional formatting; one list sheet
/// (名单) per rate with the subjects behind it when the report has them (counted or not,
/// with the reason). Header rows are frozen and columns fitted.
///
/// # Errors
///
/// [`Error::Io`] from the writer.
///
/// # Example
///
/// ```
/// use famplan::{GroupBy, Params, RateCode, RateReport, Registry, write_report_xlsx};
/// let reg = Registry::example();
/// let r = RateReport::new(&reg, Params::new("2026-06-30".parse()?), &[RateCode::CaseFileRate], GroupBy::Grid, true);
/// let mut book = Vec::new();
/// write_report_xlsx(&r, &mut book)?;
/// assert_eq!(&book[..2], b"PK");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_report_xlsx(report: &RateReport, mut out: impl Write) -> Result<(), Error> {
    let mut book = Workbook::new();
    let zh = ["单位", "分子", "分母", "率", "目标", "是否达标"];
    let en = ["unit", "numerator", "denominator", "rate", "target", "met"];

    let ws = book.add_worksheet().set_name("汇总 summary").map_err(err)?;
    let f = Formats::new(Scale::Percent);
    headers(
        ws,
        &["指标", "代码", "分子", "分母", "率", "目标", "是否达标"],
        &["rate", "code", "numerator", "denominator", "rate", "target", "met"],
        &f,
    )?;
    for (i, s) in report.sections.iter().enumerate() {
        let r = 3 + i as u32;
        let info = s.code.info();
        let fs = Formats::new(info.scale);
        let row = &s.table.total;
        ws.write_string(r, 0, info.zh).map_err(err)?;
        ws.write_string(r, 1, s.code.code()).map_err(err)?;
        ws.write_number(r, 2, row.rate.numerator as f64).map_err(err)?;
        ws.write_number(r, 3, row.rate.denominator as f64).map_err(err)?;
        value_cell(ws, r, 4, row.rate.value(), &fs.value)?;
        value_cell(ws, r, 5, s.target(), &fs.value)?;
        ws.write_string(r, 6, verdict_text(s.verdict(row))).map_err(err)?;
    }
    verdict_colours(ws, 6, 2 + report.sections.len() as u32, &f)?;
    ws.set_freeze_panes(3, 0).map_err(err)?;
    ws.autofit();
    ws.write_string_with_format(0, 0, title(report, "汇总 summary"), &f.title).map_err(err)?;

    for s in &report.sections {
        let info = s.code.info();
        let f = Formats::new(info.scale);
        let ws = book.add_worksheet().set_name(s.code.code()).map_err(err)?;
        headers(ws, &zh, &en, &f)?;
        let mut r = 3;
        for row in &s.table.rows {
            let unit = if row.key.is_empty() { "(无 none)" } else { row.key.as_str() };
            rate_row(ws, r, s, row, unit, &f)?;
            r += 1;
        }
        rate_row(ws, r, s, &s.table.total, "合计 total", &f)?;
        verdict_colours(ws, 5, r, &f)?;
        ws.set_freeze_panes(3, 1).map_err(err)?;
        ws.autofit();
        let what = format!("{} {} ({})", info.zh, info.en, s.code);
        ws.write_string_with_format(0, 0, title(report, &what), &f.title).map_err(err)?;
    }

    for s in report.sections.iter().filter(|s| !s.subjects.is_empty()) {
        let info = s.code.info();
        let f = Formats::new(info.scale);
        let name: String = format!("{} 名单", s.code).chars().take(31).collect();
        let ws = book.add_worksheet().set_name(name).map_err(err)?;
        headers(
            ws,
            &["单位", "对象", "个人编号", "计入分子", "规则", "缺少", "说明", "应访日期", "窗口"],
            &["unit", "subject", "person", "counted", "rule", "missing", "detail", "due", "window"],
            &f,
        )?;
        for (i, (key, e)) in s.subjects.iter().enumerate() {
            let r = 3 + i as u32;
            let why = e.reason.as_ref();
            let cells = [
                key.clone(),
                e.subject.clone(),
                e.person.as_ref().map(|p| p.as_str().to_string()).unwrap_or_default(),
                if e.counted { "是 yes" } else { "否 no" }.to_string(),
                why.map(|w| w.rule.clone()).unwrap_or_default(),
                why.map(|w| w.missing.clone()).unwrap_or_default(),
                why.map(|w| w.detail.clone()).unwrap_or_default(),
                why.and_then(|w| w.due).map(|d| d.to_string()).unwrap_or_default(),
                why.and_then(|w| w.window).map(|p| p.to_string()).unwrap_or_default(),
            ];
            for (c, text) in cells.iter().enumerate() {
                if !text.is_empty() {
                    ws.write_string(r, c as u16, text).map_err(err)?;
                }
            }
        }
        let last = 2 + s.subjects.len() as u32;
        let no = ConditionalFormatText::new()
            .set_rule(ConditionalFormatTextRule::BeginsWith("否".into()))
            .set_format(&f.red);
        ws.add_conditional_format(3, 3, last, 3, &no).map_err(err)?;
        ws.set_freeze_panes(3, 0).map_err(err)?;
        ws.autofit();
        let what = format!("{} 名单 subjects of {}", info.zh, s.code);
        ws.write_string_with_format(0, 0, title(report, &what), &f.title).map_err(err)?;
    }
    let buf = book.save_to_buffer().map_err(err)?;
    out.write_all(&buf).map_err(|source| Error::Io { file: "report workbook".into(), source })
}
