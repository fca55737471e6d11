//! Events as JSON Lines: all but the last build a registry, then the last is applied. A
//! refused event must leave the registry equal to what it was; an accepted one must be in
//! the log.
#![no_main]

use famplan::Registry;
use famplan::io::{EventFormat, read_events};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(mut events) = read_events("events.jsonl", data, EventFormat::JsonLines) else { return };
    let Some(last) = events.pop() else { return };
    let (mut reg, _) = Registry::from_events(events);
    let before = reg.clone();
    match reg.apply(last.clone()) {
        Ok(()) => assert!(reg.events().contains(&last), "accepted event {} is not in the log", last.id),
        Err(e) => {
            assert!(!e.to_string().trim().is_empty());
            assert!(reg == before, "refused event {} changed the registry: {e}", last.id);
        }
    }
});
