//! 药具台账 — the contraceptive supplies ledger (DOMAIN §9).
//!
//! Every movement of stock is an event of the registry's one log: `stock_moved` for what comes
//! in or goes out without a person (received, returned upstream, expired, lost), and the
//! person's own `supplies_dispensed` event, when it names the distribution `point`, for what
//! is handed out. So one dispense is one event: it moves stock out of the ledger and feeds the
//! supply follow-up obligations and the supply rates. Stock is kept per distribution point,
//! item and lot; outflows that name no lot are taken first-expiry-first-out (近效期先出).

use crate::person::code_enum;
use crate::{EventId, PersonId, Registry, Rejection};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

code_enum!(
    /// 出入库类别 — what a stock movement does.
    ///
    /// `received` adds stock; every other movement takes it out. `dispensed` is the movement of
    /// a person's `supplies_dispensed` event: a `stock_moved` event cannot be one.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::StockMovement;
    /// assert!(StockMovement::Received.adds());
    /// assert!(!StockMovement::Lost.adds());
    /// ```
    StockMovement {
        /** 入库 */ Received = "received", /** 发放 */ Dispensed = "dispensed",
        /** 退库 (returned upstream) */ Returned = "returned", /** 过期报废 */ Expired = "expired",
        /** 丢失 */ Lost = "lost"
    }
);

impl StockMovement {
    /// True for the movement that adds stock (`received`).
    ///
    /// # Example
    ///
    /// ```
    /// assert!(famplan::StockMovement::Received.adds());
    /// ```
    pub fn adds(self) -> bool {
        self == StockMovement::Received
    }

    /// Order among the ledger's events of one day: receipts first, then dispenses, then the
    /// other outflows (the same order as the registry's event order).
    pub(crate) fn precedence(self) -> u8 {
        match self {
            StockMovement::Received => 54,
            StockMovement::Dispensed => 55,
            _ => 56,
        }
    }
}

/// 药具出入库记录 — one movement of the ledger, as recorded by its event.
///
/// # Example
///
/// ```
/// let reg = famplan::Registry::example();
/// assert!(reg.supplies().movements().is_empty());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Movement {
    /// The event that recorded it.
    pub event: EventId,
    /// When it happened.
    pub date: NaiveDate,
    /// Audit time of the event (part of the canonical order).
    #[serde(skip)]
    pub recorded_at: NaiveDateTime,
    /// Distribution point (发放点: the community, a station, a self-service machine).
    pub point: String,
    /// Item code (`condom`, `pill` …).
    pub item: String,
    /// Lot (批号); `None` = unlotted, or taken first-expiry-first for an outflow.
    pub lot: Option<String>,
    /// What it does.
    pub movement: StockMovement,
    /// How many units.
    pub quantity: u32,
    /// Expiry date of the lot (receipts only).
    pub expires: Option<NaiveDate>,
    /// The person it was dispensed to.
    pub person: Option<PersonId>,
}

impl Movement {
    fn key(&self) -> (NaiveDate, u8, NaiveDateTime, &str) {
        (self.date, self.movement.precedence(), self.recorded_at, self.event.as_str())
    }
}

/// 库存 — the stock of one lot of one item at one point on a date.
///
/// # Example
///
/// ```
/// let line = famplan::StockLine { point: "s1".into(), item: "condom".into(), lot: None, expires: None, quantity: 3 };
/// assert_eq!(line.quantity, 3);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StockLine {
    /// Distribution point.
    pub point: String,
    /// Item code.
    pub item: String,
    /// Lot, if recorded.
    pub lot: Option<String>,
    /// Expiry date of the lot, if recorded.
    pub expires: Option<NaiveDate>,
    /// Units on hand.
    pub quantity: u64,
}

/// 可供天数 — days of cover of one item at one point: stock on hand over the mean daily use
/// of the last 90 days (the date itself and the 89 days before it) **[D]**.
///
/// # Example
///
/// ```
/// let c = famplan::Cover { point: "s1".into(), item: "condom".into(), on_hand: 90, used: 30, days: Some(270) };
/// assert_eq!(c.days, Some(90 * 90 / 30));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cover {
    /// Distribution point.
    pub point: String,
    /// Item code.
    pub item: String,
    /// Units on hand on the date.
    pub on_hand: u64,
    /// Units dispensed to persons in the 90 days ending on the date.
    pub used: u64,
    /// `on_hand × 90 / used`, rounded down; `None` when nothing was used (no data, not ∞).
    pub days: Option<u64>,
}

/// The window of "recent use" for days of cover, in days **[D]**.
pub const COVER_WINDOW_DAYS: i64 = 90;

