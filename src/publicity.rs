//! 宣传 — the publicity calendar (DOMAIN §14): the year's plan of activities, the activities
//! logged, and what is done, due or late on a date.
//!
//! The plan of a year ([`PublicityPlan::for_year`]):
//! - a blackboard issue every month (每月一期黑板报): the window is the calendar month;
//! - service-station staff training (技术服务人员能力建设): once, any time in the year **[D]**;
//! - the festival days, each with a window of ± [`PlanOptions::festival_window_days`] days
//!   (7 by default **[D]**): 5·29 association member day, Mother's Day (the second Sunday of
//!   May, [`mothers_day`]), 7·11 World Population Day, 10·28 men's health day, 12·1 World
//!   AIDS Day;
//! - 1 or 2 convenience service events (便民服务活动): with 2, one per half year; with 1, any
//!   time in the year **[D]**;
//! - the annual special meeting on population work: any time in the year **[D]**.
//!
//! An activity fulfils the earliest open planned item of its kind whose window holds the
//! activity's date; each activity fulfils at most one item (as a visit fulfils one
//! obligation, DOMAIN §6).

use crate::person::code_enum;
use crate::{Error, Location, Period};
use chrono::{NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

code_enum!(
    /// The kinds of publicity activity (DOMAIN §14).
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::ActivityKind;
    /// assert_eq!("mothers_day".parse::<ActivityKind>(), Ok(ActivityKind::MothersDay));
    /// assert_eq!(ActivityKind::Blackboard.zh(), "黑板报");
    /// ```
    ActivityKind {
        /** 黑板报 — the monthly blackboard issue. */ Blackboard = "blackboard",
        /** 技术服务人员能力建设 — service-station staff training. */ Training = "training",
        /** 5·29 计生协会会员活动日. */ MemberDay = "member_day",
        /** 母亲节 — the second Sunday of May. */ MothersDay = "mothers_day",
        /** 7·11 世界人口日. */ PopulationDay = "population_day",
        /** 10·28 男性健康日. */ MensHealthDay = "mens_health_day",
        /** 12·1 世界艾滋病日. */ AidsDay = "aids_day",
        /** 便民服务活动 — a convenience service event. */ ServiceEvent = "service_event",
        /** 人口工作专题会议 — the annual special meeting. */ AnnualMeeting = "annual_meeting"
    }
);

impl ActivityKind {
    /// The Chinese name.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::ActivityKind::PopulationDay.zh(), "世界人口日");
    /// ```
    pub fn zh(self) -> &'static str {
        match self {
            ActivityKind::Blackboard => "黑板报",
            ActivityKind::Training => "技术服务人员能力建设",
            ActivityKind::MemberDay => "计生协会会员活动日",
            ActivityKind::MothersDay => "母亲节",
            ActivityKind::PopulationDay => "世界人口日",
            ActivityKind::MensHealthDay => "男性健康日",
            ActivityKind::AidsDay => "世界艾滋病日",
            ActivityKind::ServiceEvent => "便民服务活动",
            ActivityKind::AnnualMeeting => "人口工作专题会议",
        }
    }
}

/// Mother's Day (母亲节): the second Sunday of May.
///
/// # Example
///
/// ```
/// // 1 May 2026 is a Friday: Sundays 3 and 10 May, so the second is 10 May.
/// assert_eq!(famplan::mothers_day(2026).unwrap().to_string(), "2026-05-10");
/// // 1 May 2022 is a Sunday: the second Sunday is 8 May.
/// assert_eq!(famplan::mothers_day(2022).unwrap().to_string(), "2022-05-08");
/// ```
pub fn mothers_day(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, 5, Weekday::Sun, 2)
}

/// Choices for a year's plan; the defaults are DOMAIN §14's with our windows **[D]**.
///
/// # Example
///
/// ```
/// let o = famplan::PlanOptions::default();
/// assert_eq!((o.service_events, o.festival_window_days), (2, 7));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanOptions {
    /// Convenience service events a year: 1 or 2.
    pub service_events: u8,
    /// A festival activity counts within this many days before or after the day.
    pub festival_window_days: u32,
}

impl Default for PlanOptions {
    fn default() -> PlanOptions {
        PlanOptions { service_events: 2, festival_window_days: 7 }
    }
}

/// One planned activity: its kind, the day it is due and the window that counts.
///
/// # Example
///
/// ```
/// let plan = famplan::PublicityPlan::for_year(2026, &Default::default())?;
/// let jan = &plan.items[0];
/// assert_eq!((jan.kind, jan.due.to_string()), (famplan::ActivityKind::Blackboard, "2026-01-31".to_string()));
/// # Ok::<(), famplan::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlannedActivity {
    /// The kind.
    pub kind: ActivityKind,
    /// What it is, for people (`2026年3月黑板报`).
    pub title: String,
    /// The day it is due (the festival day, or the window's last day).
    pub due: NaiveDate,
    /// The days on which an activity of the kind fulfils it.
    pub window: Period,
}

