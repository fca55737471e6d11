//! Synthetic personal data: Chinese names, resident ID numbers and mobile numbers, and the
//! small random helpers shared by both generators.

use chrono::{Datelike, Duration, NaiveDate};
use famplan::{MaritalStatus, Phone, ResidentId, Sex};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// The random generator of every function of this crate: ChaCha8, the same stream on every
/// platform for a given seed.
pub(crate) type Rand = ChaCha8Rng;

/// Common surnames, most frequent first, with rough weights (per mille of the population).
const SURNAMES: &[(&str, u32)] = &[
    ("王", 72),
    ("李", 71),
    ("张", 68),
    ("刘", 53),
    ("陈", 45),
    ("杨", 31),
    ("黄", 22),
    ("赵", 22),
    ("吴", 20),
    ("周", 19),
    ("徐", 15),
    ("孙", 15),
    ("马", 12),
    ("朱", 12),
    ("胡", 11),
    ("郭", 11),
    ("何", 10),
    ("林", 10),
    ("高", 10),
    ("罗", 9),
    ("郑", 9),
    ("梁", 8),
    ("谢", 7),
    ("宋", 7),
    ("唐", 7),
    ("许", 6),
    ("韩", 6),
    ("冯", 6),
    ("邓", 6),
    ("曹", 6),
    ("彭", 5),
    ("曾", 5),
    ("肖", 5),
    ("田", 5),
    ("董", 5),
    ("袁", 5),
    ("潘", 4),
    ("于", 4),
    ("蒋", 4),
    ("蔡", 4),
    ("余", 4),
    ("杜", 4),
    ("叶", 4),
    ("程", 4),
    ("苏", 3),
    ("魏", 3),
    ("吕", 3),
    ("丁", 3),
    ("任", 3),
    ("沈", 3),
    ("姚", 3),
    ("卢", 3),
    ("姜", 3),
    ("崔", 3),
    ("钟", 3),
    ("谭", 3),
    ("陆", 3),
    ("汪", 3),
    ("范", 3),
    ("欧阳", 1),
];

const GIVEN_MALE: &[&str] = &[
    "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华", "飞", "鑫", "波", "宇",
    "浩", "凯", "健", "俊", "帆", "帅", "旭", "宁", "龙", "林", "峰", "建", "国", "志", "文", "海", "东", "亮", "博",
    "晨", "轩", "子", "睿", "泽", "然", "铭", "昊", "天", "佳", "家", "振",
];

const GIVEN_FEMALE: &[&str] = &[
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "婷", "雪", "慧", "莉", "颖", "琳", "倩", "萍", "红",
    "梅", "兰", "英", "秀", "桂", "凤", "洁", "晶", "欣", "悦", "怡", "佳", "雨", "思", "梦", "诗", "晓", "月", "彤",
    "涵", "琪", "子", "心", "可", "妍", "嘉", "美", "春", "丹", "蕾", "璐",
];

/// District codes of the city the synthetic communities are in (registered residents).
pub(crate) const LOCAL_AREAS: &[&str] = &["420102", "420103", "420104", "420105", "420106", "420107", "420111"];

/// County codes elsewhere in China (where floating residents' hukou is).
pub(crate) const OTHER_AREAS: &[&str] = &[
    "421126", "421127", "420982", "411521", "412726", "342422", "510722", "511321", "430524", "360426", "440524",
    "522126", "450881", "130429", "370829", "320923", "421087", "500228", "341221", "431121",
];

const MOBILE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156", "158", "159",
    "166", "176", "177", "180", "181", "182", "183", "185", "186", "187", "188", "189", "191", "198", "199",
];

/// A weighted choice among `N` items: cumulative weights and one draw.
#[derive(Debug, Clone)]
pub(crate) struct Weighted {
    cumulative: Vec<u32>,
}

impl Weighted {
    pub(crate) fn new(weights: &[u32]) -> Weighted {
        let mut acc = 0;
        let cumulative = weights
            .iter()
            .map(|w| {
                acc += w;
                acc
            })
            .collect();
        assert!(acc > 0, "weights must not all be zero");
        Weighted { cumulative }
    }

    /// The index of the chosen item.
    pub(crate) fn pick(&self, rng: &mut Rand) -> usize {
        let total = *self.cumulative.last().expect("non-empty");
        let x = rng.random_range(0..total);
        self.cumulative.partition_point(|&c| c <= x)
    }
}

/// A name generator: a weighted surname and a one- or two-character given name.
#[derive(Debug, Clone)]
pub(crate) struct Names {
    surnames: Weighted,
}

impl Names {
    pub(crate) fn new() -> Names {
        Names { surnames: Weighted::new(&SURNAMES.iter().map(|s| s.1).collect::<Vec<_>>()) }
    }

    pub(crate) fn surname(&self, rng: &mut Rand) -> &'static str {
        SURNAMES[self.surnames.pick(rng)].0
    }

    /// A full name with the given surname.
    pub(crate) fn with_surname(&self, surname: &str, sex: Sex, rng: &mut Rand) -> String {
        let pool = if sex == Sex::Male { GIVEN_MALE } else { GIVEN_FEMALE };
        let mut s = String::with_capacity(12);
        s.push_str(surname);
        s.push_str(pool[rng.random_range(0..pool.len())]);
        if rng.random_bool(0.7) {
            s.push_str(pool[rng.random_range(0..pool.len())]);
        }
        s
    }

    /// A full name.
    pub(crate) fn name(&self, sex: Sex, rng: &mut Rand) -> String {
        let surname = self.surname(rng);
        self.with_surname(surname, sex, rng)
    }
}