/// 药具台账 — stock per distribution point, item and lot, built from the registry's events.
///
/// Stock never goes negative on any date: an event that would make it so is refused by
/// [`Registry::apply`](crate::Registry::apply) with a [`Rejection::Stock`] and changes nothing.
///
/// # Example
///
/// ```
/// use famplan::{Event, EventKind, Registry, StockMovement};
/// let d = |s: &str| s.parse().unwrap();
/// let mut reg = Registry::example();
/// reg.apply(Event::new("r1", d("2026-07-01"), "k1", EventKind::StockMoved {
///     point: "s1".into(), item: "condom".into(), lot: Some("L1".into()),
///     movement: StockMovement::Received, quantity: 100, expires: Some(d("2027-01-31")) }))?;
/// reg.apply(Event::new("d1", d("2026-07-02"), "k1", EventKind::SuppliesDispensed {
///     person: "p1".into(), item: "condom".into(), quantity: 30, cycles: None, channel: None,
///     point: Some("s1".into()), lot: None }))?;
/// // 100 received − 30 dispensed = 70
/// assert_eq!(reg.supplies().on_hand("s1", "condom", d("2026-07-02")), 70);
/// assert_eq!(reg.supplies().on_hand("s1", "condom", d("2026-07-01")), 100);
/// # Ok::<(), famplan::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SupplyLedger {
    movements: Vec<Movement>,
}

/// One movement in a registry checkpoint: every field, `recorded_at` included (the public
/// form leaves it out), as a tuple.
type MovementRow = (
    EventId,
    NaiveDate,
    NaiveDateTime,
    String,
    String,
    Option<String>,
    StockMovement,
    u32,
    Option<NaiveDate>,
    Option<PersonId>,
);

impl Serialize for SupplyLedger {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.movements.iter().map(|m| {
            let row: MovementRow = (
                m.event.clone(),
                m.date,
                m.recorded_at,
                m.point.clone(),
                m.item.clone(),
                m.lot.clone(),
                m.movement,
                m.quantity,
                m.expires,
                m.person.clone(),
            );
            row
        }))
    }
}

impl<'de> Deserialize<'de> for SupplyLedger {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let rows = Vec::<MovementRow>::deserialize(d)?;
        let movements = rows
            .into_iter()
            .map(|(event, date, recorded_at, point, item, lot, movement, quantity, expires, person)| Movement {
                event,
                date,
                recorded_at,
                point,
                item,
                lot,
                movement,
                quantity,
                expires,
                person,
            })
            .collect();
        Ok(SupplyLedger { movements })
    }
}

/// Lots of one item at one point during a fold: FEFO key → (lot, expiry, units).
type Lots = BTreeMap<(NaiveDate, Option<String>), u64>;

/// The expiry date of each lot (of its first receipt).
type Expiries = BTreeMap<Option<String>, Option<NaiveDate>>;

fn fefo_key(lot: &Option<String>, expires: Option<NaiveDate>) -> (NaiveDate, Option<String>) {
    (expires.unwrap_or(NaiveDate::MAX), lot.clone())
}

/// Applies one movement to the lots of its item; `Err((wanted, available))` when short.
fn step(lots: &mut Lots, expiry_of: &Expiries, m: &Movement) -> Result<(), (u64, u64)> {
    let q = u64::from(m.quantity);
    if m.movement.adds() {
        let exp = expiry_of.get(&m.lot).copied().flatten();
        *lots.entry(fefo_key(&m.lot, exp)).or_default() += q;
        return Ok(());
    }
    match &m.lot {
        Some(_) => {
            let exp = expiry_of.get(&m.lot).copied().flatten();
            let have = lots.get(&fefo_key(&m.lot, exp)).copied().unwrap_or(0);
            if have < q {
                return Err((q, have));
            }
            *lots.get_mut(&fefo_key(&m.lot, exp)).expect("checked") -= q;
        }
        None => {
            let have: u64 = lots.values().sum();
            if have < q {
                return Err((q, have));
            }
            let mut left = q;
            for units in lots.values_mut() {
                let take = left.min(*units);
                *units -= take;
                left -= take;
                if left == 0 {
                    break;
                }
            }
        }
    }
    lots.retain(|_, units| *units > 0);
    Ok(())
}

impl SupplyLedger {
    /// Every movement, in the canonical order (date, receipts before outflows, recorded_at, id).
    ///
    /// # Example
    ///
    /// ```
    /// assert!(famplan::SupplyLedger::default().movements().is_empty());
    /// ```
    pub fn movements(&self) -> &[Movement] {
        &self.movements
    }

