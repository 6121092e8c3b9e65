//! Employer units and rosters: an account bound to one unit (rebinding replaces it), a roster replaced as a
//! whole, each unit's roster apart from the others'.

use crate::audit;
use certguard_store::*;

pub async fn story(store: &dyn Store) {
    assert_eq!(store.employer_unit("hr-1").await.unwrap(), None);
    store.bind_employer("hr-1", "91350100M000100Y43", &audit("employer.bind")).await.unwrap();
    store.bind_employer("hr-2", "91350100M000100Y43", &audit("employer.bind")).await.unwrap();
    store.bind_employer("other", "91310000717854505W", &audit("employer.bind")).await.unwrap();
    assert_eq!(store.employer_unit("hr-1").await.unwrap().as_deref(), Some("91350100M000100Y43"));
    store.bind_employer("other", "91110000100003962Y", &audit("employer.bind")).await.unwrap();
    assert_eq!(store.employer_unit("other").await.unwrap().as_deref(), Some("91110000100003962Y"));

    let entry = |row: i64, name: &str, item: Option<&str>| RosterEntry {
        row,
        number: format!("T11010519491231{row:03}X"),
        name: name.into(),
        item: item.map(str::to_string),
    };
    let first = vec![entry(2, "王芳", Some("2.1")), entry(3, "李强", None), entry(4, "张三", Some("1.2"))];
    store.replace_roster("91350100M000100Y43", first.clone(), &audit("roster.save")).await.unwrap();
    store.replace_roster("91110000100003962Y", vec![entry(2, "别家", None)], &audit("roster.save")).await.unwrap();
    assert_eq!(store.roster("91350100M000100Y43", 10).await.unwrap(), first);
    assert_eq!(store.roster("91350100M000100Y43", 2).await.unwrap(), first[..2].to_vec());
    // A new roster replaces the old one entirely; the other unit's stays.
    store.replace_roster("91350100M000100Y43", vec![entry(2, "赵六", None)], &audit("roster.save")).await.unwrap();
    assert_eq!(store.roster("91350100M000100Y43", 10).await.unwrap(), vec![entry(2, "赵六", None)]);
    assert_eq!(store.roster("91110000100003962Y", 10).await.unwrap().len(), 1);
    assert_eq!(
        store.roster_units().await.unwrap(),
        vec!["91110000100003962Y".to_string(), "91350100M000100Y43".to_string()]
    );
    store.replace_roster("91350100M000100Y43", vec![], &audit("roster.save")).await.unwrap();
    assert!(store.roster("91350100M000100Y43", 10).await.unwrap().is_empty());
    assert_eq!(store.roster_units().await.unwrap(), vec!["91110000100003962Y".to_string()]);

    // Reminders delivered once per key and unit.
    let keys = vec!["a:2024-07-01:30".to_string(), "b:2024-08-01:60".to_string()];
    assert!(store.reminders_sent("91350100M000100Y43", &keys).await.unwrap().is_empty());
    let at = chrono::Utc::now();
    store.mark_reminders_sent("91350100M000100Y43", &keys[..1], at).await.unwrap();
    store.mark_reminders_sent("91350100M000100Y43", &keys[..1], at).await.unwrap();
    assert_eq!(store.reminders_sent("91350100M000100Y43", &keys).await.unwrap(), keys[..1].to_vec());
    assert!(store.reminders_sent("91110000100003962Y", &keys).await.unwrap().is_empty());
}
