//! Use cases end to end on a real SQLite database.

use certguard_access::{AdminGrant, Principal, Role, local_reader};
use certguard_app::export::{ExportFormat, ExportOptions, export};
use certguard_app::import::{ImportError, RowError, import};
use certguard_app::{Accounts, AppError, FixedClock, Registry};
use certguard_registry::{Catalogue, Command, Holder, NewCertificate, Scope, Status};
use certguard_store::{Authority, Store};
use certguard_types::{IdentityDoc, Sex};
use chrono::{NaiveDate, TimeZone, Utc};
use std::io::Cursor;
use std::sync::Arc;

struct Env {
    registry: Registry,
    accounts: Accounts,
    _dir: tempfile::TempDir,
}

async fn new_env() -> Env {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(certguard_store_sqlite::SqliteStore::open(&dir.path().join("t.db")).unwrap());
    // 2024-06-15 10:00 Beijing time.
    let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2024, 6, 15, 2, 0, 0).unwrap()));
    let registry = Registry::new(store.clone(), Catalogue::builtin(), clock.clone()).await.unwrap();
    for (code, zh) in [("CN-320500", "苏州市应急管理局"), ("CN-110000", "北京市应急管理局")] {
        registry
            .put_authority(Authority {
                code: code.parse().unwrap(),
                name_zh: zh.into(),
                name_en: zh.into(),
                region: "x".into(),
            })
            .await
            .unwrap();
    }
    let accounts = Accounts::new(store, clock, chrono::Duration::hours(8));
    Env { registry, accounts, _dir: dir }
}

fn issuer(authority: &str) -> Principal {
    Principal { user_id: 1, username: "clerk".into(), role: Role::Issuer, authority: Some(authority.parse().unwrap()) }
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn welder(id: &str, name: &str) -> NewCertificate {
    let identity = IdentityDoc::resident(id).unwrap();
    let sex = identity.as_resident().unwrap().sex();
    NewCertificate {
        holder: Holder { name: name.parse().unwrap(), identity, sex },
        scope: Scope::SpecialOperation { category: "2".into(), item: "2.1".into() },
        authority: "CN-320500".parse().unwrap(),
        first_issued: d(2022, 3, 1),
        valid_from: d(2022, 3, 1),
        valid_until: None,
        review_due: None,
        last_review: None,
        number: None,
    }
}

#[tokio::test]
async fn issue_operate_and_look_up() {
    let env = new_env().await;
    let grant = issuer("CN-320500").issuer_for(&"CN-320500".parse().unwrap()).unwrap();
    let cert = env.registry.issue(&grant, welder("440524188001010014", "张三"), Some("10.0.0.1")).await.unwrap();
    // Same again: refused as already recorded.
    assert!(matches!(
        env.registry.issue(&grant, welder("440524188001010014", "张三"), None).await,
        Err(AppError::Conflict(_))
    ));
    // Another authority's grant cannot issue for this one.
    let other = issuer("CN-110000").issuer_for(&"CN-110000".parse().unwrap()).unwrap();
    assert!(matches!(
        env.registry.issue(&other, welder("11010519491231002X", "李四"), None).await,
        Err(AppError::Invalid { .. })
    ));
    assert!(matches!(
        env.registry.apply(&other, &cert.serial, &Command::Suspend { reason: "x".into() }, None, None).await,
        Err(AppError::Denied(_))
    ));

    let s = env
        .registry
        .apply(&grant, &cert.serial, &Command::Suspend { reason: "调查".into() }, Some(1), None)
        .await
        .unwrap();
    assert_eq!(s.version, 2);
    assert!(matches!(
        env.registry.apply(&grant, &cert.serial, &Command::Reinstate, Some(1), None).await,
        Err(AppError::Conflict(_))
    ));
    let err = env
        .registry
        .apply(&grant, &cert.serial, &Command::RecordReview { date: d(2024, 6, 1), passed: true }, None, None)
        .await;
    assert!(matches!(err, Err(AppError::Transition(_))));

    // Public lookup: masked, needs number and name, identical "not found" otherwise.
    let found = env.registry.public_lookup("T440524188001010014", "张三").await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id_masked, "440524********0014");
    assert_eq!(found[0].number, "T440524********0014");
    assert_eq!(found[0].status.code, "suspended");
    assert_eq!(found[0].authority.zh, "苏州市应急管理局");
    let json = serde_json::to_string(&found).unwrap();
    assert!(!json.contains("440524188001010014"), "the full ID never leaves in a public view");
    for (n, name) in [
        ("T440524188001010014", "张四"),
        ("T11010519491231002X", "张三"),
        ("garbage'--", "张三"),
        ("T440524188001010014", ""),
    ] {
        assert!(matches!(env.registry.public_lookup(n, name).await, Err(AppError::NotFound)), "{n} {name}");
    }

    // History and audit.
    let reader = local_reader("test");
    let hist = env.registry.history(&reader, &cert.serial).await.unwrap();
    assert_eq!(hist.iter().map(|e| e.event.code()).collect::<Vec<_>>(), ["issued", "suspended"]);
    let audit = env.registry.store().audit_log(&certguard_store::AuditQuery::latest(10)).await.unwrap();
    assert_eq!(audit[0].action, "certificate.suspend");
    assert_eq!(audit[0].actor, "clerk");
    assert!(audit.iter().all(|a| !a.detail.contains("440524188001010014")), "audit details are masked");
    // An issuer of another authority does not see it at all.
    let other_reader = issuer("CN-110000").registry_reader().unwrap();
    assert!(matches!(env.registry.get(&other_reader, &cert.serial).await, Err(AppError::NotFound)));
}

