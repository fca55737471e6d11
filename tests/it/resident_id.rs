//! Resident ID numbers (GB 11643-1999) and phones, DOMAIN §12.

use famplan::{Phone, ResidentId, ResidentIdError, Sex};
use proptest::prelude::*;

#[test]
fn the_three_domain_examples() {
    let a = ResidentId::parse("11010519491231002X").unwrap();
    assert_eq!((a.birth_date().to_string(), a.sex()), ("1949-12-31".to_string(), Sex::Female));
    let b = ResidentId::parse("440524188001010014").unwrap();
    assert_eq!((b.birth_date().to_string(), b.sex()), ("1880-01-01".to_string(), Sex::Male));
    assert_eq!(ResidentId::parse("36042619910102009X"), Err(ResidentIdError::Checksum { expected: '3', found: 'X' }));
}

#[test]
fn error_messages_name_the_part() {
    let cases = [
        "1101051949123100",
        "11010519491231002Y",
        "00010519491231002X",
        "110105194913310020",
        "36042619910102009X",
        "11010519491231002X ",
        "11010549123100",
    ];
    let text: String = cases
        .iter()
        .map(|c| match ResidentId::parse(c) {
            Ok(id) => format!("{c:?} -> ok {id}\n"),
            Err(e) => format!("{c:?} -> {e}\n"),
        })
        .collect();
    insta::assert_snapshot!("resident_id_errors", text);
}

#[test]
fn lower_case_x_and_legacy_numbers_normalise() {
    assert_eq!(ResidentId::parse("11010519491231002x").unwrap().as_str(), "11010519491231002X");
    assert_eq!(ResidentId::parse("110105491231002").unwrap().as_str(), "11010519491231002X");
}

#[test]
fn phones() {
    for (input, out) in [
        ("13812345678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("0086-13812345678", "13812345678"),
        ("１３８-１２３４-５６７８", "13812345678"),
        ("010-12345678", "010-12345678"),
        ("0755-1234567", "0755-1234567"),
    ] {
        assert_eq!(Phone::parse(input).unwrap().as_str(), out, "{input}");
    }
    for bad in ["12345678901", "1381234567", "138123456789", "010 12345678x", ""] {
        assert!(Phone::parse(bad).is_err(), "{bad}");
    }
}

fn valid_id() -> impl Strategy<Value = ResidentId> {
    (
        prop::sample::select(vec!["110105", "440524", "360426", "510104", "650102", "820000", "910000"]),
        0i64..60000,
        0u16..1000,
    )
        .prop_map(|(area, days, seq)| {
            let birth = chrono::NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Days::new(days as u64);
            ResidentId::from_parts(area, birth, seq).unwrap()
        })
}

proptest! {
    /// MOD 11-2 catches every single-character substitution (DOMAIN §12).
    #[test]
    fn every_single_character_change_is_detected(id in valid_id(), pos in 0usize..18, c in prop::sample::select("0123456789X".chars().collect::<Vec<_>>())) {
        let mut chars: Vec<char> = id.as_str().chars().collect();
        prop_assume!(chars[pos] != c);
        chars[pos] = c;
        let changed: String = chars.into_iter().collect();
        prop_assert!(ResidentId::parse(&changed).is_err(), "{} accepted", changed);
    }

    #[test]
    fn parts_round_trip(id in valid_id()) {
        let again = ResidentId::from_parts(id.area_code(), id.birth_date(), id.as_str()[14..17].parse().unwrap()).unwrap();
        prop_assert_eq!(again, id);
        prop_assert_eq!(id.as_str().parse::<ResidentId>().unwrap(), id);
    }
}
