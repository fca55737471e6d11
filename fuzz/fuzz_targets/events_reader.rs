//! `read_events` on arbitrary bytes, as JSON Lines and as CSV. What reads must write and
//! read back to the same events; `Registry::from_events` must not panic, and the same
//! events in reverse order must give an equal registry.
#![no_main]

use famplan::Registry;
use famplan::io::{EventFormat, read_events, write_events};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for format in [EventFormat::JsonLines, EventFormat::Csv] {
        let events = match read_events("events", data, format) {
            Ok(events) => events,
            Err(e) => {
                assert!(!e.to_string().trim().is_empty(), "empty error message: {e:?}");
                continue;
            }
        };
        for out_format in [EventFormat::JsonLines, EventFormat::Csv] {
            let mut buf = Vec::new();
            write_events(&events, &mut buf, out_format).expect("writing to a Vec cannot fail");
            let back = read_events("events", &buf[..], out_format).unwrap_or_else(|e| {
                panic!("written events do not read back ({out_format:?}): {e}\n{}", String::from_utf8_lossy(&buf))
            });
            assert_eq!(back, events, "round trip through {out_format:?} changed the events");
        }
        let (forward, _) = Registry::from_events(events.clone());
        let mut reversed = events;
        reversed.reverse();
        let (backward, _) = Registry::from_events(reversed);
        assert!(forward == backward, "from_events depends on the order of the events");
    }
});
