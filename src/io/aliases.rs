//! The Chinese names a community types into a ledger workbook (台账): sheet names, column
//! headers and cell values, each mapped to the snapshot's own name (DOMAIN §15). One table,
//! read by the workbook reader and printed in `DESIGN.md`.

/// One snapshot column and the Chinese words that may stand for it in a workbook: the
/// header (表头) and, for coded columns, the values (取值).
///
/// # Example
///
/// ```
/// let sex = famplan::io::COLUMN_ALIASES.iter().find(|a| a.column == "sex").unwrap();
/// assert_eq!(sex.headers, ["性别"]);
/// assert_eq!(sex.value("女"), Some("F"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ColumnAlias {
    /// The snapshot's column name (`birth_date`).
    pub column: &'static str,
    /// Chinese headers that mean this column (`出生日期`).
    pub headers: &'static [&'static str],
    /// For coded columns: each code and the Chinese values that mean it.
    pub values: &'static [(&'static str, &'static [&'static str])],
}

impl ColumnAlias {
    /// The code a Chinese value stands for, if it is one of this column's aliases.
    ///
    /// # Example
    ///
    /// ```
    /// let m = famplan::io::COLUMN_ALIASES.iter().find(|a| a.column == "contraceptive_method").unwrap();
    /// assert_eq!(m.value("上环"), Some("iud"));
    /// assert_eq!(m.value("iud"), None);
    /// ```
    pub fn value(&self, text: &str) -> Option<&'static str> {
        self.values.iter().find(|(_, zh)| zh.contains(&text)).map(|(code, _)| *code)
    }
}

const NO_VALUES: &[(&str, &[&str])] = &[];

/// Every column of the snapshot with its Chinese headers and values. A header or value not
/// listed is read as written (so the English names always work).
///
/// # Example
///
/// ```
/// use famplan::io::COLUMN_ALIASES;
/// let birth = COLUMN_ALIASES.iter().find(|a| a.headers.contains(&"出生日期")).unwrap();
/// assert_eq!(birth.column, "birth_date");
/// ```
pub const COLUMN_ALIASES: &[ColumnAlias] = &[
    // areas
    ColumnAlias { column: "grid_id", headers: &["网格编号", "网格", "网格号"], values: NO_VALUES },
    ColumnAlias { column: "zone_id", headers: &["片区编号", "片区"], values: NO_VALUES },
    ColumnAlias { column: "community_id", headers: &["社区编号", "社区"], values: NO_VALUES },
    // households
    ColumnAlias { column: "household_id", headers: &["户编号", "户号"], values: NO_VALUES },
    ColumnAlias {
        column: "kind",
        headers: &["住房类型", "房屋类型", "户类型", "随访类型", "事件类型"],
        values: &[
            ("registered", &["自有", "自住", "自有住房"]),
            ("rental", &["出租", "出租房"]),
            ("street_front", &["街面房", "门面房"]),
            ("collective", &["集体", "集体户"]),
            // visits.csv's `kind` (the header 随访类型)
            ("marriage_home", &["结婚登门"]),
            ("birth_home", &["生育登门"]),
            ("post_surgery", &["术后随访"]),
            ("supply_followup", &["药具随访"]),
            ("floating_monthly_check", &["流动人口月查", "每月一查"]),
        ],
    },
    // persons
    ColumnAlias { column: "person_id", headers: &["个人编号", "人员编号"], values: NO_VALUES },
    ColumnAlias { column: "sex", headers: &["性别"], values: &[("F", &["女"]), ("M", &["男"])] },
    ColumnAlias { column: "birth_date", headers: &["出生日期"], values: NO_VALUES },
    ColumnAlias {
        column: "marital_status",
        headers: &["婚姻状况"],
        values: &[
            ("single", &["未婚"]),
            ("married", &["已婚", "初婚", "再婚"]),
            ("divorced", &["离婚"]),
            ("widowed", &["丧偶"]),
        ],
    },
    ColumnAlias {
        column: "residency",
        headers: &["户籍性质", "居住状况"],
        values: &[
            ("registered", &["户籍", "本地", "常住"]),
            ("floating", &["流入", "流动", "外来"]),
            ("moved_out", &["流出"]),
        ],
    },
    ColumnAlias {
        column: "case_file",
        headers: &["是否建档", "建档"],
        values: &[("1", &["是", "已建档"]), ("0", &["否", "未建档"])],
    },
    ColumnAlias {
        column: "contraceptive_method",
        headers: &["避孕措施"],
        values: &[
            ("vasectomy", &["男扎"]),
            ("tubal_sterilization", &["女扎"]),
            ("sterilization", &["绝育", "结扎"]),
            ("iud", &["放环", "上环", "宫内节育器"]),
            ("implant", &["皮埋"]),
            ("injectable", &["注射", "避孕针"]),
            ("pill", &["口服药", "口服避孕药"]),
            ("condom", &["避孕套"]),
            ("spermicide", &["外用药", "杀精剂"]),
            ("other", &["其他"]),
            ("none", &["无", "未避孕"]),
        ],
    },
    ColumnAlias { column: "method_start", headers: &["措施开始日期", "措施日期"], values: NO_VALUES },
    ColumnAlias {
        column: "last_birth_date", headers: &["末次生育日期", "末次分娩日期"], values: NO_VALUES
    },
    ColumnAlias { column: "name", headers: &["姓名"], values: NO_VALUES },
    ColumnAlias {
        column: "id_number", headers: &["身份证号", "身份证号码", "公民身份号码"], values: NO_VALUES
    },
    ColumnAlias { column: "phone", headers: &["联系电话", "电话", "手机"], values: NO_VALUES },
    ColumnAlias { column: "marital_since", headers: &["婚姻变动日期"], values: NO_VALUES },
    ColumnAlias { column: "residency_since", headers: &["居住变动日期"], values: NO_VALUES },
    ColumnAlias { column: "case_file_opened", headers: &["建档日期"], values: NO_VALUES },
    ColumnAlias { column: "tags", headers: &["标签", "人群标签"], values: NO_VALUES },
    // visits
    ColumnAlias { column: "visit_id", headers: &["随访编号", "走访编号"], values: NO_VALUES },
    ColumnAlias { column: "date", headers: &["随访日期", "日期"], values: NO_VALUES },
    // events
    ColumnAlias { column: "id", headers: &["事件编号"], values: NO_VALUES },
    ColumnAlias { column: "recorded_at", headers: &["录入时间"], values: NO_VALUES },
    ColumnAlias { column: "recorded_by", headers: &["录入人"], values: NO_VALUES },
    ColumnAlias { column: "data", headers: &["数据"], values: NO_VALUES },
];