/// 宣传计划 — the year's publicity plan.
///
/// # Example
///
/// ```
/// let plan = famplan::PublicityPlan::for_year(2026, &Default::default())?;
/// // 12 blackboards + 1 training + 5 festival days + 2 service events + 1 meeting.
/// assert_eq!(plan.items.len(), 21);
/// # Ok::<(), famplan::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PublicityPlan {
    /// The year.
    pub year: i32,
    /// The planned activities, by due date.
    pub items: Vec<PlannedActivity>,
}

impl PublicityPlan {
    /// The plan of a calendar year.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] (field `service_events`) unless it is 1 or 2, or (field `year`)
    /// for a year outside the calendar.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{PlanOptions, PublicityPlan};
    /// let err = PublicityPlan::for_year(2026, &PlanOptions { service_events: 3, ..Default::default() }).unwrap_err();
    /// assert_eq!(err.to_string(), "service_events: is 3, expected 1 or 2 (DOMAIN §14: 1–2 a year)");
    /// ```
    pub fn for_year(year: i32, options: &PlanOptions) -> Result<PublicityPlan, Error> {
        if !(1..=2).contains(&options.service_events) {
            return Err(Error::Invalid {
                at: Location::field("service_events"),
                reason: format!("is {}, expected 1 or 2 (DOMAIN §14: 1–2 a year)", options.service_events),
            });
        }
        let bad_year = || Error::Invalid { at: Location::field("year"), reason: format!("{year} is out of range") };
        let whole = Period::year(year).ok_or_else(bad_year)?;
        let d = |m, day| NaiveDate::from_ymd_opt(year, m, day).ok_or_else(bad_year);
        let mut items = Vec::new();
        let mut add = |kind: ActivityKind, title: String, due: NaiveDate, window: Period| {
            items.push(PlannedActivity { kind, title, due, window });
        };
        for m in 1..=12 {
            let month = Period::month(year, m).ok_or_else(bad_year)?;
            add(ActivityKind::Blackboard, format!("{year}年{m}月黑板报"), month.end, month);
        }
        add(ActivityKind::Training, format!("{year}年{}", ActivityKind::Training.zh()), whole.end, whole);
        let w = i64::from(options.festival_window_days);
        let festivals = [
            (ActivityKind::MemberDay, d(5, 29)?),
            (ActivityKind::MothersDay, mothers_day(year).ok_or_else(bad_year)?),
            (ActivityKind::PopulationDay, d(7, 11)?),
            (ActivityKind::MensHealthDay, d(10, 28)?),
            (ActivityKind::AidsDay, d(12, 1)?),
        ];
        for (kind, day) in festivals {
            let window = Period::new(day - chrono::Duration::days(w), day + chrono::Duration::days(w))
                .expect("a window around a day is ordered");
            add(kind, format!("{year}年{}（{}）", kind.zh(), day.format("%-m月%-d日")), day, window);
        }
        if options.service_events == 2 {
            let h1 = Period::new(whole.start, d(6, 30)?).expect("ordered");
            let h2 = Period::new(d(7, 1)?, whole.end).expect("ordered");
            add(ActivityKind::ServiceEvent, format!("{year}年上半年便民服务活动"), h1.end, h1);
            add(ActivityKind::ServiceEvent, format!("{year}年下半年便民服务活动"), h2.end, h2);
        } else {
            add(ActivityKind::ServiceEvent, format!("{year}年便民服务活动"), whole.end, whole);
        }
        add(ActivityKind::AnnualMeeting, format!("{year}年{}", ActivityKind::AnnualMeeting.zh()), whole.end, whole);
        items.sort_by_key(|i| (i.due, i.window.start));
        Ok(PublicityPlan { year, items })
    }

    /// The plan on a date, against the activities logged: each planned activity `done`,
    /// `due`, `late` or `upcoming`. Only activities dated on or before `on` are seen.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Activity, ActivityKind, PlanState, PublicityPlan};
    /// let plan = PublicityPlan::for_year(2026, &Default::default())?;
    /// let log = vec![Activity::new("2026-01-20".parse().unwrap(), ActivityKind::Blackboard, "新年计生政策宣传")];
    /// let view = plan.view(&log, "2026-02-10".parse().unwrap());
    /// assert_eq!(view.rows[0].state, PlanState::Done);          // January: done on 20 January
    /// assert_eq!(view.rows[1].state, PlanState::Due);           // February: window open
    /// assert_eq!(view.count(PlanState::Late), 0);
    /// # Ok::<(), famplan::Error>(())
    /// ```
    pub fn view(&self, log: &[Activity], on: NaiveDate) -> PlanView {
        let mut seen: Vec<&Activity> = log.iter().filter(|a| a.date <= on).collect();
        seen.sort_by_key(|a| a.date);
        let mut used = vec![false; seen.len()];
        let mut rows: Vec<PlanRow> = self
            .items
            .iter()
            .map(|p| PlanRow { planned: p.clone(), state: PlanState::Upcoming, done_on: None })
            .collect();
        // Earliest window first, so an activity fulfils the earliest open item it fits.
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.sort_by_key(|&i| (rows[i].planned.window.start, rows[i].planned.due));
        for i in order {
            let p = &rows[i].planned;
            let hit = seen
                .iter()
                .enumerate()
                .find(|(j, a)| !used[*j] && a.kind == p.kind && p.window.contains(a.date))
                .map(|(j, a)| (j, a.date));
            if let Some((j, date)) = hit {
                used[j] = true;
                rows[i].done_on = Some(date);
            }
        }
        for r in &mut rows {
            r.state = match r.done_on {
                Some(_) => PlanState::Done,
                None if on < r.planned.window.start => PlanState::Upcoming,
                None if on <= r.planned.window.end => PlanState::Due,
                None => PlanState::Late,
            };
        }
        PlanView { year: self.year, on, rows }
    }
}

