//! Events as JSON Lines and CSV: round trips and located errors.

use famplan::Registry;
use famplan::io::{EventFormat, read_events, write_events};

#[test]
fn both_formats_round_trip_the_example_log() {
    let events = Registry::example().events().to_vec();
    for format in [EventFormat::JsonLines, EventFormat::Csv] {
        let mut buf = Vec::new();
        write_events(&events, &mut buf, format).unwrap();
        assert_eq!(read_events("events", &buf[..], format).unwrap(), events, "{format:?}");
        // Writing what was read gives the same bytes.
        let mut again = Vec::new();
        write_events(&read_events("events", &buf[..], format).unwrap(), &mut again, format).unwrap();
        assert_eq!(again, buf);
    }
}

#[test]
fn bad_lines_are_located() {
    let text = concat!(
        r#"{"id":"e1","date":"2026-03-01","recorded_at":"2026-03-01T10:00:00","recorded_by":"k1","kind":"died","person":"p1"}"#,
        "\n\n",
        r#"{"id":"e2","date":"2026-02-30","recorded_at":"2026-03-01T10:00:00","recorded_by":"k1","kind":"died","person":"p1"}"#,
        "\n",
        r#"{"id":"e3","date":"2026-03-01","recorded_at":"2026-03-01T10:00:00","recorded_by":"k1","kind":"eloped","person":"p1"}"#,
        "\n",
        r#"{"id":"e1","date":"2026-03-01","recorded_at":"2026-03-01T10:00:00","recorded_by":"k1","kind":"died","person":"p2"}"#,
        "\nnot json\n",
    );
    let err = read_events("events.jsonl", text.as_bytes(), EventFormat::JsonLines).unwrap_err();
    insta::assert_snapshot!("events_jsonl_errors", err.to_string());
    let csv = "id,date,recorded_at,recorded_by,kind,data\ne1,2026-03-01,2026-03-01T10:00:00,k1,died,\"{\"\"person\"\":1}\"\ne2,2026-03-01,2026-03-01T10:00:00,k1,died,[1]\n";
    let err = read_events("events.csv", csv.as_bytes(), EventFormat::Csv).unwrap_err();
    insta::assert_snapshot!("events_csv_errors", err.to_string());
}
