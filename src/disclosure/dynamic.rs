//! 动态类 — the dynamic notices, generated from the registry for the year of the page's date
//! up to that date.
//!
//! What the registry holds, and so what is generated:
//! - births this year by grid: live births (children, as `birth_rate` counts them) by the
//!   grid of the mother on the birth date;
//! - reward claims granted this year by grid: `reward_claim` certificates (奖励优惠申报)
//!   issued, and, with a recorded legal basis, the list of recipients (masked).
//!
//! What it does not hold (see DESIGN.md): reward amounts, only-child health fee payouts
//! (独生子女保健费) and social maintenance fees (社会抚养费, legacy) — no event records them.

use super::public::{LegalBasis, MaskedAddress, MaskedId, MaskedName, PublicText};
use super::{Audience, Block, CountTable, DisclosureCategory, ListedPerson, PersonList, PublicItem};
use crate::{AreaLevel, CertificateAction, CertificateKind, GroupBy, Params, Period, RateCode, Registry};
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeSet;

fn text(s: String) -> PublicText {
    PublicText::composed(s)
}

/// The grids in definition order, each with its display label.
fn grids(reg: &Registry) -> Vec<(String, PublicText)> {
    reg.areas()
        .all(AreaLevel::Grid)
        .iter()
        .map(|a| (a.id.clone(), text(a.name.clone().unwrap_or_else(|| a.id.clone()))))
        .collect()
}

fn by_grid(reg: &Registry, count: impl Fn(&str) -> u64, outside: u64) -> Vec<(PublicText, u64)> {
    let mut rows: Vec<(PublicText, u64)> = grids(reg).into_iter().map(|(id, label)| (label, count(&id))).collect();
    if outside > 0 {
        rows.push((text("未分网格".into()), outside));
    }
    rows
}

pub(super) fn items(reg: &Registry, on: NaiveDate, basis: Option<&LegalBasis>) -> Vec<PublicItem> {
    let year = on.year();
    let start = NaiveDate::from_ymd_opt(year, 1, 1).expect("1 January exists");
    let end = NaiveDate::from_ymd_opt(year, 12, 31).expect("31 December exists");
    let so_far = Period::new(start, on).expect("1 January is not after the date");
    let item = |title: String, body: Vec<Block>| PublicItem {
        category: DisclosureCategory::Dynamic,
        title: text(title),
        audience: Audience::Community,
        publish_on: on,
        expires_on: Some(end),
        body,
    };
    let mut out = Vec::new();

    // Births: the rate engine's count of live births, so the page and `birth_rate` agree.
    let births = reg.rate(&RateCode::BirthRate.into(), &Params::new(on).period(so_far), GroupBy::Grid);
    let n = |key: &str| births.row(key).map_or(0, |r| r.counts.numerator);
    let rows = by_grid(reg, n, n(""));
    let table = CountTable::new(
        text(format!("{year}年1月1日至{on}出生人数（按母亲所在网格）")),
        text("网格".into()),
        text("出生人数".into()),
        rows,
    );
    out.push(item(format!("{year}年出生情况公示"), vec![Block::Counts(table)]));

    // Reward claims issued this year, from each person's case file as of the date (only
    // certificates that applied; the state, not the log, so a store's view answers too).
    let mut granted: Vec<(String, NaiveDate, crate::PersonId)> = Vec::new();
    for p in reg.persons() {
        let issued = |c: &&crate::Dated<(CertificateKind, CertificateAction)>| {
            c.what == (CertificateKind::RewardClaim, CertificateAction::Issued)
                && c.on.is_some_and(|d| so_far.contains(d))
        };
        let cf = p.case_file(on);
        for c in cf.certificates.iter().filter(issued) {
            let d = c.on.expect("filtered");
            let grid = p.state_on(d).map(|s| s.grid.to_string()).unwrap_or_default();
            granted.push((grid, d, cf.person.clone()));
        }
    }
    let count = |g: &str| granted.iter().filter(|(grid, _, _)| grid == g).count() as u64;
    let known: BTreeSet<String> = reg.areas().all(AreaLevel::Grid).iter().map(|a| a.id.clone()).collect();
    let outside = granted.iter().filter(|(g, _, _)| !known.contains(g)).count() as u64;
    let mut body = vec![Block::Counts(CountTable::new(
        text(format!("{year}年1月1日至{on}奖励优惠发放（人次）")),
        text("网格".into()),
        text("发放人次".into()),
        by_grid(reg, count, outside),
    ))];
    if let Some(basis) = basis {
        let mut list = PersonList::new(text(format!("{year}年奖励优惠发放对象名单")), basis.clone());
        granted.sort_by(|a, b| (a.1, &a.2).cmp(&(b.1, &b.2)));
        for (_, d, id) in &granted {
            let Some(person) = reg.person(id) else { continue };
            let address = reg.household(&person.household).map(|h| MaskedAddress::of(&h.place, reg.areas()));
            list.push(ListedPerson {
                name: MaskedName::of(&person.name),
                id: person.id_number.as_ref().map(MaskedId::of),
                address,
                note: Some(text(format!("{d} 奖励优惠发放"))),
            });
        }
        body.push(Block::People(list));
    }
    out.push(item(format!("{year}年奖励优惠发放公示"), body));
    out
}
