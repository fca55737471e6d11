//! Snapshot workbooks (feature `xlsx`): writing a registry as a workbook and reading it back.
//! A workbook is one community's ledger, so the size is capped at 100,000 persons (a sheet
//! holds at most 1,048,576 rows).

use criterion::Criterion;
use famplan::io::{ImportMode, read_snapshot_xlsx, write_snapshot_xlsx};

pub fn define(c: &mut Criterion) {
    let n = crate::persons().min(100_000);
    let size = format!("{}k", n / 1000);
    let reg = crate::registry::load(&crate::registry::snapshot(n));
    let mut book = Vec::new();
    write_snapshot_xlsx(&reg, None, &[], &mut book).expect("in memory");

    let mut g = c.benchmark_group("xlsx");
    g.throughput(criterion::Throughput::Elements(n));
    g.bench_function(format!("write_snapshot/{size}"), |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(book.len());
            write_snapshot_xlsx(&reg, None, &[], &mut out).expect("in memory");
            assert!(out.len() > 1000);
        })
    });
    g.bench_function(format!("read_snapshot/{size}"), |b| {
        b.iter(|| {
            let (back, summary) =
                read_snapshot_xlsx("bench.xlsx", std::io::Cursor::new(&book[..]), ImportMode::AllOrNothing)
                    .expect("the written workbook reads back");
            assert_eq!((back.len() as u64, summary.persons), (n, n));
        })
    });
    g.finish();
}
