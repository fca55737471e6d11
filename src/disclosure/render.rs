//! The notice page as Markdown and as HTML. Every text is escaped for its format, so what a
//! staff member typed is shown, never interpreted.

use super::{Audience, Block, CountTable, DisclosureCategory, DisclosurePage, PersonList, PublicItem};
use std::fmt::Write;

fn board(a: &Audience) -> String {
    match a {
        Audience::Community => "社区".to_string(),
        Audience::Zone(z) => format!("片区 {z}"),
        Audience::Grid(g) => format!("网格 {g}"),
    }
}

fn dates(i: &PublicItem) -> String {
    let until = i.expires_on.map_or_else(|| "长期".to_string(), |d| d.to_string());
    format!("发布：{} · 有效期至：{} · 范围：{}", i.publish_on, until, board(&i.audience))
}

/// Backslash-escapes every character Markdown could read as markup (and `<`, `>` so no
/// raw HTML gets through).
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '!' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn md_counts(out: &mut String, t: &CountTable) {
    let _ = writeln!(out, "{}\n", md(t.caption().as_str()));
    let _ = writeln!(out, "| {} | {} |\n|---|---:|", md(t.label.as_str()), md(t.count.as_str()));
    for (label, count) in t.rows() {
        let _ = writeln!(out, "| {} | {} |", md(label.as_str()), md(&count.to_string()));
    }
    let _ = writeln!(out, "| 合计 | {} |\n", md(&t.total().to_string()));
}

fn md_people(out: &mut String, l: &PersonList) {
    let b = l.basis();
    let _ = writeln!(
        out,
        "{}\n\n公开依据：{}（{} 登记于 {}）\n",
        md(l.caption().as_str()),
        md(b.reference().as_str()),
        md(b.recorded_by().as_str()),
        b.recorded_on()
    );
    out.push_str("| 姓名 | 身份证号 | 住址 | 说明 |\n|---|---|---|---|\n");
    for p in l.people() {
        let opt = |s: Option<&str>| s.map_or_else(|| "—".to_string(), md);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            md(p.name.as_str()),
            opt(p.id.as_ref().map(|x| x.as_str())),
            opt(p.address.as_ref().map(|x| x.as_str())),
            opt(p.note.as_ref().map(|x| x.as_str()))
        );
    }
    out.push('\n');
}

pub(super) fn markdown(page: &DisclosurePage) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# 计划生育政务公开 — {}公开栏\n\n日期：{}\n", board(&page.board), page.on);
    if let Some(h) = &page.hotline {
        let _ = writeln!(out, "服务热线：{}\n", md(h.as_str()));
    }
    for cat in DisclosureCategory::ALL {
        let _ = writeln!(out, "## {}\n", cat.zh());
        let mut any = false;
        for item in page.items.iter().filter(|i| i.category == *cat) {
            any = true;
            let _ = writeln!(out, "### {}\n\n{}\n", md(item.title.as_str()), dates(item));
            for block in &item.body {
                match block {
                    Block::Text(t) => {
                        let _ = writeln!(out, "{}\n", md(t.as_str()));
                    }
                    Block::Counts(t) => md_counts(&mut out, t),
                    Block::People(l) => md_people(&mut out, l),
                }
            }
        }
        if !any {
            out.push_str("（暂无）\n\n");
        }
    }
    out.push_str("计数不足 5 的显示为“<5”；个人信息已按规定脱敏。\n");
    out
}

/// Escapes the five characters HTML gives a meaning to.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}\
h2{border-bottom:2px solid #b22;padding-bottom:.2em}.meta{color:#666;font-size:.9em}\
table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #ccc;padding:.25em .6em}\
td.n{text-align:right}.empty{color:#888}footer{color:#666;font-size:.85em;margin-top:2em}";

fn html_counts(out: &mut String, t: &CountTable) {
    let _ = writeln!(
        out,
        "<table>\n<caption>{}</caption>\n<tr><th>{}</th><th>{}</th></tr>",
        esc(t.caption().as_str()),
        esc(t.label.as_str()),
        esc(t.count.as_str())
    );
    for (label, count) in t.rows() {
        let _ =
            writeln!(out, "<tr><td>{}</td><td class=\"n\">{}</td></tr>", esc(label.as_str()), esc(&count.to_string()));
    }
    let _ = writeln!(out, "<tr><th>合计</th><td class=\"n\">{}</td></tr>\n</table>", esc(&t.total().to_string()));
}

fn html_people(out: &mut String, l: &PersonList) {
    let b = l.basis();
    let _ = writeln!(
        out,
        "<p class=\"meta\">公开依据：{}（{} 登记于 {}）</p>\n<table>\n<caption>{}</caption>\n<tr><th>姓名</th><th>身份证号</th><th>住址</th><th>说明</th></tr>",
        esc(b.reference().as_str()),
        esc(b.recorded_by().as_str()),
        b.recorded_on(),
        esc(l.caption().as_str())
    );
    for p in l.people() {
        let opt = |s: Option<&str>| s.map_or_else(|| "—".to_string(), esc);
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(p.name.as_str()),
            opt(p.id.as_ref().map(|x| x.as_str())),
            opt(p.address.as_ref().map(|x| x.as_str())),
            opt(p.note.as_ref().map(|x| x.as_str()))
        );
    }
    out.push_str("</table>\n");
}

pub(super) fn html(page: &DisclosurePage) -> String {
    let title = format!("计划生育政务公开 — {}公开栏", board(&page.board));
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"zh\">\n<head>\n<meta charset=\"utf-8\">\n<title>{t}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{t}</h1>\n<p class=\"meta\">日期：{on}</p>\n",
        t = esc(&title),
        on = page.on
    );
    if let Some(h) = &page.hotline {
        let _ = writeln!(out, "<p class=\"meta\">服务热线：{}</p>", esc(h.as_str()));
    }
    for cat in DisclosureCategory::ALL {
        let _ = writeln!(out, "<section>\n<h2>{}</h2>", esc(cat.zh()));
        let mut any = false;
        for item in page.items.iter().filter(|i| i.category == *cat) {
            any = true;
            let _ = writeln!(
                out,
                "<article>\n<h3>{}</h3>\n<p class=\"meta\">{}</p>",
                esc(item.title.as_str()),
                esc(&dates(item))
            );
            for block in &item.body {
                match block {
                    Block::Text(t) => {
                        let _ = writeln!(out, "<p>{}</p>", esc(t.as_str()));
                    }
                    Block::Counts(t) => html_counts(&mut out, t),
                    Block::People(l) => html_people(&mut out, l),
                }
            }
            out.push_str("</article>\n");
        }
        if !any {
            out.push_str("<p class=\"empty\">（暂无）</p>\n");
        }
        out.push_str("</section>\n");
    }
    out.push_str("<footer>计数不足 5 的显示为“&lt;5”；个人信息已按规定脱敏。</footer>\n</body>\n</html>\n");
    out
}
