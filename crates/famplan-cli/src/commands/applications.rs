//! `famplan applications`: one-stop applications (一站式服务, DOMAIN §10) — list them (the
//! overdue ones with `--overdue`), record a step, log and answer service requests.

use super::supplies::record;
use super::{Failure, date_or_today, open_existing, parse_date, store_error};
use crate::output::{self, Format};
use chrono::NaiveDate;
use famplan::{CertificateAction, CertificateKind, ConsultationTopic, EventKind, RequestChannel, TimeLimits};
use std::path::Path;
use std::process::ExitCode;

/// Applications for documents at the one-stop counter, and service requests.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// Every application known on a date with its state and due date (`--overdue`: only those
    /// still pending after their time limit).
    List {
        /// The date (default: today).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        on: Option<NaiveDate>,
        /// Only the overdue ones.
        #[arg(long)]
        overdue: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// 资格复核: applications (pending or issued) that the facts and the policy known now make
    /// ineligible on their application date — a sibling's birth recorded late, an application
    /// merged from another device — with the reason, for a keeper to review.
    Review {
        /// The date (default: today).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        on: Option<NaiveDate>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Record a step of a person's application: applied, under_review, issued, rejected,
    /// reissued or voided (an illegal step or an ineligible application is refused).
    Record {
        /// Whose application.
        #[arg(long, value_name = "ID")]
        person: String,
        /// service_booklet, only_child_honour, floating_marriage_birth, birth_registration,
        /// reward_claim or extra_child_approval.
        #[arg(long, value_name = "KIND")]
        kind: CertificateKind,
        /// The step.
        #[arg(long, value_name = "STEP")]
        step: CertificateAction,
        #[command(flatten)]
        at: At,
    },
    /// Log a service request (a policy consultation, a hotline call).
    Request {
        /// The request's id.
        #[arg(long, value_name = "ID")]
        request: String,
        /// counter, phone, hotline, online or home_visit.
        #[arg(long, value_name = "CHANNEL")]
        channel: RequestChannel,
        /// healthy_birth, policy or other.
        #[arg(long, value_name = "TOPIC")]
        topic: ConsultationTopic,
        /// The person, if one of ours.
        #[arg(long, value_name = "ID")]
        person: Option<String>,
        #[command(flatten)]
        at: At,
    },
    /// Record that a logged service request was answered.
    Answer {
        /// The request's id.
        #[arg(long, value_name = "ID")]
        request: String,
        #[command(flatten)]
        at: At,
    },
    /// Service requests logged by a date, with when each was answered (`--open`: only the
    /// unanswered).
    Requests {
        /// The date (default: today).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        on: Option<NaiveDate>,
        /// Only those not answered yet.
        #[arg(long)]
        open: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

#[derive(Debug, clap::Args)]
struct At {
    /// The date it happened (default: today).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    on: Option<NaiveDate>,
    /// Who records it.
    #[arg(long, value_name = "STAFF", default_value = "cli")]
    by: String,
    /// The event id (default: `<by>-<kind>-<date>-<n>`).
    #[arg(long, value_name = "ID")]
    id: Option<String>,
}

/// Runs an `applications` subcommand.
pub fn run(db: &Path, args: Args) -> Result<ExitCode, Failure> {
    let mut store = open_existing(db)?;
    match args.command {
        Sub::List { on, overdue, format } => {
            let reg = store.view().map_err(store_error(db))?;
            let on = date_or_today(on);
            let limits = TimeLimits::default();
            let apps = if overdue { reg.overdue_applications(on, &limits) } else { reg.applications(on, &limits) };
            let rows: Vec<Vec<String>> = apps
                .into_iter()
                .map(|a| {
                    vec![
                        a.person.to_string(),
                        a.kind.to_string(),
                        a.applied_on.to_string(),
                        a.state.to_string(),
                        a.changed_on.to_string(),
                        a.due.to_string(),
                        if a.is_overdue(on) { (on - a.due).num_days().to_string() } else { String::new() },
                        a.valid_until.map(|d| d.to_string()).unwrap_or_default(),
                    ]
                })
                .collect();
            let header = ["person", "kind", "applied_on", "state", "since", "due", "days_overdue", "valid_until"];
            output::rows(&header, &rows, format)?;
        }
        Sub::Review { on, format } => {
            let reg = store.view().map_err(store_error(db))?;
            let rows: Vec<Vec<String>> = reg
                .eligibility_flags(date_or_today(on), &TimeLimits::default())
                .into_iter()
                .map(|f| {
                    let a = f.application;
                    vec![
                        a.person.to_string(),
                        a.kind.to_string(),
                        a.applied_on.to_string(),
                        a.state.to_string(),
                        a.event.to_string(),
                        f.reason,
                    ]
                })
                .collect();
            output::rows(&["person", "kind", "applied_on", "state", "event", "reason"], &rows, format)?;
        }
        Sub::Record { person, kind, step, at } => {
            let event = EventKind::Certificate {
                person: famplan::PersonId::new(person.as_str()),
                certificate: kind,
                action: step,
            };
            return record(db, &mut store, at.id, date_or_today(at.on), &at.by, event);
        }
        Sub::Request { request, channel, topic, person, at } => {
            let event = EventKind::ServiceRequested {
                request,
                channel,
                topic,
                person: person.map(|p| famplan::PersonId::new(p.as_str())),
                grid: None,
            };
            return record(db, &mut store, at.id, date_or_today(at.on), &at.by, event);
        }
        Sub::Answer { request, at } => {
            let event = EventKind::ServiceAnswered { request };
            return record(db, &mut store, at.id, date_or_today(at.on), &at.by, event);
        }
        Sub::Requests { on, open, format } => {
            let reg = store.view().map_err(store_error(db))?;
            let rows: Vec<Vec<String>> = reg
                .service_requests(date_or_today(on))
                .into_iter()
                .filter(|r| !open || r.answered_on.is_none())
                .map(|r| {
                    vec![
                        r.request,
                        r.date.to_string(),
                        r.channel.to_string(),
                        r.topic.to_string(),
                        r.person.map(|p| p.to_string()).unwrap_or_default(),
                        r.answered_on.map(|d| d.to_string()).unwrap_or_default(),
                    ]
                })
                .collect();
            output::rows(&["request", "date", "channel", "topic", "person", "answered_on"], &rows, format)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
