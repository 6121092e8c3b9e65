//! The columns an import understands (Chinese headers and English aliases), where they sit in a file, and
//! one row parsed into a new certificate with every error of the row.

use super::{ImportError, RowError};
use crate::dates::parse_date;
use crate::registry::Registry;
use certguard_registry::{Holder, NewCertificate, Scope};
use certguard_types::{AuthorityCode, CertificateNumber, IdentityDoc, IdentityKind, PersonName, Sex};
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    Name,
    Sex,
    IdKind,
    IdNumber,
    Number,
    Kind,
    Category,
    Item,
    PersonnelType,
    Industry,
    FirstIssued,
    ValidFrom,
    ValidUntil,
    ReviewDue,
    LastReview,
    Authority,
}

impl Column {
    pub const ALL: [Column; 16] = [
        Column::Name,
        Column::Sex,
        Column::IdKind,
        Column::IdNumber,
        Column::Number,
        Column::Kind,
        Column::Category,
        Column::Item,
        Column::PersonnelType,
        Column::Industry,
        Column::FirstIssued,
        Column::ValidFrom,
        Column::ValidUntil,
        Column::ReviewDue,
        Column::LastReview,
        Column::Authority,
    ];

    /// The header as authorities write it.
    pub fn zh(self) -> &'static str {
        match self {
            Column::Name => "姓名",
            Column::Sex => "性别",
            Column::IdKind => "证件类型",
            Column::IdNumber => "身份证号",
            Column::Number => "证号",
            Column::Kind => "证书类型",
            Column::Category => "作业类别",
            Column::Item => "操作项目",
            Column::PersonnelType => "人员类型",
            Column::Industry => "行业类别",
            Column::FirstIssued => "初领日期",
            Column::ValidFrom => "有效期开始日期",
            Column::ValidUntil => "有效期结束日期",
            Column::ReviewDue => "应复审日期",
            Column::LastReview => "实际复审日期",
            Column::Authority => "签发机关",
        }
    }

    /// The English alias.
    pub fn en(self) -> &'static str {
        match self {
            Column::Name => "name",
            Column::Sex => "sex",
            Column::IdKind => "id_kind",
            Column::IdNumber => "id_number",
            Column::Number => "number",
            Column::Kind => "kind",
            Column::Category => "category",
            Column::Item => "item",
            Column::PersonnelType => "personnel_type",
            Column::Industry => "industry",
            Column::FirstIssued => "first_issued",
            Column::ValidFrom => "valid_from",
            Column::ValidUntil => "valid_until",
            Column::ReviewDue => "review_due",
            Column::LastReview => "last_review",
            Column::Authority => "authority",
        }
    }

    /// Recognises a header cell: the Chinese header, the English alias, and variants seen in the field.
    pub fn from_header(h: &str) -> Option<Column> {
        let h = certguard_types::normalize_compact(h).trim_matches('\u{feff}').to_lowercase();
        let alias = match h.as_str() {
            "准操项目" => Some(Column::Item),
            "身份证号码" | "证件号码" | "公民身份号码" => Some(Column::IdNumber),
            "发证机关" => Some(Column::Authority),
            "证书编号" => Some(Column::Number),
            "复审日期" => Some(Column::LastReview),
            _ => None,
        };
        alias.or_else(|| Self::ALL.into_iter().find(|c| c.zh() == h || c.en() == h))
    }

    /// The column a model field's rule violation belongs to.
    pub(super) fn of_field(field: &str) -> Column {
        match field {
            "holder.sex" => Column::Sex,
            "holder.identity" => Column::IdNumber,
            "scope.category" => Column::Category,
            "scope.item" => Column::Item,
            "scope.personnel_type" => Column::PersonnelType,
            "scope.industry" => Column::Industry,
            "first_issued" => Column::FirstIssued,
            "valid_from" => Column::ValidFrom,
            "valid_until" => Column::ValidUntil,
            "review_due" => Column::ReviewDue,
            "last_review" => Column::LastReview,
            "number" => Column::Number,
            "authority" => Column::Authority,
            _ => Column::Name,
        }
    }
}

/// Where each column sits in the file.
pub(super) struct Layout {
    pub(super) index: HashMap<Column, usize>,
}

impl Layout {
    pub(super) fn from_header(cells: &[String]) -> Result<Layout, ImportError> {
        let mut index = HashMap::new();
        for (i, cell) in cells.iter().enumerate() {
            if let Some(col) = Column::from_header(cell)
                && index.insert(col, i).is_some()
            {
                return Err(ImportError::DuplicateColumn(cell.clone()));
            }
        }
        for col in [Column::Name, Column::IdNumber, Column::ValidFrom, Column::Authority] {
            if !index.contains_key(&col) {
                return Err(ImportError::MissingColumn { zh: col.zh(), en: col.en() });
            }
        }
        let special = index.contains_key(&Column::Category) && index.contains_key(&Column::Item);
        let management = index.contains_key(&Column::PersonnelType) && index.contains_key(&Column::Industry);
        if !special && !management {
            return Err(ImportError::MissingColumn { zh: Column::Item.zh(), en: Column::Item.en() });
        }
        Ok(Layout { index })
    }

