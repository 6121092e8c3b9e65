//! The demo data set: clearly marked demo authorities and accounts, and deterministic certificates with
//! realistic names, items and histories, so that a newcomer sees a registry that looks like the real thing.

use crate::accounts::{Accounts, NewAccount};
use crate::credentials::STATUS_LIST_LEN;
use crate::error::AppError;
use crate::registry::Registry;
use certguard_access::{AdminGrant, Role};
use certguard_credential::status_list::allocate_index;
use certguard_registry::{
    CancellationReason, Certificate, Command, Event, Holder, NewCertificate, RevocationReason, Scope, Serial,
    build_certificate,
};
use certguard_store::{AuditRecord, Authority, NewRecord};
use certguard_types::{AuthorityCode, IdentityDoc, check_char};
use chrono::{Datelike, NaiveDate};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

pub const DEMO_MARK: &str = "（演示）";

/// (code, Chinese name, English name, region)
pub const AUTHORITIES: [(&str, &str, &str, &str); 8] = [
    ("CN-320500", "苏州市应急管理局", "Suzhou Emergency Management Bureau", "江苏省苏州市"),
    ("CN-320582", "张家港市应急管理局", "Zhangjiagang Emergency Management Bureau", "江苏省苏州市"),
    ("CN-110000", "北京市应急管理局", "Beijing Emergency Management Bureau", "北京市"),
    ("CN-440300", "深圳市应急管理局", "Shenzhen Emergency Management Bureau", "广东省深圳市"),
    ("CN-510100", "成都市应急管理局", "Chengdu Emergency Management Bureau", "四川省成都市"),
    ("CN-420100", "武汉市应急管理局", "Wuhan Emergency Management Bureau", "湖北省武汉市"),
    ("CN-330100", "杭州市应急管理局", "Hangzhou Emergency Management Bureau", "浙江省杭州市"),
    ("CN-370200", "青岛市应急管理局", "Qingdao Emergency Management Bureau", "山东省青岛市"),
];

/// Demo logins: (username, password, role, authority, display name). Printed by `certguard demo`.
pub const ACCOUNTS: [(&str, &str, Role, Option<&str>, &str); 6] = [
    ("admin", "demo-admin-2021", Role::Admin, None, "系统管理员（演示）"),
    ("suzhou", "demo-issuer-2021", Role::Issuer, Some("CN-320500"), "苏州市应急管理局发证员（演示）"),
    ("inspector", "demo-inspector-2021", Role::Inspector, None, "执法检查员（演示）"),
    ("suzhou-inspector", "demo-inspector-2021", Role::Inspector, Some("CN-320500"), "苏州市执法检查员（演示）"),
    ("analyst", "demo-analyst-2021", Role::Analyst, None, "线索分析员（演示）"),
    ("employer", "demo-employer-2021", Role::Employer, None, "某建筑公司安全员（演示）"),
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于",
    "蒋", "蔡",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "霞", "平", "刚",
    "桂英", "建国", "建华", "志强", "海燕", "文", "辉", "鹏", "华", "飞", "鑫", "波", "斌", "宇", "浩", "凯", "健",
    "俊", "帆", "帅", "旭", "红梅", "玉兰", "国强", "春生", "德明", "永刚", "立新", "晓东", "金凤", "雪梅",
];
/// Weighted special-operation items: electricians, welders and work at height dominate.
const ITEMS: &[(&str, &str, u32)] = &[
    ("1", "1.2", 30),
    ("1", "1.1", 8),
    ("1", "1.3", 2),
    ("2", "2.1", 25),
    ("2", "2.2", 2),
    ("3", "3.1", 10),
    ("3", "3.2", 10),
    ("4", "4.1", 3),
    ("4", "4.2", 3),
    ("5", "5.1", 1),
    ("6", "6.8", 1),
    ("8", "8.1", 1),
    ("9", "9.16", 2),
    ("9", "9.3", 1),
    ("10", "10.5", 1),
];

fn pick_item(rng: &mut StdRng) -> (&'static str, &'static str) {
    let total: u32 = ITEMS.iter().map(|i| i.2).sum();
    let mut n = rng.random_range(0..total);
    for (c, i, w) in ITEMS {
        if n < *w {
            return (c, i);
        }
        n -= w;
    }
    ("1", "1.2")
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// A valid resident ID for a holder registered in `region` (6 digits), born on `birth`.
fn resident_id(rng: &mut StdRng, region: &str, birth: NaiveDate) -> String {
    let seq: u32 = rng.random_range(0..1000);
    let first17 = format!("{region}{}{seq:03}", birth.format("%Y%m%d"));
    format!("{first17}{}", check_char(first17.as_bytes()))
}

/// Builds the demo certificates (deterministic for a given `count` and `today`).
/// A demo certificate as first issued, and the later states with the event that led to each.
pub type DemoHistory = (Certificate, Vec<(Certificate, Event)>);

/// An endless, deterministic stream of demo certificates (same seed, same data), generated lazily so that
/// seeding a million of them takes flat memory.
pub struct DemoGenerator<'a> {
    registry: &'a Registry,
    today: NaiveDate,
    rng: StdRng,
}

