//! `read_snapshot` on arbitrary bytes. The input is split on the byte 0x1E (ASCII record
//! separator) into areas.csv, households.csv, persons.csv, visits.csv and, if a fifth part
//! is there, events.jsonl. Both import modes run; neither may panic, and AllOrNothing's
//! error must say something.
#![no_main]

use famplan::io::{EventFormat, ImportMode, SnapshotFiles, read_snapshot};
use libfuzzer_sys::fuzz_target;

const SEP: u8 = 0x1E;

fn files(parts: &[&[u8]]) -> SnapshotFiles<'static> {
    let part = |i: usize| parts.get(i).map(|p| p.to_vec()).unwrap_or_default();
    let mut f = SnapshotFiles::new()
        .areas("areas.csv", std::io::Cursor::new(part(0)))
        .households("households.csv", std::io::Cursor::new(part(1)))
        .persons("persons.csv", std::io::Cursor::new(part(2)))
        .visits("visits.csv", std::io::Cursor::new(part(3)));
    if parts.len() > 4 {
        f = f.events("events.jsonl", std::io::Cursor::new(part(4)), EventFormat::JsonLines);
    }
    f
}

fuzz_target!(|data: &[u8]| {
    let parts: Vec<&[u8]> = data.splitn(5, |b| *b == SEP).collect();

    // KeepGoing: must not panic, whatever it returns.
    let _ = read_snapshot(files(&parts), ImportMode::KeepGoing);

    // AllOrNothing: a registry, or an error that says something.
    match read_snapshot(files(&parts), ImportMode::AllOrNothing) {
        Ok((reg, summary)) => {
            assert!(summary.rejects.is_empty(), "AllOrNothing succeeded with rejects: {:?}", summary.rejects);
            let _ = reg.len();
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(!msg.trim().is_empty(), "empty error message: {e:?}");
        }
    }
});