/// The snapshot's sheets and the Chinese sheet names that may stand for them.
///
/// # Example
///
/// ```
/// let persons = famplan::io::SHEET_ALIASES.iter().find(|(s, _)| *s == "persons").unwrap();
/// assert!(persons.1.contains(&"人员"));
/// ```
pub const SHEET_ALIASES: &[(&str, &[&str])] = &[
    ("areas", &["网格", "区域"]),
    ("households", &["住户", "户"]),
    ("persons", &["人员", "人口"]),
    ("visits", &["随访", "走访"]),
    ("events", &["事件"]),
];

/// The snapshot column a header names: itself when it is a column, the column of a Chinese
/// header, or `None`.
pub(crate) fn column_of(header: &str) -> Option<&'static str> {
    COLUMN_ALIASES.iter().find(|a| a.column == header || a.headers.contains(&header)).map(|a| a.column)
}

/// The alias entry of a column.
pub(crate) fn alias_of(column: &str) -> Option<&'static ColumnAlias> {
    COLUMN_ALIASES.iter().find(|a| a.column == column)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The mapping as the Markdown table of DESIGN.md.
    fn markdown() -> String {
        let mut out = String::from("| column | Chinese headers | Chinese values → code |\n|---|---|---|\n");
        for a in COLUMN_ALIASES {
            let values: Vec<String> =
                a.values.iter().map(|(code, zh)| format!("{} → `{code}`", zh.join("、"))).collect();
            let values = if values.is_empty() { "—".to_string() } else { values.join("; ") };
            out.push_str(&format!("| `{}` | {} | {values} |\n", a.column, a.headers.join("、")));
        }
        let sheets: Vec<String> = SHEET_ALIASES.iter().map(|(en, zh)| format!("`{en}` = {}", zh.join("、"))).collect();
        out.push_str(&format!("\nSheet names: {}.\n", sheets.join(", ")));
        out
    }

    #[test]
    fn design_md_prints_this_table() {
        let table = markdown();
        if std::env::var_os("PRINT_ALIASES").is_some() {
            println!("{table}");
        }
        assert!(include_str!("../../DESIGN.md").contains(&table), "DESIGN.md must hold:\n{table}");
    }

    #[test]
    fn no_header_or_value_means_two_things() {
        let mut headers = std::collections::HashSet::new();
        for a in COLUMN_ALIASES {
            assert!(headers.insert(a.column), "{} listed twice", a.column);
            for h in a.headers {
                assert!(headers.insert(h), "header {h} means two columns");
            }
            let mut values = std::collections::HashSet::new();
            for (_, zh) in a.values {
                for v in *zh {
                    assert!(values.insert(v), "{}: value {v} means two codes", a.column);
                }
            }
        }
    }
}
