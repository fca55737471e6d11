//! Writes the seed corpora: `cargo run --bin seed_corpus` from `fuzz/`.
//!
//! * `corpus/snapshot_reader/`: `testdata/snapshot/small/` joined with 0x1E, without and
//!   with the example's events as a fifth part.
//! * `corpus/events_reader/`, `corpus/apply/`: `Registry::example()`'s events written by
//!   `write_events` (JSON Lines and CSV), whole and one prefix per event.
//! * `corpus/resident_id/`: resident ids, phones and periods.

use famplan::Registry;
use famplan::io::{EventFormat, write_events};
use std::fs;
use std::path::Path;

fn put(dir: &Path, name: &str, bytes: &[u8]) {
    fs::create_dir_all(dir).unwrap();
    fs::write(dir.join(name), bytes).unwrap();
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("corpus");
    let small = root.join("../testdata/snapshot/small");
    let events = Registry::example().events().to_vec();
    let written = |events: &[famplan::Event], format| {
        let mut buf = Vec::new();
        write_events(events, &mut buf, format).unwrap();
        buf
    };
    let jsonl = written(&events, EventFormat::JsonLines);
    let csv = written(&events, EventFormat::Csv);

    let mut snap = Vec::new();
    for (i, f) in ["areas.csv", "households.csv", "persons.csv", "visits.csv"].iter().enumerate() {
        if i > 0 {
            snap.push(0x1E);
        }
        snap.extend(fs::read(small.join(f)).unwrap());
    }
    put(&corpus.join("snapshot_reader"), "small", &snap);
    let mut with_events = snap.clone();
    with_events.push(0x1E);
    with_events.extend(&jsonl);
    put(&corpus.join("snapshot_reader"), "small_with_events", &with_events);

    for target in ["events_reader", "apply"] {
        let dir = corpus.join(target);
        put(&dir, "example.jsonl", &jsonl);
        if target == "events_reader" {
            put(&dir, "example.csv", &csv);
        }
        for n in 1..events.len() {
            put(&dir, &format!("prefix{n:02}.jsonl"), &written(&events[..n], EventFormat::JsonLines));
        }
    }

    let dir = corpus.join("resident_id");
    for (i, s) in [
        "11010519491231002X",
        "11010519491231002x",
        "440524188001010014",
        "110105491231002",
        "36042619910102009X",
        "+86 138-1234-5678",
        "010-12345678",
        "2026-06",
        "2026-Q2",
        "2026",
    ]
    .iter()
    .enumerate()
    {
        put(&dir, &format!("seed{i}"), s.as_bytes());
    }
    println!("seed corpora written under {}", corpus.display());
}