    /// Checks a new movement against the ledger: the position it goes to, or why it is refused.
    pub(crate) fn check(&self, m: &Movement) -> Result<usize, Rejection> {
        if m.quantity == 0 {
            return Err(Rejection::InvalidValue { field: "quantity", reason: "must be at least 1".into() });
        }
        if m.point.is_empty() {
            return Err(Rejection::InvalidValue { field: "point", reason: "must not be empty".into() });
        }
        if m.item.is_empty() {
            return Err(Rejection::InvalidValue { field: "item", reason: "must not be empty".into() });
        }
        let pos = self.movements.partition_point(|x| x.key() <= m.key());
        let same = |x: &&Movement| x.point == m.point && x.item == m.item;
        let (before, after) = self.movements.split_at(pos);
        let seq: Vec<&Movement> =
            before.iter().filter(same).chain(std::iter::once(m)).chain(after.iter().filter(same)).collect();
        // A lot has one expiry date, the same on every receipt.
        let clash = seq.iter().find(|x| x.movement.adds() && x.lot == m.lot && x.expires != m.expires);
        if let (true, Some(x)) = (m.movement.adds(), clash) {
            let show = |d: Option<NaiveDate>| d.map_or("none".to_string(), |d| d.to_string());
            return Err(Rejection::InvalidValue {
                field: "expires",
                reason: format!(
                    "lot `{}` of `{}` expires {}, not {}",
                    m.lot.as_deref().unwrap_or("-"),
                    m.item,
                    show(x.expires),
                    show(m.expires)
                ),
            });
        }
        let mut expiry_of = Expiries::new();
        for x in seq.iter().filter(|x| x.movement.adds()) {
            expiry_of.entry(x.lot.clone()).or_insert(x.expires);
        }
        let mut lots = Lots::new();
        for x in &seq {
            if let Err((wanted, available)) = step(&mut lots, &expiry_of, x) {
                let reason = Rejection::Stock {
                    point: m.point.clone(),
                    item: m.item.clone(),
                    lot: x.lot.clone(),
                    on: x.date,
                    wanted,
                    available,
                };
                return Err(if std::ptr::eq(*x, m) {
                    reason
                } else {
                    Rejection::InvalidatesLater { later_kind: "stock", later_on: x.date, reason: Box::new(reason) }
                });
            }
        }
        Ok(pos)
    }

    /// Inserts a movement already checked at `pos`.
    pub(crate) fn insert(&mut self, pos: usize, m: Movement) {
        self.movements.insert(pos, m);
    }

    /// The lots of every (point, item) after folding the movements dated on or before `on`.
    fn fold(&self, on: NaiveDate) -> BTreeMap<(&str, &str), (Lots, Expiries)> {
        let mut out: BTreeMap<(&str, &str), (Lots, Expiries)> = BTreeMap::new();
        for m in self.movements.iter().take_while(|m| m.date <= on) {
            let (lots, expiry_of) = out.entry((m.point.as_str(), m.item.as_str())).or_default();
            if m.movement.adds() {
                expiry_of.entry(m.lot.clone()).or_insert(m.expires);
            }
            // Checked on insert: a step never fails here.
            let _ = step(lots, expiry_of, m);
        }
        out
    }

    /// 库存 — every lot with stock on hand on a date (after that day's movements), by point,
    /// item and first expiry.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Event, EventKind, Registry, StockMovement};
    /// let d = |s: &str| s.parse().unwrap();
    /// let mut reg = Registry::example();
    /// for (id, lot, q, exp) in [("r1", "A", 10, "2026-12-31"), ("r2", "B", 5, "2026-09-30")] {
    ///     reg.apply(Event::new(id, d("2026-07-01"), "k1", EventKind::StockMoved { point: "s1".into(), item: "pill".into(),
    ///         lot: Some(lot.into()), movement: StockMovement::Received, quantity: q, expires: Some(d(exp)) }))?;
    /// }
    /// // 7 lost, lot not named: taken from the lot that expires first (B: 5), then A (2): A has 10 − 2 = 8.
    /// reg.apply(Event::new("l1", d("2026-07-03"), "k1", EventKind::StockMoved { point: "s1".into(), item: "pill".into(),
    ///     lot: None, movement: StockMovement::Lost, quantity: 7, expires: None }))?;
    /// let stock = reg.supplies().stock(d("2026-07-03"));
    /// assert_eq!(stock.len(), 1);
    /// assert_eq!((stock[0].lot.as_deref(), stock[0].quantity), (Some("A"), 8));
    /// # Ok::<(), famplan::Error>(())
    /// ```
    pub fn stock(&self, on: NaiveDate) -> Vec<StockLine> {
        let mut out = Vec::new();
        for ((point, item), (lots, _)) in self.fold(on) {
            for ((exp, lot), quantity) in lots {
                out.push(StockLine {
                    point: point.to_string(),
                    item: item.to_string(),
                    lot,
                    expires: (exp != NaiveDate::MAX).then_some(exp),
                    quantity,
                });
            }
        }
        out
    }