const HEADER: &str =
    "姓名,性别,身份证号,作业类别,操作项目,初领日期,有效期开始日期,有效期结束日期,应复审日期,实际复审日期,签发机关";

fn csv_rows() -> String {
    [
        HEADER,
        "张三,男,440524188001010014,焊接与热切割作业,熔化焊接与热切割作业,2022-03-01,2022-03-01,2028-03-01,2025-03-01,,苏州市应急管理局",
        "李四,女,11010519491231002X,电工作业,低压电工作业,2021/5/6,2021/5/6,,,,CN-320500",
        // Check digit wrong.
        "王五,男,110105194912310021,电工作业,低压电工作业,2021-05-06,2021-05-06,,,,CN-320500",
        // Item of another category, and an unknown authority.
        "赵六,男,440524188001010022,电工作业,熔化焊接与热切割作业,2021-05-06,2021-05-06,,,,火星应急管理局",
        // Validity not six years.
        "钱七,男,440524188001010030,高处作业,登高架设作业,2021-05-06,2021-05-06,2025-05-06,,,CN-320500",
        // Another authority than the importer's.
        "孙八,男,440524188001010049,高处作业,登高架设作业,2021-05-06,2021-05-06,,,,CN-110000",
        // Script in the name, date nonsense.
        "<script>alert(1)</script>,男,440524188001010057,高处作业,登高架设作业,2021-13-06,2021-05-06,,,,CN-320500",
        "",
    ]
    .join("\r\n")
}

async fn run_import(
    env: &Env,
    who: &Principal,
    bytes: Vec<u8>,
) -> (certguard_app::import::ImportSummary, Vec<RowError>) {
    let mut errors = Vec::new();
    let summary = import(&env.registry, who, Cursor::new(bytes), "test.csv", None, |e| errors.push(e.clone()), |_| {})
        .await
        .unwrap();
    (summary, errors)
}

#[tokio::test]
async fn csv_import_reports_every_bad_row_and_is_idempotent() {
    let env = new_env().await;
    let who = issuer("CN-320500");
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(csv_rows().as_bytes());
    let (summary, errors) = run_import(&env, &who, bytes.clone()).await;
    assert_eq!((summary.rows, summary.inserted, summary.rejected), (7, 2, 5), "{errors:#?}");
    let by_row = |r: u64| errors.iter().filter(|e| e.row == r).collect::<Vec<_>>();
    assert_eq!(by_row(4)[0].column, "身份证号");
    assert!(by_row(4)[0].reason.contains("check character"), "{:?}", by_row(4));
    assert_eq!(by_row(4)[0].value, "1101***0021", "ID values are masked in reports");
    let cols5: Vec<&str> = by_row(5).iter().map(|e| e.column.as_str()).collect();
    assert_eq!(cols5, ["操作项目", "签发机关"]);
    assert!(by_row(5)[0].reason.contains("2 焊接与热切割作业"));
    assert_eq!(by_row(6)[0].column, "有效期结束日期");
    assert_eq!(by_row(7)[0].column, "签发机关");
    let cols8: Vec<&str> = by_row(8).iter().map(|e| e.column.as_str()).collect();
    assert_eq!(cols8, ["姓名", "初领日期"]);

    // Re-import: nothing changes.
    let (again, errors2) = run_import(&env, &who, bytes).await;
    assert_eq!((again.inserted, again.unchanged, again.rejected), (0, 2, 5));
    assert_eq!(errors, errors2);
    assert_eq!(env.registry.store().counts().await.unwrap().certificates, 2);
    let found = env.registry.public_lookup("T11010519491231002X", "李四").await.unwrap();
    assert_eq!(found[0].valid_until, d(2027, 5, 6));
}

