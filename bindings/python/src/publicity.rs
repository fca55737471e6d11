//! Public disclosure and the publicity calendar: the notice page as text, the year's plan
//! as a frame.

use crate::errors::{Result, invalid};
use crate::frame::{Columns, PyFrame};
use chrono::NaiveDate;
use famplan::{Audience, DisclosureOptions, DisclosurePage, LegalBasis, Notices, PlanOptions, PublicityPlan, Registry};
use pyo3::prelude::*;
use std::path::PathBuf;

/// The notice page of `board` on `on` as Markdown (`md`) or HTML (`html`).
#[allow(clippy::too_many_arguments)]
pub fn disclosure_page(
    reg: &Registry,
    on: NaiveDate,
    format: &str,
    board: &str,
    notices: Option<&str>,
    legal_basis: Option<&str>,
    legal_basis_by: Option<&str>,
) -> Result<String> {
    let board: Audience = board.parse()?;
    let notices = match notices {
        None => Notices::default_notices(),
        Some(text) => Notices::from_toml_str(text, "notices.toml")?,
    };
    let legal_basis = match (legal_basis, legal_basis_by) {
        (Some(text), Some(by)) => Some(LegalBasis::new(text, on, by.into())?),
        (None, None) => None,
        _ => return Err(invalid("legal_basis", "give both legal_basis and legal_basis_by, or neither")),
    };
    let page =
        DisclosurePage::build(reg, &notices, &board, on, &DisclosureOptions { legal_basis, categories: vec![] })?;
    match format {
        "md" => Ok(page.to_markdown()),
        "html" => Ok(page.to_html()),
        other => Err(invalid("format", format!("`{other}` is not md or html"))),
    }
}

/// The publicity plan of `year` on `on` against the activity log at `activities` (CSV):
/// `due, kind, title, window_start, window_end, state, done_on`.
#[pyfunction]
#[pyo3(signature = (year, on, activities = None, service_events = 2, festival_window_days = 7))]
pub fn publicity_plan(
    year: i32,
    on: NaiveDate,
    activities: Option<PathBuf>,
    service_events: u8,
    festival_window_days: u32,
) -> Result<PyFrame> {
    let plan = PublicityPlan::for_year(year, &PlanOptions { service_events, festival_window_days })?;
    let log = match activities {
        None => Vec::new(),
        Some(path) => {
            let name = path.display().to_string();
            let file =
                std::fs::File::open(&path).map_err(|source| famplan::Error::Io { file: name.clone(), source })?;
            famplan::io::read_activities(&name, std::io::BufReader::new(file))?
        }
    };
    let view = plan.view(&log, on);
    let r = &view.rows;
    Ok(Columns::default()
        .date("due", r.iter().map(|x| Some(x.planned.due)))
        .str("kind", r.iter().map(|x| Some(x.planned.kind.code())))
        .str("title", r.iter().map(|x| Some(x.planned.title.as_str())))
        .date("window_start", r.iter().map(|x| Some(x.planned.window.start)))
        .date("window_end", r.iter().map(|x| Some(x.planned.window.end)))
        .str("state", r.iter().map(|x| Some(x.state.code())))
        .date("done_on", r.iter().map(|x| x.done_on))
        .finish())
}