    pub(super) fn get<'a>(&self, row: &'a [String], col: Column) -> &'a str {
        self.index.get(&col).and_then(|&i| row.get(i)).map(|s| s.trim()).unwrap_or("")
    }
}

pub(super) fn mask_value(col: Column, value: &str) -> String {
    match col {
        Column::IdNumber | Column::Number => {
            let chars: Vec<char> = value.chars().collect();
            if chars.len() > 8 {
                format!(
                    "{}***{}",
                    chars[..4].iter().collect::<String>(),
                    chars[chars.len() - 4..].iter().collect::<String>()
                )
            } else {
                "***".into()
            }
        }
        _ => value.chars().take(64).collect(),
    }
}

/// Parses one data row into a new certificate, or the list of what is wrong with it.
pub(super) fn parse_row(
    registry: &Registry,
    layout: &Layout,
    row_no: u64,
    row: &[String],
) -> Result<NewCertificate, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut err = |col: Column, value: &str, reason: String| {
        errors.push(RowError { row: row_no, column: col.zh().to_string(), value: mask_value(col, value), reason });
    };
    let get = |c| layout.get(row, c);

    let name =
        get(Column::Name).parse::<PersonName>().map_err(|e| err(Column::Name, get(Column::Name), e.to_string())).ok();
    let id_kind = match get(Column::IdKind) {
        "" => None,
        k => IdentityKind::ALL.into_iter().find(|x| x.code() == k || x.zh() == k).or_else(|| {
            err(Column::IdKind, k, "unknown document type".into());
            None
        }),
    };
    let id_text = get(Column::IdNumber);
    let identity = match id_kind {
        Some(kind) => IdentityDoc::parse(kind, id_text),
        None => IdentityDoc::parse_any(id_text),
    }
    .map_err(|e| err(Column::IdNumber, id_text, e.to_string()))
    .ok();
    let sex = match (get(Column::Sex), identity.as_ref().and_then(|i| i.as_resident())) {
        ("", Some(id)) => Some(id.sex()),
        ("", None) => {
            err(Column::Sex, "", "required for holders without a resident ID".into());
            None
        }
        (s, _) => Sex::parse(s).or_else(|| {
            err(Column::Sex, s, "must be 男 or 女".into());
            None
        }),
    };
    let mut date = |col: Column, required: bool| -> Option<chrono::NaiveDate> {
        let v = get(col);
        if v.is_empty() {
            if required {
                err(col, v, "required".into());
            }
            return None;
        }
        parse_date(v).or_else(|| {
            err(col, v, "not a date (e.g. 2024-06-15)".into());
            None
        })
    };
    let valid_from = date(Column::ValidFrom, true);
    let first_issued = date(Column::FirstIssued, false);
    let valid_until = date(Column::ValidUntil, false);
    let review_due = date(Column::ReviewDue, false);
    let last_review = date(Column::LastReview, false);

    let catalogue = registry.catalogue();
    // A row is a management certificate when it names a personnel type and no operation category.
    let management = !get(Column::PersonnelType).is_empty() && get(Column::Category).is_empty();
    let scope = if management {
        let p = get(Column::PersonnelType);
        let i = get(Column::Industry);
        let pt = catalogue.personnel_type(p).map(|l| l.code.clone()).or_else(|| {
            err(Column::PersonnelType, p, "unknown personnel type".into());
            None
        });
        let ind = catalogue.industry(i).map(|l| l.code.clone()).or_else(|| {
            err(Column::Industry, i, "unknown industry".into());
            None
        });
        pt.zip(ind).map(|(personnel_type, industry)| Scope::Management { personnel_type, industry })
    } else {
        let c = get(Column::Category);
        let i = get(Column::Item);
        match catalogue.find_category(c) {
            None => {
                err(Column::Category, c, "not in the catalogue".into());
                None
            }
            Some(cat) => match catalogue.find_item(cat, i) {
                Some(item) => Some(Scope::SpecialOperation { category: cat.code.clone(), item: item.code.clone() }),
                None => {
                    let reason = match catalogue.categories.iter().find_map(|k| catalogue.find_item(k, i).map(|_| k)) {
                        Some(other) => format!("belongs to {} {}, not {}", other.code, other.zh, cat.zh),
                        None => "not in the catalogue".into(),
                    };
                    err(Column::Item, i, reason);
                    None
                }
            },
        }
    };
    let auth_text = get(Column::Authority);
    let authority: Option<AuthorityCode> = registry.find_authority(auth_text).or_else(|| {
        err(Column::Authority, auth_text, "unknown issuing authority (code or registered name)".into());
        None
    });
    let number = match get(Column::Number) {
        "" => None,
        n => n.parse::<CertificateNumber>().map_err(|e| err(Column::Number, n, e.to_string())).ok(),
    };

    if !errors.is_empty() {
        return Err(errors);
    }
    let (Some(name), Some(identity), Some(sex), Some(valid_from), Some(scope), Some(authority)) =
        (name, identity, sex, valid_from, scope, authority)
    else {
        unreachable!("every missing value recorded an error")
    };
    Ok(NewCertificate {
        holder: Holder { name, identity, sex },
        scope,
        authority,
        first_issued: first_issued.unwrap_or(valid_from),
        valid_from,
        valid_until,
        review_due,
        last_review,
        number,
    })
}