code_enum!(
    /// Where a planned activity stands on a date.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::PlanState::Late.code(), "late");
    /// ```
    PlanState {
        /** Window not open yet. */ Upcoming = "upcoming",
        /** Window open, not done yet. */ Due = "due",
        /** Done inside its window. */ Done = "done",
        /** Window closed, not done. */ Late = "late"
    }
);

/// One planned activity on a date.
///
/// # Example
///
/// ```
/// let plan = famplan::PublicityPlan::for_year(2026, &Default::default())?;
/// let view = plan.view(&[], "2026-03-15".parse().unwrap());
/// assert_eq!(view.rows[0].state, famplan::PlanState::Late);
/// assert!(view.rows[0].done_on.is_none());
/// # Ok::<(), famplan::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlanRow {
    /// The planned activity.
    pub planned: PlannedActivity,
    /// Its state on the view's date.
    pub state: PlanState,
    /// The date of the activity that fulfilled it.
    pub done_on: Option<NaiveDate>,
}

/// The year's plan on a date: every planned activity with its state.
///
/// # Example
///
/// ```
/// let plan = famplan::PublicityPlan::for_year(2026, &Default::default())?;
/// let view = plan.view(&[], "2026-12-31".parse().unwrap());
/// // On 31 December nothing logged: December's blackboard, the training, the second service
/// // event and the meeting are still due (their windows close that day); the 12·1 window
/// // (24 Nov–8 Dec) has closed, so AIDS Day is late with the 16 others.
/// assert_eq!(view.count(famplan::PlanState::Due), 4);
/// assert_eq!(view.count(famplan::PlanState::Late), 17);
/// # Ok::<(), famplan::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlanView {
    /// The year of the plan.
    pub year: i32,
    /// The date of the view.
    pub on: NaiveDate,
    /// The planned activities, in plan order.
    pub rows: Vec<PlanRow>,
}

impl PlanView {
    /// How many planned activities are in a state.
    ///
    /// # Example
    ///
    /// ```
    /// let plan = famplan::PublicityPlan::for_year(2026, &Default::default())?;
    /// assert_eq!(plan.view(&[], "2025-12-31".parse().unwrap()).count(famplan::PlanState::Upcoming), 21);
    /// # Ok::<(), famplan::Error>(())
    /// ```
    pub fn count(&self, state: PlanState) -> usize {
        self.rows.iter().filter(|r| r.state == state).count()
    }
}

/// 宣传活动 — one activity as logged: date, kind, theme, audience, materials handed out,
/// and whether a brief (简报) was reported.
///
/// # Example
///
/// ```
/// use famplan::{Activity, ActivityKind};
/// let a = Activity::new("2026-07-11".parse().unwrap(), ActivityKind::PopulationDay, "世界人口日咨询");
/// assert_eq!((a.materials, a.brief_reported), (0, false));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    /// The day it took place.
    pub date: NaiveDate,
    /// The kind.
    pub kind: ActivityKind,
    /// The theme.
    pub theme: String,
    /// Who it was for (`育龄群众`, `流动人口` …).
    #[serde(default)]
    pub audience: String,
    /// Materials handed out (pieces).
    #[serde(default)]
    pub materials: u32,
    /// A brief was reported upwards.
    #[serde(default)]
    pub brief_reported: bool,
}

impl Activity {
    /// An activity with no audience, materials or brief recorded.
    ///
    /// # Example
    ///
    /// ```
    /// let a = famplan::Activity::new("2026-05-10".parse().unwrap(), famplan::ActivityKind::MothersDay, "关爱母亲");
    /// assert_eq!(a.theme, "关爱母亲");
    /// ```
    pub fn new(date: NaiveDate, kind: ActivityKind, theme: impl Into<String>) -> Activity {
        Activity { date, kind, theme: theme.into(), audience: String::new(), materials: 0, brief_reported: false }
    }
}
