//! The national catalogue of special operations and the management-certificate classifications, loaded from
//! a versioned data file (`data/catalogue.toml`) so that a new item is an edit, not a release.

use serde::{Deserialize, Serialize};
use thiserror::Error;

const BUILTIN: &str = include_str!("../data/catalogue.toml");

#[derive(Debug, Error)]
pub enum CatalogueError {
    #[error("catalogue file is not valid: {0}")]
    Parse(String),
    #[error("catalogue has duplicate code {0}")]
    Duplicate(String),
    #[error("item {item} does not start with its category code {category}")]
    ItemOutsideCategory { category: String, item: String },
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Item {
    pub code: String,
    pub zh: String,
    pub en: String,
    /// Date from which the item exists (items added by later notices).
    #[serde(default)]
    pub since: Option<String>,
    /// The item's number is our assumption, not from a published table.
    #[serde(default)]
    pub unconfirmed_code: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Category {
    pub code: String,
    pub zh: String,
    pub en: String,
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Label {
    pub code: String,
    pub zh: String,
    pub en: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Management {
    pub personnel_types: Vec<Label>,
    pub industries: Vec<Label>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Catalogue {
    pub version: String,
    #[serde(rename = "category")]
    pub categories: Vec<Category>,
    pub management: Management,
}

impl Catalogue {
    /// The catalogue shipped with this build.
    pub fn builtin() -> Catalogue {
        Self::from_toml(BUILTIN).expect("the shipped catalogue is valid (tested)")
    }

    /// Loads and checks a catalogue file (codes unique, items numbered under their category).
    pub fn from_toml(text: &str) -> Result<Catalogue, CatalogueError> {
        let c: Catalogue = toml::from_str(text).map_err(|e| CatalogueError::Parse(e.to_string()))?;
        let mut seen = std::collections::HashSet::new();
        for cat in &c.categories {
            if !seen.insert(cat.code.clone()) {
                return Err(CatalogueError::Duplicate(cat.code.clone()));
            }
            for item in &cat.items {
                if !seen.insert(item.code.clone()) {
                    return Err(CatalogueError::Duplicate(item.code.clone()));
                }
                if item.code.split('.').next() != Some(cat.code.as_str()) {
                    return Err(CatalogueError::ItemOutsideCategory {
                        category: cat.code.clone(),
                        item: item.code.clone(),
                    });
                }
            }
        }
        Ok(c)
    }

    pub fn category(&self, code: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.code == code)
    }

    pub fn item(&self, code: &str) -> Option<(&Category, &Item)> {
        self.categories.iter().find_map(|c| c.items.iter().find(|i| i.code == code).map(|i| (c, i)))
    }

    /// Finds a category by its code or its exact Chinese or English name (imports use names).
    pub fn find_category(&self, text: &str) -> Option<&Category> {
        let t = text.trim();
        self.categories.iter().find(|c| c.code == t || c.zh == t || c.en.eq_ignore_ascii_case(t))
    }

    /// Finds an item of `category` by code or name.
    pub fn find_item<'a>(&'a self, category: &'a Category, text: &str) -> Option<&'a Item> {
        let t = text.trim();
        category.items.iter().find(|i| i.code == t || i.zh == t || i.en.eq_ignore_ascii_case(t))
    }

    pub fn item_count(&self) -> usize {
        self.categories.iter().map(|c| c.items.len()).sum()
    }

    pub fn personnel_type(&self, text: &str) -> Option<&Label> {
        find_label(&self.management.personnel_types, text)
    }

    pub fn industry(&self, text: &str) -> Option<&Label> {
        find_label(&self.management.industries, text)
    }
}

fn find_label<'a>(labels: &'a [Label], text: &str) -> Option<&'a Label> {
    let t = text.trim();
    labels.iter().find(|l| l.code == t || l.zh == t || l.en.eq_ignore_ascii_case(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_has_eleven_categories_and_fifty_four_items() {
        let c = Catalogue::builtin();
        assert_eq!(c.categories.len(), 11);
        assert_eq!(c.item_count(), 54);
        let (cat, item) = c.item("2.1").unwrap();
        assert_eq!(cat.zh, "焊接与热切割作业");
        assert_eq!(item.zh, "熔化焊接与热切割作业");
        assert_eq!(c.find_category("电工作业").unwrap().code, "1");
        let elec = c.category("1").unwrap();
        assert_eq!(c.find_item(elec, "低压电工作业").unwrap().code, "1.2");
        assert!(c.find_item(elec, "熔化焊接与热切割作业").is_none());
        assert_eq!(c.personnel_type("主要负责人").unwrap().code, "principal");
    }

    #[test]
    fn broken_catalogues_are_refused() {
        let dup = r#"version = "x"
[[category]]
code = "1"
zh = "a"
en = "a"
items = [{ code = "1.1", zh = "b", en = "b" }, { code = "1.1", zh = "c", en = "c" }]
[management]
personnel_types = []
industries = []
"#;
        assert!(matches!(Catalogue::from_toml(dup), Err(CatalogueError::Duplicate(c)) if c == "1.1"));
        let outside = dup.replace(r#"{ code = "1.1", zh = "c", en = "c" }"#, r#"{ code = "2.1", zh = "c", en = "c" }"#);
        assert!(matches!(Catalogue::from_toml(&outside), Err(CatalogueError::ItemOutsideCategory { .. })));
        assert!(matches!(Catalogue::from_toml("nonsense ="), Err(CatalogueError::Parse(_))));
    }
}
