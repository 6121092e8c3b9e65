//! Inspections and cases over HTTP: an inspection verifies each worker and records the findings in their legal
//! categories; a finding opens a case; steps out of order, by the wrong role, in another region or with a fine
//! outside the law are refused with the reason; the second tier needs an earlier decision; the campaign's
//! figures add up, as JSON, CSV and a page with its chart.

mod helpers;

use certguard_access::{AdminGrant, Role};
use certguard_app::accounts::NewAccount;
use certguard_store::AuditQuery;
use helpers::{PASSWORD, TestApp, client};
use serde_json::{Value, json};

const SUZHOU_UNIT: &str = "91320500MA1N2B3C4L";
const BEIJING_UNIT: &str = "91110105MA01ABCD8Q";

async fn call(app: &TestApp, token: &str, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let c = client();
    let mut r = match method {
        "GET" => c.get(app.url(path)),
        _ => c.post(app.url(path)),
    }
    .bearer_auth(token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    let res = r.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

async fn suzhou_inspector(app: &TestApp) -> String {
    app.accounts
        .create_user(
            &AdminGrant::local_operator("test"),
            NewAccount {
                username: "suzhou-inspector".into(),
                display_name: "苏州执法".into(),
                password: PASSWORD.into(),
                role: Role::Inspector,
                authority: Some("CN-320500".parse().unwrap()),
            },
            None,
        )
        .await
        .unwrap();
    app.token("suzhou-inspector").await
}

/// A small PNG, as a phone's photo of a certificate would be (base64).
fn photo_base64() -> String {
    let img = image::GrayImage::from_fn(64, 48, |x, y| image::Luma([((x * 3 + y * 5) % 256) as u8]));
    let mut png = std::io::Cursor::new(Vec::new());
    img.write_to(&mut png, image::ImageFormat::Png).unwrap();
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(png.into_inner())
}

fn inspection(unit: &str) -> Value {
    json!({
        "unit_name": "某机械厂", "unit_uscc": unit, "place": "三号车间", "inspectors": ["张检", "李检"],
        "workers": [
            {"name": "王芳", "number": "T11010519491231002X", "item": "2.1"},
            {"name": "赵六", "number": "T110105194912310021", "photo_base64": photo_base64()},
            {"name": "钱七", "note": "无证焊接"}
        ]
    })
}

#[tokio::test]
async fn from_an_inspection_to_a_decided_case_within_the_law() {
    let app = TestApp::spawn().await;
    app.issue_via_api("11010519491231002X", "王芳").await;
    let suzhou = suzhou_inspector(&app).await;

    let (status, i) = call(&app, &suzhou, "POST", "/api/v1/inspections", Some(inspection(SUZHOU_UNIT))).await;
    assert_eq!(status, 201, "{i}");
    assert_eq!((i["region"].as_str(), i["workers_checked"].as_u64()), (Some("320500"), Some(3)));
    let categories: Vec<&str> =
        i["findings"].as_array().unwrap().iter().map(|f| f["category"].as_str().unwrap()).collect();
    assert_eq!(categories, ["fake_certificate", "unlicensed"], "{i}");
    assert!(!i.to_string().contains("110105194912310021"), "numbers are masked");
    let inspection_id = i["id"].as_i64().unwrap();
    assert_eq!(i["findings"][0]["photo_sha256"].as_str().map(str::len), Some(64), "the photo is kept with its hash");
    // A "photo" that is no image is refused before anything is stored.
    let mut bad = inspection(SUZHOU_UNIT);
    bad["workers"][0]["photo_base64"] = json!("UEsDBAoAAAAAAA==");
    let (status, e) = call(&app, &suzhou, "POST", "/api/v1/inspections", Some(bad)).await;
    assert_eq!(status, 422, "{e}");
    assert!(e.to_string().contains("photo"), "{e}");
    // Each photo is decoded to be checked: one inspection keeps at most 20.
    let mut many = inspection(SUZHOU_UNIT);
    many["workers"] =
        json!((0..21).map(|k| json!({"name": format!("工人{k}"), "photo_base64": photo_base64()})).collect::<Vec<_>>());
    let (status, e) = call(&app, &suzhou, "POST", "/api/v1/inspections", Some(many)).await;
    assert_eq!(status, 422, "{e}");
    assert!(e.to_string().contains("at most 20 photos"), "{e}");

    // A Suzhou inspector cannot record or touch Beijing.
    let (status, _) = call(&app, &suzhou, "POST", "/api/v1/inspections", Some(inspection(BEIJING_UNIT))).await;
    assert_eq!(status, 403);

    let open = json!({"source": {"kind": "finding", "inspection": inspection_id, "index": 1}, "note": "现场拍照取证"});
    let (status, case) = call(&app, &suzhou, "POST", "/api/v1/cases", Some(open)).await;
    assert_eq!(status, 201, "{case}");
    assert_eq!((case["state"].as_str(), case["offence"].as_str()), (Some("filed"), Some("employer_unlicensed_work")));
    let id = case["id"].as_i64().unwrap();
    let steps = format!("/api/v1/cases/{id}/steps");
    let decision =
        |fine: u64| json!({"step": "decide", "decision": {"offence": "employer_unlicensed_work", "fine_yuan": fine}});

    // Out of order: a decision before the investigation.
    let (status, e) = call(&app, &suzhou, "POST", &steps, Some(decision(50_000))).await;
    assert_eq!(status, 409, "{e}");
    assert!(e.to_string().contains("须先调查"), "{e}");
    // The wrong role: an analyst does not investigate.
    let analyst = app.token("analyst").await;
    let (status, _) = call(&app, &analyst, "POST", &steps, Some(json!({"step": "investigate"}))).await;
    assert_eq!(status, 403);
    let (status, case) = call(&app, &suzhou, "POST", &steps, Some(json!({"step": "investigate", "version": 1}))).await;
    assert_eq!((status, case["state"].as_str()), (200, Some("investigating")), "{case}");
    // A stale version is refused.
    let (status, _) = call(&app, &suzhou, "POST", &steps, Some(json!({"step": "decide", "version": 1, "decision": {"offence": "employer_unlicensed_work", "fine_yuan": 1}}))).await;
    assert_eq!(status, 409);
    // A fine above the law's range, naming the article; the second tier without an earlier decision.
    let (status, e) = call(&app, &suzhou, "POST", &steps, Some(decision(100_001))).await;
    assert_eq!(status, 422, "{e}");
    assert!(e.to_string().contains("第九十七条"), "{e}");
    let tier2 = json!({"step": "decide", "decision": {"offence": "employer_unlicensed_work", "repeat": true, "fine_yuan": 150000, "responsible_person_fines": [30000], "stop_work": true}});
    let (status, e) = call(&app, &suzhou, "POST", &steps, Some(tier2.clone())).await;
    assert_eq!(status, 422, "{e}");
    let (status, case) = call(&app, &suzhou, "POST", &steps, Some(decision(50_000))).await;
    assert_eq!((status, case["state"].as_str()), (200, Some("decided")), "{case}");
    assert!(case["penalty"]["article"].as_str().unwrap().contains("第九十七条"));
    let (status, case) = call(&app, &suzhou, "POST", &steps, Some(json!({"step": "close"}))).await;
    assert_eq!((status, case["state"].as_str()), (200, Some("closed")));
    assert_eq!(case["history"].as_array().unwrap().len(), 4);
    let (status, _) = call(&app, &suzhou, "POST", &steps, Some(json!({"step": "investigate"}))).await;
    assert_eq!(status, 409, "a closed case stays closed");

    // The unit did not correct: a second case may now take the second tier; the fake certificate goes to the police.
    let open = json!({"source": {"kind": "finding", "inspection": inspection_id, "index": 1}});
    let (_, second) = call(&app, &suzhou, "POST", "/api/v1/cases", Some(open)).await;
    let steps2 = format!("/api/v1/cases/{}/steps", second["id"]);
    call(&app, &suzhou, "POST", &steps2, Some(json!({"step": "investigate"}))).await;
    let (status, second) = call(&app, &suzhou, "POST", &steps2, Some(tier2)).await;
    assert_eq!(status, 200, "{second}");
    assert_eq!(second["penalty"]["total_yuan"], 180_000);
    let open = json!({"source": {"kind": "finding", "inspection": inspection_id, "index": 0}});
    let (_, fake) = call(&app, &suzhou, "POST", "/api/v1/cases", Some(open)).await;
    assert_eq!(fake["offence"], "employer_forged_certificate");
    let steps3 = format!("/api/v1/cases/{}/steps", fake["id"]);
    call(&app, &suzhou, "POST", &steps3, Some(json!({"step": "investigate"}))).await;
    let (status, fake) =
        call(&app, &suzhou, "POST", &steps3, Some(json!({"step": "transfer", "note": "移送张家港市公安局"}))).await;
    assert_eq!((status, fake["state"].as_str()), (200, Some("transferred")));

    // The hand-over package: every file listed in the manifest with its SHA-256.
    let res = client()
        .get(app.url(&format!("/api/v1/cases/{}/evidence", fake["id"])))
        .bearer_auth(&suzhou)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut files = std::collections::HashMap::new();
    for k in 0..zip.len() {
        let mut f = zip.by_index(k).unwrap();
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut buf).unwrap();
        let name = f.name().unwrap().to_string();
        files.insert(name.split_once('/').unwrap().1.to_string(), buf);
    }
    let manifest: Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    let listed = manifest["files"].as_array().unwrap();
    assert!(listed.len() >= 4, "{manifest}");
    for f in listed {
        let name = f["name"].as_str().unwrap();
        let digest = certguard_casework::receipt::sha256_hex(&files[name]);
        assert_eq!(f["sha256"].as_str(), Some(digest.as_str()), "{name}");
    }
    let letter = String::from_utf8(files["移送函.html"].clone()).unwrap();
    assert!(letter.contains("案件移送函") && letter.contains("移送公安"), "{letter}");
    assert!(String::from_utf8_lossy(&files["inspection.json"]).contains("fake_certificate"));
    assert!(files["photos/worker-2.png"].starts_with(b"\x89PNG"), "the certificate photo is in the package");
    // Another region's inspector sees none of it; employers have no access at all.
    let national = app.token("inspector").await;
    let (_, bj) = call(&app, &national, "POST", "/api/v1/inspections", Some(inspection(BEIJING_UNIT))).await;
    let open = json!({"source": {"kind": "finding", "inspection": bj["id"], "index": 0}});
    let (status, bj_case) = call(&app, &national, "POST", "/api/v1/cases", Some(open)).await;
    assert_eq!(status, 201);
    let (status, _) = call(&app, &suzhou, "GET", &format!("/api/v1/cases/{}", bj_case["id"]), None).await;
    assert_eq!(status, 403);
    let (status, _) = call(&app, &suzhou, "GET", &format!("/api/v1/inspections/{}", bj["id"]), None).await;
    assert_eq!(status, 403);
    let (_, listed) = call(&app, &suzhou, "GET", "/api/v1/cases", None).await;
    assert_eq!(listed.as_array().unwrap().len(), 3, "only Suzhou's cases");
    let employer = app.token("employer").await;
    assert_eq!(call(&app, &employer, "GET", "/api/v1/cases", None).await.0, 403);

    // The figures: Jiangsu 2 unlicensed + 1 fake, 230,000 yuan, 1 to the police; Beijing 1 fake.
    let (status, rows) = call(&app, &analyst, "GET", "/api/v1/campaign", None).await;
    assert_eq!(status, 200);
    let total = |p: &str, k: &str| {
        rows.as_array().unwrap().iter().filter(|r| r["province"] == p).map(|r| r[k].as_u64().unwrap()).sum::<u64>()
    };
    assert_eq!((total("32", "unlicensed_cases"), total("32", "fake_cases")), (2, 1), "{rows}");
    assert_eq!(
        (total("32", "fines_yuan"), total("32", "police_transfers"), total("32", "closed_cases")),
        (230_000, 1, 1)
    );
    assert_eq!(total("11", "fake_cases"), 1);
    let csv = client()
        .get(app.url("/api/v1/campaign?format=csv"))
        .bearer_auth(&analyst)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.contains("江苏省") && csv.contains("230000"), "{csv}");
    let xlsx = client().get(app.url("/api/v1/campaign?format=xlsx")).bearer_auth(&analyst).send().await.unwrap();
    assert_eq!(xlsx.status(), 200);
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"));
    let page = app.login("analyst").await.get(app.url("/admin/campaign")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<svg") && page.contains("江苏省") && page.contains("北京市"), "{page}");

    // The same steps from the back-office page: a decision outside the law is refused there too.
    let page_client = app.login("suzhou-inspector").await;
    let html =
        page_client.get(app.url(&format!("/admin/cases/{}", second["id"]))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("第九十七条") && html.contains("f-step"), "{html}");
    let (_, fourth) = call(
        &app,
        &suzhou,
        "POST",
        "/api/v1/cases",
        Some(json!({"source": {"kind": "finding", "inspection": inspection_id, "index": 1}})),
    )
    .await;
    let case_url = format!("/admin/cases/{}", fourth["id"]);
    let html = page_client.get(app.url(&case_url)).send().await.unwrap().text().await.unwrap();
    let csrf = helpers::csrf_of(&html);
    let res = page_client
        .post(app.url(&format!("{case_url}/step")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("version", "1"),
            ("step", "decide"),
            ("offence", "employer_unlicensed_work"),
            ("fine_yuan", "5000"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409, "a decision before the investigation");
    let res = page_client
        .post(app.url(&format!("{case_url}/step")))
        .form(&[("csrf", csrf.as_str()), ("version", "1"), ("step", "investigate"), ("note", "约谈负责人")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let res = page_client
        .post(app.url(&format!("{case_url}/step")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("version", "2"),
            ("step", "decide"),
            ("offence", "employer_unlicensed_work"),
            ("fine_yuan", "200000"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("第九十七条"));
    let res = page_client
        .post(app.url(&format!("{case_url}/step")))
        .form(&[("csrf", "0"), ("step", "close")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403, "no CSRF token, no step");

    let trail = app
        .registry
        .store()
        .audit_log(&AuditQuery { action_prefix: Some("case.".into()), limit: 50, ..AuditQuery::default() })
        .await
        .unwrap();
    assert!(
        trail.iter().any(|a| a.action == "case.decide" && a.actor == "suzhou-inspector" && a.detail.contains("50000"))
    );
}