#[tokio::test]
async fn gbk_csv_and_english_headers_and_tabs() {
    let env = new_env().await;
    let text = csv_rows();
    let (gbk, _, bad) = encoding_rs::GBK.encode(&text);
    assert!(!bad);
    let (summary, _) = run_import(&env, &issuer("CN-320500"), gbk.into_owned()).await;
    assert_eq!(summary.inserted, 2, "GBK is detected and decoded");

    let env = new_env().await;
    let english = "name\tid_number\tcategory\titem\tvalid_from\tauthority\nJohn Smith\t440524188001010014\t1\t1.2\t2023-01-01\tCN-320500\n";
    let (summary, errors) = run_import(&env, &issuer("CN-320500"), english.as_bytes().to_vec()).await;
    assert_eq!(summary.inserted, 1, "{errors:?}");
}

#[tokio::test]
async fn whole_file_problems_are_refused_clearly() {
    let env = new_env().await;
    let who = issuer("CN-320500");
    let run = |bytes: Vec<u8>| {
        let registry = env.registry.clone();
        let who = who.clone();
        async move { import(&registry, &who, Cursor::new(bytes), "x", None, |_| {}, |_| {}).await }
    };
    assert!(matches!(run(b"%PDF-1.4 ...".to_vec()).await, Err(ImportError::UnsupportedType("PDF"))));
    assert!(matches!(run(vec![0xD0, 0xCF, 0x11, 0xE0, 0, 0]).await, Err(ImportError::UnsupportedType(_))));
    assert!(matches!(run(b"".to_vec()).await, Err(ImportError::NoHeader)));
    match run("姓名,身份证号\n张三,440524188001010014\n".as_bytes().to_vec()).await {
        Err(ImportError::MissingColumn { zh, .. }) => assert_eq!(zh, "有效期开始日期"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(run("姓名,name\n".as_bytes().to_vec()).await, Err(ImportError::DuplicateColumn(_))));
    assert_eq!(env.registry.store().counts().await.unwrap().certificates, 0);
}

const SHORT_HEADER: &str = "姓名,身份证号,作业类别,操作项目,有效期开始日期,签发机关";

#[tokio::test]
async fn hostile_files_are_refused_before_they_allocate() {
    let env = new_env().await;
    let who = issuer("CN-320500");
    let run = |bytes: Vec<u8>| {
        let registry = env.registry.clone();
        let who = who.clone();
        async move {
            let mut errors = Vec::new();
            let r = import(&registry, &who, Cursor::new(bytes), "x", None, |e| errors.push(e.clone()), |_| {}).await;
            (r, errors)
        }
    };
    // A 1.6 KB XLSX whose one cell sits in column XFD, row 1048576: once a 24 GB allocation, now a clear error.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (i, h) in SHORT_HEADER.split(',').enumerate() {
        ws.write_string(0, i as u16, h).unwrap();
    }
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    let far = wb.save_to_buffer().unwrap();
    assert!(far.len() < 8 * 1024);
    match run(far).await.0 {
        Err(ImportError::Limit(why)) => assert!(why.contains("column 16384") && why.contains("row 1048576"), "{why}"),
        other => panic!("{other:?}"),
    }
    // A CSV without line breaks is stopped at the line cap, naming the line.
    let mut long = format!("{SHORT_HEADER}\n").into_bytes();
    long.extend(std::iter::repeat_n(b'a', 1024 * 1024));
    match run(long).await.0 {
        Err(ImportError::Limit(why)) => assert!(why.contains("line 2") && why.contains("64 KiB"), "{why}"),
        other => panic!("{other:?}"),
    }
    // Too many columns is that row's error; the rows around it still import.
    let wide = format!(
        "{SHORT_HEADER}\n{}\n王五,11010519491231002X,电工作业,低压电工作业,2023-01-01,CN-320500\n",
        vec!["x"; 300].join(",")
    );
    let (summary, errors) = run(wide.into_bytes()).await;
    assert_eq!(summary.unwrap().inserted, 1);
    assert_eq!(errors.len(), 1);
    assert!(errors[0].row == 2 && errors[0].reason.contains("300 columns"), "{:?}", errors[0]);
}