impl<'a> DemoGenerator<'a> {
    pub fn new(registry: &'a Registry, today: NaiveDate) -> Self {
        DemoGenerator { registry, today, rng: StdRng::seed_from_u64(2021_0901) }
    }
}

impl Iterator for DemoGenerator<'_> {
    type Item = DemoHistory;

    fn next(&mut self) -> Option<DemoHistory> {
        let (registry, today, rng) = (self.registry, self.today, &mut self.rng);
        loop {
            if let Some(h) = demo_one(registry, today, rng) {
                return Some(h);
            }
        }
    }
}

pub fn demo_certificates(registry: &Registry, count: usize, today: NaiveDate) -> Vec<DemoHistory> {
    DemoGenerator::new(registry, today).take(count).collect()
}

fn demo_one(registry: &Registry, today: NaiveDate, rng: &mut StdRng) -> Option<DemoHistory> {
    let (code, _, _, _) = AUTHORITIES[rng.random_range(0..AUTHORITIES.len())];
    let region = &code[3..];
    // Holders register where they were born: use the province of the authority, prefecture varies.
    let birth = date(rng.random_range(1962..2002), rng.random_range(1..13), rng.random_range(1..29));
    let id = resident_id(rng, region, birth);
    let Ok(identity) = IdentityDoc::resident(&id) else { return None };
    let sex = identity.as_resident().expect("resident").sex();
    let name = format!("{}{}", SURNAMES[rng.random_range(0..SURNAMES.len())], GIVEN[rng.random_range(0..GIVEN.len())]);
    let (category, item) = pick_item(rng);
    let adult = birth.with_year(birth.year() + 18).unwrap_or(birth);
    let earliest = adult.max(date(2008, 1, 1));
    let span = (today - earliest).num_days().max(1);
    let first_issued = earliest + chrono::Days::new(rng.random_range(0..span) as u64);
    // Bring the validity period up to date as a real holder would (renewal every 6 years).
    let mut valid_from = first_issued;
    while certguard_registry::rules::add_years(valid_from, 6) < today && rng.random_range(0..10) < 8 {
        valid_from = certguard_registry::rules::add_years(valid_from, 6);
    }
    let new = NewCertificate {
        holder: Holder { name: name.parse().expect("demo name"), identity, sex },
        scope: Scope::SpecialOperation { category: category.into(), item: item.into() },
        authority: code.parse().expect("demo authority"),
        first_issued,
        valid_from,
        valid_until: None,
        review_due: None,
        last_review: if valid_from > first_issued { Some(valid_from) } else { None },
        number: None,
    };
    let serial = Serial(rng.random());
    let Ok(first) = build_certificate(new, registry.catalogue(), serial, today) else { return None };
    let mut cert = first.clone();
    let mut later = Vec::new();
    // Most holders attend their review on time; some let it lapse; a few are suspended or revoked.
    if let Some(due) = cert.review_due
        && due <= today
        && rng.random_range(0..10) < 7
    {
        let on = due - chrono::Days::new(rng.random_range(0..50));
        if let Ok((next, ev)) =
            certguard_registry::apply(&cert, &Command::RecordReview { date: on, passed: true }, today)
        {
            cert = next.clone();
            later.push((next, ev));
        }
    }
    let roll = rng.random_range(0..1000);
    let cmd = match roll {
        0..15 => Some(Command::Suspend { reason: "违章作业，正在调查".into() }),
        15..25 => Some(Command::Revoke { reason: RevocationReason::ExpiredWithoutReview }),
        25..28 => Some(Command::Revoke { reason: RevocationReason::FraudOrBribery }),
        28..33 => Some(Command::Cancel { reason: CancellationReason::HolderRequest }),
        _ => None,
    };
    if let Some(cmd) = cmd
        && let Ok((next, ev)) = certguard_registry::apply(&cert, &cmd, today)
    {
        later.push((next, ev));
    }
    Some((first, later))
}

/// Seeds authorities, accounts and `count` certificates into an empty registry. Idempotent: re-running it
/// leaves an already seeded registry as it is.
/// The demo employer's unit: a made-up code with a valid check character.
pub fn demo_unit() -> String {
    let base = "91320582MA1WCN8K3";
    let check = certguard_casework::uscc::check_character(base.as_bytes()).expect("alphabet");
    format!("{base}{check}")
}