    /// Units of an item on hand at a point on a date (all lots).
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// assert_eq!(reg.supplies().on_hand("s1", "condom", "2026-07-01".parse().unwrap()), 0);
    /// ```
    pub fn on_hand(&self, point: &str, item: &str, on: NaiveDate) -> u64 {
        self.fold(on).get(&(point, item)).map_or(0, |(lots, _)| lots.values().sum())
    }

    /// 可供天数 — days of cover of every item at every point on a date (see [`Cover`]).
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Event, EventKind, Registry, StockMovement};
    /// let d = |s: &str| s.parse().unwrap();
    /// let mut reg = Registry::example();
    /// reg.apply(Event::new("r1", d("2026-04-01"), "k1", EventKind::StockMoved { point: "s1".into(), item: "condom".into(),
    ///     lot: None, movement: StockMovement::Received, quantity: 100, expires: None }))?;
    /// reg.apply(Event::new("d1", d("2026-06-01"), "k1", EventKind::SuppliesDispensed { person: "p1".into(),
    ///     item: "condom".into(), quantity: 30, cycles: None, channel: None, point: Some("s1".into()), lot: None }))?;
    /// let c = &reg.supplies().cover(d("2026-06-30"))[0];
    /// // 70 on hand; 30 used in the 90 days to 30 June; 70 × 90 / 30 = 210 days.
    /// assert_eq!((c.on_hand, c.used, c.days), (70, 30, Some(210)));
    /// # Ok::<(), famplan::Error>(())
    /// ```
    pub fn cover(&self, on: NaiveDate) -> Vec<Cover> {
        let from = on - Duration::days(COVER_WINDOW_DAYS - 1);
        let mut used: BTreeMap<(&str, &str), u64> = BTreeMap::new();
        for m in self.movements.iter().filter(|m| m.movement == StockMovement::Dispensed) {
            if m.date >= from && m.date <= on {
                *used.entry((m.point.as_str(), m.item.as_str())).or_default() += u64::from(m.quantity);
            }
        }
        self.fold(on)
            .into_iter()
            .map(|((point, item), (lots, _))| {
                let on_hand: u64 = lots.values().sum();
                let used = used.get(&(point, item)).copied().unwrap_or(0);
                Cover {
                    point: point.to_string(),
                    item: item.to_string(),
                    on_hand,
                    used,
                    days: (used > 0).then(|| on_hand * COVER_WINDOW_DAYS as u64 / used),
                }
            })
            .collect()
    }

    /// 近效期 — lots on hand on a date that expire within `days` days of it (or already have),
    /// the first to expire first.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Event, EventKind, Registry, StockMovement};
    /// let d = |s: &str| s.parse().unwrap();
    /// let mut reg = Registry::example();
    /// reg.apply(Event::new("r1", d("2026-07-01"), "k1", EventKind::StockMoved { point: "s1".into(), item: "pill".into(),
    ///     lot: Some("A".into()), movement: StockMovement::Received, quantity: 10, expires: Some(d("2026-08-15")) }))?;
    /// // 1 July + 45 days = 15 August: the lot is in; with 44 days it is not.
    /// assert_eq!(reg.supplies().expiring(d("2026-07-01"), 45).len(), 1);
    /// assert!(reg.supplies().expiring(d("2026-07-01"), 44).is_empty());
    /// # Ok::<(), famplan::Error>(())
    /// ```
    pub fn expiring(&self, on: NaiveDate, days: u32) -> Vec<StockLine> {
        let limit = on + Duration::days(i64::from(days));
        let mut out: Vec<StockLine> =
            self.stock(on).into_iter().filter(|l| l.expires.is_some_and(|e| e <= limit)).collect();
        out.sort_by(|a, b| (a.expires, &a.point, &a.item, &a.lot).cmp(&(b.expires, &b.point, &b.item, &b.lot)));
        out
    }
}

impl Registry {
    /// 药具台账 — the supplies ledger (DOMAIN §9).
    ///
    /// # Example
    ///
    /// ```
    /// assert!(famplan::Registry::example().supplies().stock("2026-06-30".parse().unwrap()).is_empty());
    /// ```
    pub fn supplies(&self) -> &crate::SupplyLedger {
        &self.st().ledger
    }
}