#[tokio::test]
async fn reports_and_exports_never_hand_a_spreadsheet_a_formula() {
    use certguard_app::export::spreadsheet_safe;
    for evil in ["=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)", "\t=1", "\r=1"] {
        assert!(spreadsheet_safe(evil.to_string()).starts_with('\''), "{evil:?}");
    }
    assert_eq!(spreadsheet_safe("张三".into()), "张三");
    assert_eq!(spreadsheet_safe("2024-01-01".into()), "2024-01-01");
    // A rejected row's value reaches the error report neutralised.
    let mut report = certguard_app::import::ErrorReport::new(Vec::new()).unwrap();
    report.add(&RowError { row: 2, column: "姓名".into(), value: "=cmd|' /C calc'!A0".into(), reason: "bad".into() });
    let csv = String::from_utf8(report.finish().unwrap()).unwrap();
    assert!(csv.contains("2,姓名,'=cmd|"), "{csv}");
}

#[tokio::test]
async fn xlsx_import_and_export_round_trip() {
    let env = new_env().await;
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, line) in csv_rows().lines().enumerate() {
        for (c, v) in line.split(',').enumerate() {
            ws.write_string(r as u32, c as u16, v).unwrap();
        }
    }
    // A date typed as a real Excel date in the first data row's 初领日期.
    let fmt = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    ws.write_datetime_with_format(1, 5, rust_xlsxwriter::ExcelDateTime::from_ymd(2022, 3, 1).unwrap(), &fmt).unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let (summary, errors) = run_import(&env, &issuer("CN-320500"), bytes).await;
    assert_eq!((summary.inserted, summary.rejected), (2, 5), "{errors:#?}");

    // Export with full IDs, re-import into a fresh registry: same certificates.
    let reader = local_reader("test");
    let mut out = Cursor::new(Vec::new());
    let opts = ExportOptions { format: ExportFormat::Csv, authority: None, full_id: true, english_headers: false };
    assert_eq!(export(&env.registry, &reader, &opts, None, &mut out, |_| {}).await.unwrap(), 2);
    let fresh = new_env().await;
    let (summary, errors) = run_import(&fresh, &issuer("CN-320500"), out.into_inner()).await;
    assert_eq!(summary.inserted, 2, "{errors:?}");

    // Masked export never carries the ID.
    let mut out = Cursor::new(Vec::new());
    let opts = ExportOptions { format: ExportFormat::Xlsx, authority: None, full_id: false, english_headers: true };
    export(&env.registry, &reader, &opts, None, &mut out, |_| {}).await.unwrap();
    let text = String::from_utf8_lossy(&out.into_inner()).to_string();
    assert!(!text.contains("440524188001010014"));
    let mut csv_out = Cursor::new(Vec::new());
    let opts = ExportOptions { format: ExportFormat::Csv, authority: None, full_id: false, english_headers: true };
    export(&env.registry, &reader, &opts, None, &mut csv_out, |_| {}).await.unwrap();
    let text = String::from_utf8(csv_out.into_inner()).unwrap();
    assert!(text.contains("440524********0014") && !text.contains("440524188001010014"));
    assert!(
        env.registry.store().audit_log(&certguard_store::AuditQuery::latest(1)).await.unwrap()[0].action
            == "certificate.export"
    );
}