/// Binds the demo employer to its unit with a roster of 40 demo workers (once), so that its page shows the
/// reminders an employer gets.
async fn seed_employer_roster(registry: &Registry) -> Result<(), AppError> {
    let unit = demo_unit();
    if registry.store().employer_unit("employer").await?.is_some() {
        return Ok(());
    }
    let audit = AuditRecord {
        at: registry.clock().now(),
        actor: "demo-seed".into(),
        action: "employer.bind".into(),
        target: "employer".into(),
        detail: unit.clone(),
        client: None,
    };
    registry.store().bind_employer("employer", &unit, &audit).await?;
    let entries: Vec<certguard_store::RosterEntry> = registry
        .store()
        .certificates_after(0, None, 40)
        .await?
        .into_iter()
        .enumerate()
        .map(|(k, (_, c))| certguard_store::RosterEntry {
            row: k as i64 + 2,
            number: c.number.as_str().to_string(),
            name: c.holder.name.as_str().to_string(),
            item: Some(c.scope.codes().1.to_string()),
        })
        .collect();
    registry.store().replace_roster(&unit, entries, &AuditRecord { action: "roster.save".into(), ..audit }).await?;
    Ok(())
}

pub async fn seed(registry: &Registry, accounts: &Accounts, count: usize) -> Result<u64, AppError> {
    for (code, zh, en, region) in AUTHORITIES {
        registry
            .put_authority(Authority {
                code: code.parse().expect("demo authority"),
                name_zh: format!("{zh}{DEMO_MARK}"),
                name_en: format!("{en} (demo)"),
                region: region.into(),
            })
            .await?;
    }
    let admin = AdminGrant::local_operator("demo");
    for (username, password, role, authority, display) in ACCOUNTS {
        if registry.store().user_by_name(username).await?.is_some() {
            continue;
        }
        accounts
            .create_user(
                &admin,
                NewAccount {
                    username: username.into(),
                    display_name: display.into(),
                    password: password.into(),
                    role,
                    authority: authority.map(|a| a.parse().expect("demo authority")),
                },
                None,
            )
            .await?;
    }
    let today = registry.clock().today();
    let now = registry.clock().now();
    let mut inserted = 0u64;
    let creds = registry.credentials().cloned();
    let mut used: std::collections::HashMap<AuthorityCode, std::collections::HashSet<u64>> = Default::default();
    if creds.is_some() {
        for (code, _, _, _) in AUTHORITIES {
            let code: AuthorityCode = code.parse().expect("demo authority");
            let taken = registry.store().status_entries(&code).await?.into_iter().map(|(i, _)| i).collect();
            used.insert(code, taken);
        }
    }
    let unix = now.timestamp();
    let mut generator = DemoGenerator::new(registry, today).take(count).peekable();
    while generator.peek().is_some() {
        let mut chunk: Vec<DemoHistory> = generator.by_ref().take(1000).collect();
        if let Some(c) = &creds {
            // Sign the first state and every later state whose signed content changed; the status index stays.
            for (first, later) in chunk.iter_mut() {
                let taken = used.entry(first.authority.clone()).or_default();
                let idx = allocate_index(&mut rand::rng(), STATUS_LIST_LEN, |i| taken.contains(&i), 1000)
                    .ok_or_else(|| AppError::Conflict("status list full".into()))?;
                taken.insert(idx);
                let name = registry.authority_name(&first.authority).0;
                first.credential = Some(c.sign_with_index(first, &name, idx, unix)?);
                let mut current = first.credential.clone();
                for (state, event) in later.iter_mut() {
                    if event.changes_signed_content() {
                        current = Some(c.sign_with_index(state, &name, idx, unix)?);
                    }
                    state.credential = current.clone();
                }
            }
        }
        let records: Vec<NewRecord> = chunk
            .iter()
            .map(|(first, _)| NewRecord {
                certificate: first.clone(),
                event: Event::Issued,
                actor: "demo-seed".into(),
                at: now,
            })
            .collect();
        let audit = AuditRecord {
            at: now,
            actor: "demo-seed".into(),
            action: "certificate.import".into(),
            target: "demo".into(),
            detail: format!("{} demo certificates", records.len()),
            client: None,
        };
        let outcomes = registry.store().insert_certificates(&records, &audit).await?;
        for ((_, later), outcome) in chunk.iter().zip(outcomes) {
            if outcome != certguard_store::InsertOutcome::Inserted {
                continue;
            }
            inserted += 1;
            // Replay the later events so that each certificate's history is complete.
            for (version, (state, event)) in (1i64..).zip(later) {
                let rec =
                    NewRecord { certificate: state.clone(), event: event.clone(), actor: "demo-seed".into(), at: now };
                let audit = AuditRecord {
                    action: format!("certificate.{}", event.code()),
                    target: state.serial.to_hex(),
                    detail: String::new(),
                    ..audit.clone()
                };
                registry.store().update_certificate(state, version, &rec, &audit).await?;
            }
        }
    }
    if let Some(c) = &creds {
        let names: Vec<(AuthorityCode, String)> =
            registry.store_authorities_cached().into_iter().map(|(code, (zh, _))| (code, zh)).collect();
        c.demo_trust_setup(&names, unix)?;
        for (code, _) in &names {
            c.invalidate_status(code);
        }
    }
    registry.log_trust_list().await?;
    registry.logged().await?;
    crate::leads::demo::seed(registry).await?;
    crate::cases::demo::seed(registry).await?;
    seed_employer_roster(registry).await?;
    Ok(inserted)
}
