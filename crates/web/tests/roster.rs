//! Roster verification over HTTP: an employer's token sends a roster (typed rows and QR texts, UTF-8 or GBK),
//! every worker is answered in order with the reason, the signed receipt verifies offline with the published
//! key and covers exactly the results delivered, it is in the transparency log and the audit log; other roles,
//! anonymous callers, bad files and forged receipts are refused; the page flow works with its CSRF check.

mod helpers;

use certguard_casework::receipt;
use certguard_store::AuditQuery;
use helpers::{TestApp, client, csrf_of};
use serde_json::Value;

async fn verify(app: &TestApp, token: Option<&str>, query: &str, body: Vec<u8>) -> reqwest::Response {
    let mut r = client().post(app.url(&format!("/api/v1/roster/verify{query}"))).body(body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r.send().await.unwrap()
}

/// The AQ1 text the registry signed for a certificate.
async fn qr_of(app: &TestApp, serial: &str) -> String {
    let s = certguard_registry::Serial::from_hex(serial).unwrap();
    let c = app.registry.store().certificate(&s).await.unwrap().unwrap();
    c.certificate.credential.unwrap().text
}

fn lines(answer: &Value) -> Vec<Value> {
    answer["results_jsonl"].as_str().unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[tokio::test]
async fn an_employer_verifies_a_roster_and_the_receipt_proves_it_offline() {
    let app = TestApp::spawn().await;
    let serial = app.issue_via_api("11010519491231002X", "王芳").await;
    let other = app.issue_via_api("440524188001010014", "李强").await;
    let qr = qr_of(&app, &serial).await;
    // A forger edits one character of a genuine QR's signed part.
    let mut forged = qr.clone().into_bytes();
    let at = forged.len() - 10;
    forged[at] = if forged[at] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).unwrap();

    let roster = format!(
        "证号,姓名,操作项目,二维码\n\
         T11010519491231002X,王芳,熔化焊接与热切割作业,\n\
         T11010519491231002X,王芳,低压电工作业,\n\
         T440524188001010014,张冒名,,\n\
         T110105194912310021,赵六,,\n\
         T110101199003074477,孙七,,\n\
         ,王芳,2.1,{qr}\n\
         ,王芳,,{forged}\n\
         ,李强,,{qr}\n\
         T11010519491231002X,王芳,,\n"
    );
    let token = app.token("employer").await;
    let res = verify(&app, Some(&token), "?employer=91350100M000100Y43", roster.into_bytes()).await;
    assert_eq!(res.status(), 200);
    let answer: Value = res.json().await.unwrap();
    let got: Vec<(u64, String)> = lines(&answer)
        .iter()
        .map(|l| (l["row"].as_u64().unwrap(), l["result"].as_str().unwrap().to_string()))
        .collect();
    let want = [
        (2, "valid"),
        (3, "item_mismatch"),
        (4, "person_mismatch"),
        (5, "fake"),
        (6, "not_found"),
        (7, "valid"),
        (8, "fake"),
        (9, "person_mismatch"),
        (10, "valid"),
    ];
    assert_eq!(got, want.iter().map(|(r, s)| (*r, s.to_string())).collect::<Vec<_>>(), "{answer}");
    let all = lines(&answer);
    assert_eq!(all[8]["duplicate_of"], 2);
    assert!(all[1]["reason"].as_str().unwrap().contains("2.1"), "{}", all[1]);
    // Nothing leaves with a full ID number.
    let text = answer.to_string();
    assert!(!text.contains("11010519491231002X") && !text.contains("440524188001010014"), "{text}");
    let _ = other;

    // The receipt: verified offline with the published key, covering exactly these results.
    let vkey = client().get(app.url("/roster/receipt.vkey")).send().await.unwrap().text().await.unwrap();
    let key = certguard_tlog::note::VerifierKey::parse(vkey.trim()).unwrap();
    let signed = answer["receipt"].as_str().unwrap();
    let r = receipt::verify(signed, &key).unwrap();
    assert_eq!((r.rows, r.count(certguard_casework::RosterResult::Valid)), (9, 3));
    assert_eq!(r.employer.as_ref().map(|e| e.as_str()), Some("91350100M000100Y43"));
    assert_eq!(r.by, "employer");
    receipt::check_results(&r, answer["results_jsonl"].as_str().unwrap().as_bytes()).unwrap();
    let edited = answer["results_jsonl"].as_str().unwrap().replacen("\"fake\"", "\"valid\"", 1);
    assert!(receipt::check_results(&r, edited.as_bytes()).is_err());
    // The public check says the same, and refuses an edited receipt.
    let res = client().post(app.url("/api/v1/roster/receipt")).body(signed.to_string()).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["id"], r.id.as_str());
    let tampered = signed.replace("\nfake 2\n", "\nfake 0\n").replace("\nvalid 3\n", "\nvalid 5\n");
    assert_ne!(tampered, signed);
    let res = client().post(app.url("/api/v1/roster/receipt")).body(tampered).send().await.unwrap();
    assert_eq!(res.status(), 422);
    // In the transparency log (its entry hashes the receipt's text) and in the audit log.
    let index = answer["log_index"].as_u64().expect("logged");
    let leaves = app.registry.store().log_leaves_of(&certguard_registry::Serial(r.id_bytes())).await.unwrap();
    assert_eq!(leaves.len(), 1);
    assert_eq!((leaves[0].index, leaves[0].kind), (index, certguard_registry::LogEventKind::RosterReceipt));
    assert_eq!(leaves[0].credential_sha256, Some(r.text_sha256()));
    let audit = app
        .registry
        .store()
        .audit_log(&AuditQuery { action_prefix: Some("roster.verify".into()), limit: 10, ..AuditQuery::default() })
        .await
        .unwrap();
    assert!(audit.iter().any(|a| a.actor == "employer" && a.detail.contains(&r.id)), "{audit:?}");
}