#[tokio::test]
async fn accounts_and_sessions() {
    let env = new_env().await;
    let admin = AdminGrant::local_operator("test");
    let new = |u: &str, p: &str, role, auth: Option<&str>| certguard_app::accounts::NewAccount {
        username: u.into(),
        display_name: u.into(),
        password: p.into(),
        role,
        authority: auth.map(|a| a.parse().unwrap()),
    };
    env.accounts
        .create_user(&admin, new("clerk", "correct horse battery", Role::Issuer, Some("CN-320500")), None)
        .await
        .unwrap();
    assert!(matches!(
        env.accounts.create_user(&admin, new("x", "correct horse", Role::Admin, None), None).await,
        Err(AppError::Invalid { .. })
    ));
    assert!(matches!(
        env.accounts.create_user(&admin, new("short", "short", Role::Admin, None), None).await,
        Err(AppError::Invalid { .. })
    ));
    assert!(matches!(
        env.accounts.create_user(&admin, new("iss", "long enough pw", Role::Issuer, None), None).await,
        Err(AppError::Invalid { .. })
    ));
    let stored = env.registry.store().user_by_name("clerk").await.unwrap().unwrap();
    assert!(stored.password_hash.starts_with("$argon2id$"));

    assert!(matches!(env.accounts.login("clerk", "wrong password", None).await, Err(AppError::BadCredentials)));
    assert!(matches!(env.accounts.login("nobody", "wrong password", None).await, Err(AppError::BadCredentials)));
    let (token, p) = env.accounts.login("clerk", "correct horse battery", Some("1.2.3.4")).await.unwrap();
    assert_eq!(p.role, Role::Issuer);
    assert_eq!(env.accounts.session(&token).await.unwrap().unwrap().username, "clerk");
    env.accounts.logout(&token).await.unwrap();
    assert!(env.accounts.session(&token).await.unwrap().is_none());
    let api = env.accounts.create_api_token(&p, "ci", None).await.unwrap();
    assert_eq!(env.accounts.authenticate_token(&api).await.unwrap().unwrap().user_id, p.user_id);
    let log = env.registry.store().audit_log(&certguard_store::AuditQuery::latest(10)).await.unwrap();
    assert!(log.iter().any(|a| a.action == "login.failed" && a.actor == "nobody"));
    assert!(log.iter().any(|a| a.action == "login" && a.client.as_deref() == Some("1.2.3.4")));
}

#[tokio::test]
async fn demo_seed_is_deterministic_and_realistic() {
    let env = new_env().await;
    let n = certguard_app::demo::seed(&env.registry, &env.accounts, 500).await.unwrap();
    assert_eq!(n, 500);
    let counts = env.registry.store().counts().await.unwrap();
    assert_eq!(counts.certificates, 500);
    assert!(counts.by_lifecycle.len() >= 2, "some are suspended, revoked or cancelled: {counts:?}");
    // Same seed, same data: the second environment gets the same first certificate.
    let again = new_env().await;
    certguard_app::demo::seed(&again.registry, &again.accounts, 500).await.unwrap();
    let a = env.registry.store().certificates_after(0, None, 1).await.unwrap();
    let b = again.registry.store().certificates_after(0, None, 1).await.unwrap();
    assert_eq!(a[0].1, b[0].1);
    // Demo logins work and statuses are varied.
    assert!(env.accounts.login("suzhou", "demo-issuer-2021", None).await.is_ok());
    let reader = local_reader("t");
    let overdue = env
        .registry
        .search(
            &reader,
            certguard_store::CertificateQuery { status: Some(Status::Valid), limit: 1, ..Default::default() },
        )
        .await
        .unwrap();
    assert!(overdue.1 > 100);
    // A year of casework across provinces, each fine inside its legal range.
    let everywhere = certguard_access::CaseGrant::local_operator("t");
    let rows = certguard_app::cases::campaign(&env.registry, &everywhere).await.unwrap();
    let provinces: std::collections::HashSet<_> = rows.iter().map(|r| r.province.clone()).collect();
    let months: std::collections::HashSet<_> = rows.iter().map(|r| r.month.clone()).collect();
    assert!(provinces.len() >= 5 && months.len() >= 12, "{provinces:?} {months:?}");
    let (unlicensed, fake) = rows.iter().fold((0, 0), |(u, f), r| (u + r.unlicensed_cases, f + r.fake_cases));
    assert!(unlicensed > 2 * fake && fake > 20, "about the campaign's 1,819 : 532: {unlicensed} : {fake}");
    let cases = certguard_app::cases::list_cases(&env.registry, &everywhere, 1000).await.unwrap();
    for c in cases.iter().filter_map(|c| c.penalty.as_ref()) {
        certguard_casework::penalty::check(&c.decision).unwrap();
    }
    let before = cases.len();
    // Re-seeding changes nothing.
    assert_eq!(certguard_app::demo::seed(&env.registry, &env.accounts, 500).await.unwrap(), 0);
    assert_eq!(certguard_app::cases::list_cases(&env.registry, &everywhere, 1000).await.unwrap().len(), before);
    let _ = Sex::Male;
}
