//! Inputs the fuzz targets (`fuzz/`) found, each with the behaviour it must have.

use famplan::{Period, Phone, PhoneError};

/// Seen while writing the `resident_id` target's `Period` check (and fixed before its run):
/// `S` followed by the smallest `i32` made `Period::statistical_year` compute `year - 1` and
/// overflow (a panic with overflow checks on, as in the fuzz build). It is an error now.
#[test]
fn statistical_year_of_the_smallest_year_is_an_error_not_an_overflow() {
    let err = "S-2147483648".parse::<Period>().unwrap_err();
    assert_eq!(err, "`S-2147483648` is not a period (START..END, YYYY, YYYY-MM, YYYY-Qn or SYYYY)");
    assert!(Period::statistical_year(i32::MIN).is_none());
}

/// `resident_id` target: `0086` was both stripped as the international prefix and taken as
/// a landline area code, so `" 0086 0086-12 0086 0"` normalised to `0086-1200860`, which the
/// next parse read as `+86` followed by the 7 digits `1200860` and refused. An area code
/// starting `00` is refused now, so every normalised phone parses back to itself.
#[test]
fn a_phone_never_normalises_to_text_it_refuses() {
    let input = " 0086 0086-12 0086 0";
    assert_eq!(Phone::parse(input), Err(PhoneError(input.to_string())));
    assert!(Phone::parse("0086-1200860").is_err());
    // Real landlines, with and without the country prefix, still parse and re-parse.
    for (text, normal) in [("010-12345678", "010-12345678"), ("0086 0755-1234567", "0755-1234567")] {
        let p = Phone::parse(text).unwrap();
        assert_eq!(p.as_str(), normal);
        assert_eq!(Phone::parse(p.as_str()), Ok(p));
    }
}
