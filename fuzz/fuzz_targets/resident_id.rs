//! `ResidentId::parse` (and `Phone::parse`, `Period`'s `FromStr`) on arbitrary text: no
//! panic; a parsed id is 18 characters and re-parses to itself.
#![no_main]

use famplan::{Period, Phone, ResidentId};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(id) = ResidentId::parse(s) {
        assert_eq!(id.as_str().len(), 18, "{s:?} parsed to {id:?}");
        assert_eq!(ResidentId::parse(id.as_str()), Ok(id), "{s:?} parsed to {id:?}, which does not re-parse");
        let _ = (id.birth_date(), id.sex(), id.area_code());
    }
    if let Ok(p) = Phone::parse(s) {
        assert_eq!(Phone::parse(p.as_str()).as_ref(), Ok(&p), "{s:?} parsed to {p:?}, which does not re-parse");
    }
    if let Ok(p) = s.parse::<Period>() {
        let _ = (p.days(), p.contains(p.start));
        // Display writes YYYY-MM-DD..YYYY-MM-DD; years before 0 or past 9999 print as `-0001-…`/`+10000-…`, which
        // no date field of the project reads, so the round trip is checked for 4-digit years.
        let text = p.to_string();
        if [p.start, p.end].iter().any(|d| d.format("%Y").to_string().len() != 4) {
            return;
        }
        assert_eq!(text.parse::<Period>().ok(), Some(p), "{s:?} parsed to {text:?}, which does not re-parse");
    }
});
