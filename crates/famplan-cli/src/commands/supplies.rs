//! `famplan supplies`: the contraceptive supplies ledger (药具台账, DOMAIN §9) — record stock
//! movements and dispenses, show stock on hand, days of cover and lots expiring soon.

use super::{Failure, date_or_today, open_existing, parse_date, store_error};
use crate::output::{self, Format};
use chrono::NaiveDate;
use famplan::{Event, EventKind, StockMovement, SupplyChannel};
use famplan_store::Store;
use std::path::Path;
use std::process::ExitCode;

/// The supplies ledger of each distribution point (药具台账).
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// Stock on hand per point, item and lot on a date.
    Stock(Query),
    /// Days of cover per point and item: stock on hand over the mean daily use of the last
    /// 90 days ("-" when nothing was dispensed).
    Cover(Query),
    /// Lots on hand that expire within N days of the date (or already have).
    Expiring {
        #[command(flatten)]
        query: Query,
        /// How many days ahead.
        #[arg(long, value_name = "N", default_value_t = 90)]
        within: u32,
    },
    /// Record stock received at a point (入库).
    Receive {
        #[command(flatten)]
        movement: Moved,
        /// The lot's expiry date.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        expires: Option<NaiveDate>,
    },
    /// Record supplies handed to a person from a point's stock (发放): one event, on her case
    /// file and in the ledger.
    Dispense {
        #[command(flatten)]
        movement: Moved,
        /// Who received them.
        #[arg(long, value_name = "ID")]
        person: String,
        /// Cycles covered (pills).
        #[arg(long, value_name = "N")]
        cycles: Option<u32>,
        /// home_delivery, station or self_service.
        #[arg(long, value_name = "CHANNEL")]
        channel: Option<SupplyChannel>,
    },
    /// Record stock that left a point otherwise: returned upstream, expired or lost.
    Remove {
        #[command(flatten)]
        movement: Moved,
        /// returned, expired or lost.
        #[arg(long, value_name = "WHY")]
        reason: StockMovement,
    },
}

#[derive(Debug, clap::Args)]
struct Query {
    /// The date (default: today).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    on: Option<NaiveDate>,
    /// Only this distribution point.
    #[arg(long, value_name = "P")]
    point: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Debug, clap::Args)]
struct Moved {
    /// The distribution point (发放点).
    #[arg(long, value_name = "P")]
    point: String,
    /// The item code (condom, pill …).
    #[arg(long, value_name = "ITEM")]
    item: String,
    /// Units.
    #[arg(long, value_name = "N")]
    quantity: u32,
    /// The lot (批号); for an outflow, none = first expiry first out.
    #[arg(long, value_name = "LOT")]
    lot: Option<String>,
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

/// Records one event in the store; prints its id.
pub fn record(
    db: &Path,
    store: &mut Store,
    id: Option<String>,
    on: NaiveDate,
    by: &str,
    kind: EventKind,
) -> Result<ExitCode, Failure> {
    let id = match id {
        Some(id) => id,
        None => {
            // The next number among this keeper's events of this kind on this day.
            let prefix = format!("{by}-{}-{on}-", kind.code());
            let ids = store.event_ids_with_prefix(&prefix).map_err(store_error(db))?;
            let last = ids.iter().filter_map(|i| i[prefix.len()..].parse::<u64>().ok()).max().unwrap_or(0);
            format!("{prefix}{}", last + 1)
        }
    };
    store.record(Event::new(id.as_str(), on, by, kind)).map_err(store_error(db))?;
    println!("recorded {id}");
    Ok(ExitCode::SUCCESS)
}

fn opt(s: Option<impl ToString>) -> String {
    s.map(|s| s.to_string()).unwrap_or_else(|| "-".into())
}

/// Runs a `supplies` subcommand.
pub fn run(db: &Path, args: Args) -> Result<ExitCode, Failure> {
    let mut store = open_existing(db)?;
    let point_ok = |q: &Query, p: &str| q.point.as_deref().is_none_or(|want| want == p);
    match args.command {
        Sub::Stock(q) => {
            let reg = store.view().map_err(store_error(db))?;
            let rows: Vec<Vec<String>> = reg
                .supplies()
                .stock(date_or_today(q.on))
                .into_iter()
                .filter(|l| point_ok(&q, &l.point))
                .map(|l| vec![l.point, l.item, opt(l.lot), opt(l.expires), l.quantity.to_string()])
                .collect();
            output::rows(&["point", "item", "lot", "expires", "quantity"], &rows, q.format)?;
        }
        Sub::Cover(q) => {
            let reg = store.view().map_err(store_error(db))?;
            let rows: Vec<Vec<String>> = reg
                .supplies()
                .cover(date_or_today(q.on))
                .into_iter()
                .filter(|c| point_ok(&q, &c.point))
                .map(|c| vec![c.point, c.item, c.on_hand.to_string(), c.used.to_string(), opt(c.days)])
                .collect();
            output::rows(&["point", "item", "on_hand", "used_90_days", "days_of_cover"], &rows, q.format)?;
        }
        Sub::Expiring { query: q, within } => {
            let reg = store.view().map_err(store_error(db))?;
            let rows: Vec<Vec<String>> = reg
                .supplies()
                .expiring(date_or_today(q.on), within)
                .into_iter()
                .filter(|l| point_ok(&q, &l.point))
                .map(|l| vec![l.point, l.item, opt(l.lot), opt(l.expires), l.quantity.to_string()])
                .collect();
            output::rows(&["point", "item", "lot", "expires", "quantity"], &rows, q.format)?;
        }
        Sub::Receive { movement: m, expires } => {
            let kind = EventKind::StockMoved {
                point: m.point,
                item: m.item,
                lot: m.lot,
                movement: StockMovement::Received,
                quantity: m.quantity,
                expires,
            };
            return record(db, &mut store, m.id, date_or_today(m.on), &m.by, kind);
        }
        Sub::Dispense { movement: m, person, cycles, channel } => {
            let kind = EventKind::SuppliesDispensed {
                person: famplan::PersonId::new(person.as_str()),
                item: m.item,
                quantity: m.quantity,
                cycles,
                channel,
                point: Some(m.point),
                lot: m.lot,
            };
            return record(db, &mut store, m.id, date_or_today(m.on), &m.by, kind);
        }
        Sub::Remove { movement: m, reason } => {
            if !matches!(reason, StockMovement::Returned | StockMovement::Expired | StockMovement::Lost) {
                return Err(Failure::Message(format!("--reason: `{reason}` is not one of returned, expired, lost")));
            }
            let kind = EventKind::StockMoved {
                point: m.point,
                item: m.item,
                lot: m.lot,
                movement: reason,
                quantity: m.quantity,
                expires: None,
            };
            return record(db, &mut store, m.id, date_or_today(m.on), &m.by, kind);
        }
    }
    Ok(ExitCode::SUCCESS)
}
