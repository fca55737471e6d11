//! A small generated snapshot (DOMAIN §15) of any size, as CSV text; shared by the tests
//! and the bench (`#[path]`), so both build the same data.

use std::fmt::Write;
use std::path::Path;

/// The four snapshot files' text.
pub struct Snapshot {
    pub areas: String,
    pub households: String,
    pub persons: String,
    pub visits: String,
}

/// About `persons` persons, 2.5 to a household, 400 households to a grid, 10 grids to a zone.
pub fn snapshot(persons: usize) -> Snapshot {
    let households = persons.div_ceil(5) * 2;
    let grids = households.div_ceil(400).max(1);
    let mut s = Snapshot {
        areas: "grid_id,zone_id,community_id\n".into(),
        households: "household_id,grid_id,kind\n".into(),
        persons: "person_id,household_id,grid_id,sex,birth_date,marital_status,residency,case_file,\
                  contraceptive_method,method_start,last_birth_date,name,marital_since\n"
            .into(),
        visits: "visit_id,person_id,date,kind\n".into(),
    };
    for g in 0..grids {
        writeln!(s.areas, "{},{},c1", 1000 + g, 100 + g / 10).unwrap();
    }
    let kinds = ["registered", "rental", "street_front", "registered", "collective"];
    for h in 0..households {
        writeln!(s.households, "h{h},{},{}", 1000 + h / 400, kinds[h % kinds.len()]).unwrap();
    }
    for p in 0..persons {
        let h = p * 2 / 5;
        let grid = 1000 + h / 400;
        let female = p % 2 == 0;
        let year = 1950 + (p * 7 % 70);
        let birth = format!("{year}-{:02}-{:02}", 1 + p % 12, 1 + p % 28);
        let adult = year <= 2004;
        let married = adult && p % 3 != 0;
        let marital = if married { "married" } else { "single" };
        let since = if married && p % 4 == 0 { format!("{}-06-01", year + 22) } else { String::new() };
        let residency = if p % 5 == 0 { "floating" } else { "registered" };
        let wra = female && (1977..=2011).contains(&year);
        let (method, start) = if wra && married && p % 4 != 2 { ("iud", "2024-03-01") } else { ("", "") };
        let birth_child = if wra && married && year <= 1996 && p % 6 == 0 { "2023-05-10" } else { "" };
        writeln!(
            s.persons,
            "{p},h{h},{grid},{},{birth},{marital},{residency},{},{method},{start},{birth_child},name {p},{since}",
            if female { "F" } else { "M" },
            u8::from(wra),
        )
        .unwrap();
        if p % 3 == 0 {
            writeln!(s.visits, "v{p},{p},2025-{:02}-15,floating_monthly_check", 1 + p % 12).unwrap();
        }
    }
    s
}

/// Writes the files into `dir`.
pub fn write_dir(dir: &Path, s: &Snapshot) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in
        [("areas", &s.areas), ("households", &s.households), ("persons", &s.persons), ("visits", &s.visits)]
    {
        std::fs::write(dir.join(format!("{name}.csv")), text).unwrap();
    }
}
