//! Public disclosure and the publicity calendar for the app: the notice page as text, the
//! year's publicity plan with each activity's state.

use crate::{FamplanError, FamplanStore};
use chrono::NaiveDate;
use famplan::{Audience, DisclosureOptions, DisclosurePage, PlanOptions, PublicityPlan};

/// One planned publicity activity (DOMAIN §14) and where it stands on the view's date.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PublicityItem {
    /// The day it is due (the festival day, or the window's last day).
    pub due: NaiveDate,
    /// `blackboard`, `training`, `member_day`, `mothers_day`, `population_day`,
    /// `mens_health_day`, `aids_day`, `service_event` or `annual_meeting`.
    pub kind: String,
    /// What it is (`2026年母亲节（5月10日）`).
    pub title: String,
    /// First day an activity counts.
    pub window_start: NaiveDate,
    /// Last day an activity counts.
    pub window_end: NaiveDate,
    /// `done`, `due`, `late` or `upcoming`.
    pub state: String,
    /// The date of the activity that fulfilled it.
    pub done_on: Option<NaiveDate>,
}

#[uniffi::export]
impl FamplanStore {
    /// The public-disclosure notice page (政务公开, DOMAIN §13) of `board` (`community`,
    /// `zone:ID`, `grid:ID`) on a date, with the community's notices and service hotline
    /// (`set_notices`; else the shipped notices): Markdown, or HTML when `html` is true.
    /// Names, ID numbers, phones and addresses are masked; counts under 5 are shown as "<5".
    pub fn disclosure_page(&self, board: String, on: NaiveDate, html: bool) -> Result<String, FamplanError> {
        let board: Audience = board.parse()?;
        let notices = self.with_store(|s| Ok(s.notices()?))?;
        self.with_registry(|reg| {
            let page = DisclosurePage::build(reg, &notices, &board, on, &DisclosureOptions::default())?;
            Ok(if html { page.to_html() } else { page.to_markdown() })
        })
    }

    /// The publicity plan of `year` on `on` (宣传, DOMAIN §14) against the activity log given
    /// as CSV text (`date,kind[,theme,audience,materials,brief_reported]`; empty: none logged).
    pub fn publicity_plan(
        &self,
        year: i32,
        on: NaiveDate,
        activities_csv: String,
    ) -> Result<Vec<PublicityItem>, FamplanError> {
        let plan = PublicityPlan::for_year(year, &PlanOptions::default())?;
        let log = if activities_csv.trim().is_empty() {
            Vec::new()
        } else {
            famplan::io::read_activities("activities.csv", activities_csv.as_bytes())?
        };
        Ok(plan
            .view(&log, on)
            .rows
            .into_iter()
            .map(|r| PublicityItem {
                due: r.planned.due,
                kind: r.planned.kind.code().to_string(),
                title: r.planned.title,
                window_start: r.planned.window.start,
                window_end: r.planned.window.end,
                state: r.state.code().to_string(),
                done_on: r.done_on,
            })
            .collect())
    }
}