#[tokio::test]
async fn gbk_rosters_work_and_bad_rosters_and_callers_are_refused() {
    let app = TestApp::spawn().await;
    app.issue_via_api("11010519491231002X", "王芳").await;
    let token = app.token("employer").await;
    let (gbk, _, _) = encoding_rs::GBK.encode("证号,姓名\nT11010519491231002X,王芳\n");
    let res = verify(&app, Some(&token), "", gbk.into_owned()).await;
    assert_eq!(res.status(), 200);
    assert_eq!(lines(&res.json().await.unwrap())[0]["result"], "valid");

    let res = verify(&app, Some(&token), "", "姓名,电话\n王芳,1\n".into()).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("证号"));
    let res = verify(&app, Some(&token), "", "证号,姓名,证号\nT1,王芳,T1\n".into()).await;
    assert_eq!(res.status(), 422);
    let res = verify(&app, Some(&token), "?employer=91350100M000100Y44", "证号,姓名\n".into()).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("校验位"));
    let res = verify(&app, Some(&token), "", b"\x89PNG\r\n\x1a\n\0\0".to_vec()).await;
    assert_eq!(res.status(), 422);
    let res = verify(&app, Some(&token), "", vec![b'a'; 33 * 1024 * 1024]).await;
    assert_eq!(res.status(), 413);
    // Roles: analysts and exam centres do not verify rosters; nobody does anonymously.
    for role in ["analyst", "centre-3201"] {
        let t = app.token(role).await;
        assert_eq!(verify(&app, Some(&t), "", "证号,姓名\n".into()).await.status(), 403, "{role}");
    }
    assert_eq!(verify(&app, None, "", "证号,姓名\n".into()).await.status(), 401);
}

#[tokio::test]
async fn the_roster_page_uploads_checks_and_hands_out_the_ledger() {
    let app = TestApp::spawn().await;
    app.issue_via_api("11010519491231002X", "王芳").await;
    let c = app.login("employer").await;
    let page = c.get(app.url("/admin/roster")).send().await.unwrap().text().await.unwrap();
    let form =
        reqwest::multipart::Form::new().text("csrf", csrf_of(&page)).text("employer", "91350100M000100Y43").part(
            "file",
            reqwest::multipart::Part::bytes(
                "证号,姓名\nT11010519491231002X,王芳\nT11010519491231002X,李四\n".as_bytes().to_vec(),
            )
            .file_name("roster.csv"),
        );
    let html = c.post(app.url("/admin/roster")).multipart(form).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("人证不符") && html.contains("110105********002X"), "{html}");
    let link = html.split("href=\"/admin/roster/").nth(1).unwrap().split('/').next().unwrap().to_string();
    let xlsx = c.get(app.url(&format!("/admin/roster/{link}/ledger.xlsx"))).send().await.unwrap();
    assert_eq!(xlsx.status(), 200);
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"));
    let receipt =
        c.get(app.url(&format!("/admin/roster/{link}/receipt.txt"))).send().await.unwrap().text().await.unwrap();
    assert!(receipt.starts_with(receipt::HEADER), "{receipt}");
    // Another account cannot fetch this employer's files.
    let other = app.login("inspector").await;
    assert_eq!(other.get(app.url(&format!("/admin/roster/{link}/results.jsonl"))).send().await.unwrap().status(), 404);
    // Without the form's CSRF token nothing runs.
    let form = reqwest::multipart::Form::new().text("csrf", "0".repeat(64)).text("qr", "AQ1:x");
    assert_eq!(c.post(app.url("/admin/roster")).multipart(form).send().await.unwrap().status(), 403);
    // An analyst is not offered the page.
    let analyst = app.login("analyst").await;
    assert_eq!(analyst.get(app.url("/admin/roster")).send().await.unwrap().status(), 403);
}