/// A valid resident ID number for this birth date and sex, with a local district code for
/// registered residents and a code elsewhere for floating ones.
pub(crate) fn resident_id(birth: NaiveDate, sex: Sex, local: bool, rng: &mut Rand) -> ResidentId {
    let areas = if local { LOCAL_AREAS } else { OTHER_AREAS };
    let area = areas[rng.random_range(0..areas.len())];
    let seq = rng.random_range(0..500u16) * 2 + u16::from(sex == Sex::Male);
    ResidentId::from_parts(area, birth, seq).expect("a listed area code, a real date and a sequence under 1000")
}

/// A valid mobile number.
pub(crate) fn mobile(rng: &mut Rand) -> Phone {
    let mut s = String::with_capacity(11);
    s.push_str(MOBILE_PREFIXES[rng.random_range(0..MOBILE_PREFIXES.len())]);
    for _ in 0..8 {
        s.push(char::from(b'0' + rng.random_range(0..10u8)));
    }
    Phone::parse(&s).expect("11 digits starting 13–19")
}

/// A uniformly random date in `[from, to]` (both included); `from` when `to < from`.
pub(crate) fn date_between(from: NaiveDate, to: NaiveDate, rng: &mut Rand) -> NaiveDate {
    let span = (to - from).num_days();
    if span <= 0 {
        return from;
    }
    from + Duration::days(rng.random_range(0..=span))
}

/// A birth date giving exactly `age` completed years on `on`.
pub(crate) fn birth_for_age(age: u32, on: NaiveDate, rng: &mut Rand) -> NaiveDate {
    // Born in (on − (age+1) years, on − age years].
    let latest = years_before(on, age);
    let earliest = years_before(on, age + 1) + Duration::days(1);
    date_between(earliest, latest, rng)
}

/// `on` minus `years` calendar years (29 February becomes 28 February).
pub(crate) fn years_before(on: NaiveDate, years: u32) -> NaiveDate {
    let y = on.year() - years as i32;
    NaiveDate::from_ymd_opt(y, on.month(), on.day())
        .or_else(|| NaiveDate::from_ymd_opt(y, on.month(), 28))
        .expect("a valid date")
}

/// Appends `YYYY-MM-DD`.
pub(crate) fn push_date(buf: &mut Vec<u8>, d: NaiveDate) {
    let y = d.year() as u32;
    let (m, day) = (d.month(), d.day());
    buf.extend_from_slice(&[
        b'0' + (y / 1000 % 10) as u8,
        b'0' + (y / 100 % 10) as u8,
        b'0' + (y / 10 % 10) as u8,
        b'0' + (y % 10) as u8,
        b'-',
        b'0' + (m / 10) as u8,
        b'0' + (m % 10) as u8,
        b'-',
        b'0' + (day / 10) as u8,
        b'0' + (day % 10) as u8,
    ]);
}

/// Appends a decimal integer.
pub(crate) fn push_u64(buf: &mut Vec<u8>, mut n: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.extend_from_slice(&tmp[i..]);
}

/// Marital status of someone not living with a spouse, by age: one draw from a per-mille
/// table (single, married, divorced, widowed); under 20 is always single and draws nothing.
pub(crate) fn marital_by_age(age: u32, rng: &mut Rand) -> MaritalStatus {
    use MaritalStatus::*;
    let w: [u32; 4] = match age {
        0..20 => return Single,
        20..25 => [900, 95, 5, 0],
        25..30 => [550, 420, 28, 2],
        30..40 => [250, 650, 85, 15],
        40..60 => [60, 740, 120, 80],
        60..75 => [30, 620, 70, 280],
        _ => [20, 350, 30, 600],
    };
    let x = rng.random_range(0..1000);
    if x < w[0] {
        Single
    } else if x < w[0] + w[1] {
        Married
    } else if x < w[0] + w[1] + w[2] {
        Divorced
    } else {
        Widowed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn formatting() {
        let mut b = Vec::new();
        push_date(&mut b, NaiveDate::from_ymd_opt(2026, 7, 5).unwrap());
        b.push(b',');
        push_u64(&mut b, 0);
        b.push(b',');
        push_u64(&mut b, 1_234_567);
        assert_eq!(b, b"2026-07-05,0,1234567");
    }

    #[test]
    fn birth_for_age_is_exact() {
        let mut rng = Rand::seed_from_u64(3);
        let on = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
        for age in 0..100 {
            for _ in 0..20 {
                assert_eq!(famplan::age_on(birth_for_age(age, on, &mut rng), on), age);
            }
        }
    }

    #[test]
    fn ids_and_phones_are_valid() {
        let mut rng = Rand::seed_from_u64(4);
        let birth = NaiveDate::from_ymd_opt(2000, 2, 29).unwrap();
        for sex in [Sex::Female, Sex::Male] {
            let id = resident_id(birth, sex, false, &mut rng);
            assert!(id.disagreements(birth, sex).is_empty());
        }
        assert!(mobile(&mut rng).is_mobile());
        let n = Names::new().name(Sex::Female, &mut rng);
        assert!(n.chars().count() >= 2);
    }
}