#[tokio::test]
async fn an_employer_speaks_for_its_own_unit_and_sees_its_own_reminders() {
    let app = TestApp::spawn().await;
    // A welder whose review falls due in 16 days (the clock stands at 2024-06-15).
    let res = client()
        .post(app.url("/api/v1/certificates"))
        .bearer_auth(app.token("clerk").await)
        .json(&serde_json::json!({
            "name": "王芳", "id_number": "11010519491231002X", "category": "2", "item": "2.1",
            "valid_from": "2021-07-01", "authority": "CN-320500"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    app.issue_via_api("440524188001010014", "李强").await;
    let admin = certguard_access::AdminGrant::local_operator("test");
    certguard_app::roster::bind_employer(&app.registry, &admin, "employer", "91350100M000100Y43").await.unwrap();
    // Only employer accounts belong to a unit; a bad code is refused.
    assert!(
        certguard_app::roster::bind_employer(&app.registry, &admin, "analyst", "91350100M000100Y43").await.is_err()
    );
    assert!(
        certguard_app::roster::bind_employer(&app.registry, &admin, "employer", "91350100M000100Y44").await.is_err()
    );

    let token = app.token("employer").await;
    let roster = "证号,姓名,操作项目\nT11010519491231002X,王芳,2.1\nT440524188001010014,李强,\n";
    // Naming another unit is refused; naming none, the receipt names the account's own.
    let res = verify(&app, Some(&token), "?employer=91310000717854505W", roster.into()).await;
    assert_eq!(res.status(), 403);
    let res = verify(&app, Some(&token), "", roster.into()).await;
    assert_eq!(res.status(), 200);
    let answer: Value = res.json().await.unwrap();
    let key = certguard_tlog::note::VerifierKey::parse(
        client().get(app.url("/roster/receipt.vkey")).send().await.unwrap().text().await.unwrap().trim(),
    )
    .unwrap();
    let r = receipt::verify(answer["receipt"].as_str().unwrap(), &key).unwrap();
    assert_eq!(r.employer.as_ref().map(|e| e.as_str()), Some("91350100M000100Y43"));

    // The unit's roster is kept: its reminders, re-checked today.
    let reminders: Value = client()
        .get(app.url("/api/v1/roster/reminders"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let list = reminders.as_array().unwrap();
    assert_eq!(list.len(), 1, "{reminders}");
    assert_eq!((list[0]["name"].as_str(), list[0]["result"].as_str()), (Some("王芳"), Some("review_due")));
    assert_eq!(
        (list[0]["reminder"]["days_left"].as_i64(), list[0]["reminder"]["stage"].as_i64()),
        (Some(16), Some(30))
    );
    let page = app.login("employer").await.get(app.url("/admin/roster")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("需要关注") && page.contains("2024-07-01"), "{page}");

    // Another employer (another unit) sees nothing of it; an unbound one cannot claim a unit.
    app.accounts
        .create_user(
            &admin,
            certguard_app::accounts::NewAccount {
                username: "other-employer".into(),
                display_name: "x".into(),
                password: helpers::PASSWORD.into(),
                role: certguard_access::Role::Employer,
                authority: None,
            },
            None,
        )
        .await
        .unwrap();
    let other = app.token("other-employer").await;
    let none: Value = client()
        .get(app.url("/api/v1/roster/reminders"))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(none, serde_json::json!([]));
    let res = verify(&app, Some(&other), "?employer=91350100M000100Y43", roster.into()).await;
    assert_eq!(res.status(), 422);
}
