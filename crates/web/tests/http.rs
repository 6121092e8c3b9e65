//! The HTTP edge over a real socket: lookup privacy and rate limit, login, roles, forms with CSRF, the API,
//! imports, OpenAPI, health and metrics.

mod helpers;

use certguard_web::WebConfig;
use helpers::{TestApp, client, csrf_of};
use serde_json::{Value, json};

const ID: &str = "440524188001010014";

#[tokio::test]
async fn lookup_page_is_masked_and_misses_look_alike() {
    let app = TestApp::spawn().await;
    app.issue_via_api(ID, "张三").await;
    let c = client();
    let csrf = app.csrf(&c).await;
    let page = |number: &'static str, name: &'static str| {
        let c = c.clone();
        let csrf = csrf.clone();
        let url = app.url("/lookup");
        async move {
            let res =
                c.post(url).form(&[("csrf", csrf.as_str()), ("number", number), ("name", name)]).send().await.unwrap();
            (res.status().as_u16(), res.text().await.unwrap())
        }
    };
    let (status, body) = page("T440524188001010014", "张三").await;
    assert_eq!(status, 200);
    assert!(body.contains("真实有效"), "{body}");
    assert!(body.contains("T440524********0014") && body.contains("熔化焊接与热切割作业"));
    assert!(!body.contains(ID), "the full ID never reaches a public page");
    // Full-width digits and spaces are normalised.
    let (_, body) = page("Ｔ４４０５２４ 1880 0101 0014", "张 三").await;
    assert!(body.contains("真实有效"));

    // Wrong name, wrong number, injection: the same answer.
    let strip =
        |b: String| b.replace(&csrf, "").split("<main").nth(1).unwrap().split("<form").next().unwrap().to_string();
    let a = strip(page("T440524188001010014", "李四").await.1);
    let b = strip(page("T11010519491231002X", "张三").await.1);
    let d = strip(page("T1' OR '1'='1", "张三' --").await.1);
    assert!(a.contains("未查到该证书"));
    assert_eq!(a, b);
    assert_eq!(a, d);

    // Without the CSRF token the form is refused.
    let res =
        c.post(app.url("/lookup")).form(&[("number", "T440524188001010014"), ("name", "张三")]).send().await.unwrap();
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn lookups_are_rate_limited_per_client() {
    let app = TestApp::spawn_with(WebConfig { lookup_per_minute: 20, ..WebConfig::default() }).await;
    let c = client();
    let mut statuses = Vec::new();
    for _ in 0..8 {
        let res = c.post(app.url("/api/v1/lookup")).json(&json!({"number": "T1", "name": "x"})).send().await.unwrap();
        statuses.push(res.status().as_u16());
    }
    assert_eq!(&statuses[..5], &[404; 5], "burst of 5 for 20/minute");
    assert_eq!(statuses[5], 429);
    let res = c.post(app.url("/api/v1/lookup")).json(&json!({"number": "T1", "name": "x"})).send().await.unwrap();
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    let metrics = app.metrics().await;
    assert!(metrics.contains("certguard_rate_limited_total 4"), "{metrics}");
}

#[tokio::test]
async fn api_lookup_and_errors() {
    let app = TestApp::spawn().await;
    app.issue_via_api(ID, "张三").await;
    let c = client();
    let res = c
        .post(app.url("/api/v1/lookup"))
        .json(&json!({"number": "T440524188001010014", "name": "张三"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["certificates"][0]["id_masked"], "440524********0014");
    assert_eq!(v["certificates"][0]["status"]["code"], "valid");
    assert!(!v.to_string().contains(ID));
    let res = c
        .post(app.url("/api/v1/lookup"))
        .json(&json!({"number": "T440524188001010014", "name": "王五"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let res = c
        .post(app.url("/api/v1/lookup"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(res.json::<Value>().await.unwrap()["error"]["code"], "bad_request");
}

#[tokio::test]
async fn login_roles_and_back_office() {
    let app = TestApp::spawn().await;
    // Wrong password: 401 with the form again, username kept.
    let c = client();
    let page = c.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    let res = c
        .post(app.url("/login"))
        .form(&[("csrf", csrf_of(&page).as_str()), ("username", "clerk"), ("password", "nope-nope-nope")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert!(res.text().await.unwrap().contains("value=\"clerk\""));
    // Not logged in: redirected to login.
    let res = c.get(app.url("/admin/certificates")).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert!(res.headers()["location"].to_str().unwrap().starts_with("/login?next="));

    let serial = app.issue_via_api(ID, "张三").await;
    let clerk = app.login("clerk").await;
    let list = clerk.get(app.url("/admin/certificates")).send().await.unwrap().text().await.unwrap();
    assert!(list.contains("张三"));
    // Another authority's issuer does not see it; an employer may not read the registry.
    let beijing = app.login("beijing").await;
    let list = beijing.get(app.url("/admin/certificates")).send().await.unwrap().text().await.unwrap();
    assert!(!list.contains("张三"));
    assert_eq!(beijing.get(app.url(&format!("/admin/certificates/{serial}"))).send().await.unwrap().status(), 404);
    let employer = app.login("employer").await;
    assert_eq!(employer.get(app.url("/admin/certificates")).send().await.unwrap().status(), 403);
    assert_eq!(employer.get(app.url("/admin/issue")).send().await.unwrap().status(), 403);
    let inspector = app.login("inspector").await;
    let detail =
        inspector.get(app.url(&format!("/admin/certificates/{serial}"))).send().await.unwrap().text().await.unwrap();
    assert!(detail.contains(ID), "inspectors read full records");
    assert!(!detail.contains("登记操作"), "but get no operation forms");
    assert_eq!(inspector.get(app.url("/admin/audit")).send().await.unwrap().status(), 403);
    let admin = app.login("admin").await;
    let audit = admin.get(app.url("/admin/audit")).send().await.unwrap().text().await.unwrap();
    assert!(audit.contains("certificate.issue") && audit.contains("login"));

    // Reflected input is escaped.
    let res = clerk
        .get(app.url("/admin/certificates?q=%3Cscript%3Ealert(1)%3C/script%3E"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!res.contains("<script>alert(1)</script>") && res.contains("&lt;script&gt;"));

    // Logout ends the session.
    let csrf = app.csrf(&clerk).await;
    clerk.post(app.url("/logout")).form(&[("csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(clerk.get(app.url("/admin")).send().await.unwrap().status(), 303);
}

#[tokio::test]
async fn issue_form_keeps_input_and_operations_follow_the_rules() {
    let app = TestApp::spawn().await;
    let clerk = app.login("clerk").await;
    let form = clerk.get(app.url("/admin/issue")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_of(&form);
    // A wrong check digit: the error sits at the field and the typed values stay.
    let res = clerk
        .post(app.url("/admin/issue"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "王 五"),
            ("id_kind", "resident"),
            ("id_number", "110105194912310021"),
            ("item", "1.2"),
            ("valid_from", "2024-06-01"),
            ("authority", "CN-320500"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("check character") && body.contains("value=\"王 五\"") && body.contains("aria-invalid=\"true\"")
    );
    // Full-width digits accepted; success redirects to the detail page.
    let res = clerk
        .post(app.url("/admin/issue"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "李四"),
            ("id_kind", "resident"),
            ("id_number", "１１０１０５１９４９１２３１００２Ｘ"),
            ("item", "1.2"),
            ("valid_from", "2024-06-01"),
            ("authority", "CN-320500"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let detail = clerk.get(app.url(&location)).send().await.unwrap().text().await.unwrap();
    assert!(detail.contains("李四") && detail.contains("低压电工作业") && detail.contains("发证"));
    // Issuing for another authority is refused.
    let res = clerk
        .post(app.url("/admin/issue"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "赵六"),
            ("id_kind", "resident"),
            ("id_number", ID),
            ("item", "1.2"),
            ("valid_from", "2024-06-01"),
            ("authority", "CN-110000"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    // Suspend, then revoke, then a review is refused with the reason shown.
    let action = app.url(&format!("{location}/action"));
    let res = clerk
        .post(&action)
        .form(&[("csrf", csrf.as_str()), ("op", "suspend"), ("reason", "违章作业")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let res = clerk
        .post(&action)
        .form(&[("csrf", csrf.as_str()), ("op", "revoke"), ("revoke_reason", "health_unfit")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let res = clerk
        .post(&action)
        .form(&[("csrf", csrf.as_str()), ("op", "review"), ("date", "2024-06-15"), ("passed", "true")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    assert!(res.text().await.unwrap().contains("操作未执行"));
    // A stale version is refused.
    let res = clerk
        .post(&action)
        .form(&[("csrf", csrf.as_str()), ("op", "cancel"), ("cancel_reason", "after_revocation"), ("version", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    // CSRF is checked on operations too.
    let res = clerk.post(&action).form(&[("op", "reinstate")]).send().await.unwrap();
    assert_eq!(res.status(), 403);
    let detail = clerk.get(app.url(&location)).send().await.unwrap().text().await.unwrap();
    assert!(detail.contains("已撤销") && detail.contains("暂扣"));
}

#[tokio::test]
async fn api_with_tokens() {
    let app = TestApp::spawn().await;
    let serial = app.issue_via_api(ID, "张三").await;
    let c = client();
    assert_eq!(c.get(app.url("/api/v1/certificates")).send().await.unwrap().status(), 401);
    let bad = c.get(app.url("/api/v1/certificates")).bearer_auth("cgt_nope").send().await.unwrap();
    assert_eq!(bad.status(), 401);
    let token = app.token("clerk").await;
    let v: Value =
        c.get(app.url("/api/v1/certificates?q=张")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(v["total"], 1);
    assert_eq!(v["items"][0]["certificate"]["holder"]["identity"]["number"], ID);
    let cmd = |body: Value| {
        let c = c.clone();
        let url = app.url(&format!("/api/v1/certificates/{serial}/commands"));
        let token = token.clone();
        async move { c.post(url).bearer_auth(token).json(&body).send().await.unwrap() }
    };
    let res = cmd(json!({"command": {"op": "suspend", "reason": "调查"}, "expected_version": 1})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "suspended");
    let res = cmd(json!({"command": {"op": "suspend", "reason": "again"}})).await;
    assert_eq!(res.status(), 409);
    assert_eq!(res.json::<Value>().await.unwrap()["error"]["code"], "not_allowed");
    let res = cmd(json!({"command": {"op": "fly"}})).await;
    assert!(res.status() == 400 || res.status() == 422);
    let hist: Value = c
        .get(app.url(&format!("/api/v1/certificates/{serial}/history")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(hist.as_array().unwrap().len(), 2);
    // An analyst may not read the registry; another authority may not change it.
    let analyst = app.token("analyst").await;
    assert_eq!(c.get(app.url("/api/v1/certificates")).bearer_auth(analyst).send().await.unwrap().status(), 403);
    let beijing = app.token("beijing").await;
    let res = c.get(app.url(&format!("/api/v1/certificates/{serial}"))).bearer_auth(&beijing).send().await.unwrap();
    assert_eq!(res.status(), 404);
    // Validation errors name the field.
    let res = c
        .post(app.url("/api/v1/certificates"))
        .bearer_auth(&token)
        .json(&json!({"name": "x", "id_number": "110105194912310021", "category": "2", "item": "2.1", "valid_from": "2022-03-01", "authority": "CN-320500"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert_eq!(res.json::<Value>().await.unwrap()["error"]["field"], "id_number");
    // Duplicate issue.
    let res = c
        .post(app.url("/api/v1/certificates"))
        .bearer_auth(&token)
        .json(&json!({"name": "张三", "id_number": ID, "category": "2", "item": "2.1", "valid_from": "2023-03-01", "authority": "CN-320500"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
}

#[tokio::test]
async fn import_upload_reports_rows_and_refuses_oversize() {
    let app =
        TestApp::spawn_with(WebConfig { lookup_per_minute: 1000, max_upload_bytes: 64 * 1024, ..WebConfig::default() })
            .await;
    let clerk = app.login("clerk").await;
    let csrf = app.csrf(&clerk).await;
    let csv = "姓名,身份证号,作业类别,操作项目,有效期开始日期,签发机关\n张三,440524188001010014,电工作业,低压电工作业,2023-01-01,CN-320500\n李四,110105194912310021,电工作业,低压电工作业,2023-01-01,CN-320500\n";
    let upload = |bytes: Vec<u8>, name: &'static str| {
        let form = reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name));
        clerk.post(app.url("/admin/import")).multipart(form).send()
    };
    let res = upload(csv.as_bytes().to_vec(), "roster.csv").await.unwrap();
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    assert!(body.contains("导入完成") && body.contains("check character"), "{body}");
    let i = body.find("/admin/import/report/").unwrap();
    let report_url = &body[i..i + 21 + 32];
    let report = clerk.get(app.url(report_url)).send().await.unwrap().text().await.unwrap();
    assert!(report.contains("3,身份证号"), "{report}");
    // Another user cannot fetch this report.
    let other = app.login("admin").await;
    assert_eq!(other.get(app.url(report_url)).send().await.unwrap().status(), 404);

    let res = upload(b"%PDF-1.7 fake".to_vec(), "x.pdf").await.unwrap();
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("PDF"));
    let res = upload(vec![b'a'; 200 * 1024], "big.csv").await.unwrap();
    assert_eq!(res.status(), 413);
    assert!(res.text().await.unwrap().contains("64 KiB"));
    assert_eq!(app.registry.store().counts().await.unwrap().certificates, 1);
    // The imported certificate was signed as it was stored.
    let (stored, _) = app
        .registry
        .store()
        .search(&certguard_store::CertificateQuery { limit: 1, ..Default::default() })
        .await
        .unwrap();
    let first = stored[0].certificate.credential.clone().unwrap();
    assert!(first.text.starts_with("AQ1:"));
    // Importing the same file again changes nothing, not even the signature.
    let res = upload(csv.as_bytes().to_vec(), "roster.csv").await.unwrap();
    assert_eq!(res.status(), 200);
    let (stored, _) = app
        .registry
        .store()
        .search(&certguard_store::CertificateQuery { limit: 1, ..Default::default() })
        .await
        .unwrap();
    assert_eq!(stored[0].certificate.credential.as_ref(), Some(&first));
    assert_eq!(stored[0].version, 1);
}

#[tokio::test]
async fn openapi_health_metrics_and_headers() {
    let app = TestApp::spawn().await;
    let serial = app.issue_via_api(ID, "张三").await;
    let c = client();
    let res = c.get(app.url("/api/v1/openapi.json")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let spec: Value = res.json().await.unwrap();
    assert_eq!(spec["openapi"], "3.1.0");
    let token = app.token("admin").await;
    for (path, method) in certguard_web::openapi::OPERATIONS {
        let url = app.url(&path.replace("{serial}", &serial));
        let req = match *method {
            "get" => c.get(url),
            _ => c.post(url).json(&json!({})),
        };
        let status = req.bearer_auth(&token).send().await.unwrap().status().as_u16();
        assert!(status != 404 && status != 405, "{method} {path} answered {status}: documented but not routed");
    }
    let health: Value = c.get(app.url("/healthz")).send().await.unwrap().json().await.unwrap();
    assert_eq!(health["backend"], "sqlite");
    let res = client().get(app.url("/")).send().await.unwrap();
    assert_eq!(res.headers()["x-frame-options"], "DENY");
    assert!(res.headers()["content-security-policy"].to_str().unwrap().contains("default-src 'self'"));
    let cookie = res.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    let metrics = app.metrics().await;
    assert!(metrics.contains("certguard_http_requests_total{route=\"api\",status=\"2xx\"}"));
    assert!(metrics.contains("certguard_certificates 1"));
    // English switch is remembered.
    let en = client();
    let res = en.get(app.url("/lang/en?back=/")).send().await.unwrap();
    assert_eq!(res.status(), 303);
    let home = en.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("lang=\"en\"") && home.contains("Look up a work-safety certificate"));
    assert_eq!(c.get(app.url("/nope")).send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn failed_logins_are_rate_limited_successful_ones_are_not() {
    let app =
        TestApp::spawn_with(WebConfig { login_per_minute: 20, lookup_per_minute: 1000, ..WebConfig::default() }).await;
    for _ in 0..7 {
        app.login("clerk").await; // successes are never charged
    }
    let c = client();
    let page = c.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_of(&page);
    let mut statuses = Vec::new();
    for _ in 0..7 {
        let res = c
            .post(app.url("/login"))
            .form(&[("csrf", csrf.as_str()), ("username", "clerk"), ("password", "wrong-password-x")])
            .send()
            .await
            .unwrap();
        statuses.push(res.status().as_u16());
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429, 429]);
}

async fn verify(app: &TestApp, text: &str) -> Value {
    let res = client().post(app.url("/api/v1/verify")).json(&json!({ "text": text })).send().await.unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

#[tokio::test]
async fn signed_qr_credentials_follow_the_registry() {
    let app = TestApp::spawn().await;
    let serial = app.issue_via_api(ID, "张三").await;
    let token = app.token("clerk").await;
    let c = client();
    let record: Value = c
        .get(app.url(&format!("/api/v1/certificates/{serial}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let text = record["certificate"]["credential"]["text"].as_str().unwrap().to_string();
    assert!(text.starts_with("AQ1:") && !text.contains(ID));

    let v = verify(&app, &text).await;
    assert_eq!(v["verdict"], "valid", "{v:#}");
    assert_eq!(v["registry"]["current"], true);
    assert_eq!(v["offline"]["credential"]["body"]["id_masked"], "440524********0014");
    assert!(
        v["offline"]["checks"].as_array().unwrap().iter().any(|c| c["name"] == "signature" && c["outcome"] == "pass")
    );

    // A suspension shows in the status list at once.
    let cmd = |body: Value| {
        let c = c.clone();
        let url = app.url(&format!("/api/v1/certificates/{serial}/commands"));
        let token = token.clone();
        async move { c.post(url).bearer_auth(token).json(&body).send().await.unwrap() }
    };
    assert_eq!(cmd(json!({"command": {"op": "suspend", "reason": "调查"}})).await.status(), 200);
    let v = verify(&app, &text).await;
    assert_eq!(v["verdict"], "suspended", "{v:#}");
    assert_eq!((v["offline"]["verdict"].as_str(), v["offline"]["check"].as_str()), (Some("invalid"), Some("status")));
    assert_eq!(cmd(json!({"command": {"op": "reinstate"}})).await.status(), 200);
    assert_eq!(verify(&app, &text).await["verdict"], "valid");

    // A correction re-signs: the old QR is genuine but superseded.
    let res = cmd(json!({"command": {"op": "correct", "correction": {"field": "holder_name", "value": "张叁"}, "reason": "录入错误"}})).await;
    assert_eq!(res.status(), 200);
    let new_text =
        res.json::<Value>().await.unwrap()["certificate"]["credential"]["text"].as_str().unwrap().to_string();
    assert_ne!(new_text, text);
    let old = verify(&app, &text).await;
    assert_eq!((old["verdict"].as_str(), old["registry"]["current"].as_bool()), (Some("superseded"), Some(false)));
    assert_eq!(old["offline"]["verdict"], "valid", "the signature itself is genuine");
    assert_eq!(verify(&app, &new_text).await["offline"]["credential"]["body"]["holder_name"], "张叁");

    // Tampering breaks it: flip one character in the middle.
    let mut chars: Vec<char> = new_text.chars().collect();
    let mid = chars.len() / 2;
    chars[mid] = if chars[mid] == 'A' { 'B' } else { 'A' };
    let tampered: String = chars.into_iter().collect();
    assert_eq!(verify(&app, &tampered).await["verdict"], "fake");

    // The printed QR, photographed, verifies too.
    let png = c.get(app.url(&format!("/e/{serial}/qr.png"))).send().await.unwrap().bytes().await.unwrap();
    let res =
        c.post(app.url("/api/v1/verify")).header("content-type", "image/png").body(png.to_vec()).send().await.unwrap();
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["verdict"], "valid", "{v:#}");
    let card = c.get(app.url(&format!("/e/{serial}/card.svg"))).send().await.unwrap().text().await.unwrap();
    assert!(card.contains("特种作业操作证") && card.contains("440524********0014") && !card.contains(ID));
    assert!(card.contains("熔化焊接与热切割作业") && card.contains("2022年3月1日"));
    let page = c.get(app.url(&format!("/e/{serial}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<svg") && page.contains("440524********0014") && !page.contains(ID));

    // Published lists.
    let res = c.get(app.url("/status/CN-320500")).send().await.unwrap();
    assert_eq!(res.headers()["content-type"], "application/statuslist+cwt");
    assert_eq!(c.get(app.url("/trust-list")).send().await.unwrap().status(), 200);
    assert_eq!(c.get(app.url("/status/CN-999999")).send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn a_qr_that_is_a_link_is_called_out_and_kept_as_a_lead() {
    let app = TestApp::spawn().await;
    let v = verify(&app, "https://cx.mem.gov.cn.zscx-query.top/cert?id=T440524").await;
    assert_eq!(v["verdict"], "not_our_format");
    assert_eq!(v["url"]["verdict"], "look_alike");
    assert_eq!(verify(&app, "HC1:6BFOXN*TS0BI$ZD4N9").await["verdict"], "not_our_format");
    for bad in ["", "AQ1:", "AQ1:%%%%", &"AQ1:".repeat(3000)] {
        let v = verify(&app, bad).await;
        assert_ne!(v["verdict"], "valid", "{bad:.20}");
    }
    // Kept as an address lead without its query (it may carry a victim's data), linked to its domain's lead.
    let leads =
        app.registry.store().leads(&certguard_store::LeadQuery { limit: 10, ..Default::default() }).await.unwrap();
    let lead = leads.iter().find(|l| l.key == "https://cx.mem.gov.cn.zscx-query.top/cert").expect("kept as a lead");
    assert_eq!(lead.source, "qr_scan");
    assert!(lead.reasons.iter().any(|r| r.zh.contains("look_alike")), "{:?}", lead.reasons);
    let detail = app.registry.store().lead(lead.id).await.unwrap().unwrap();
    assert_eq!(detail.linked.len(), 1);
    assert_eq!(detail.linked[0].1.key, "zscx-query.top");
    assert!(!leads.iter().any(|l| l.key.contains("T440524") || l.value.contains("T440524")));
    // Anonymous scans leave the audit log to what people did.
    let log = app.registry.store().audit_log(&certguard_store::AuditQuery::latest(50)).await.unwrap();
    assert!(!log.iter().any(|a| a.action == "lead.candidate"));
    // The page says it in words.
    let c = client();
    let csrf = app.csrf(&c).await;
    let form = reqwest::multipart::Form::new().text("csrf", csrf).text("text", "https://mem-gov-cn.com/q");
    let page = c.post(app.url("/verify")).multipart(form).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("此二维码指向一个网站") && page.contains("疑似仿冒官方网站"), "{page}");
    // Bad input never answers 500.
    let res =
        c.post(app.url("/api/v1/verify")).header("content-type", "image/png").body(vec![1, 2, 3]).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let v = res.json::<Value>().await.unwrap();
    assert_eq!((v["verdict"].as_str(), v["offline"]["verdict"].as_str()), (Some("unreadable"), Some("invalid")));
    let res = c.post(app.url("/api/v1/verify")).header("content-type", "text/plain").body("x").send().await.unwrap();
    assert_eq!(res.status(), 415);
}

#[tokio::test]
async fn printed_data_check_names_what_cannot_be_true() {
    let app = TestApp::spawn().await;
    let c = client();
    let csrf = app.csrf(&c).await;
    let page = c
        .post(app.url("/verify/printed"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("number", "T440524188001010014"),
            ("id_number", "11010519491231002X"),
            ("category", "电工作业"),
            ("item", "熔化焊接与热切割作业"),
            ("valid_from", "2019-05-06"),
            ("valid_until", "2024年5月6日"),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("很可能是伪造的"), "{page}");
    for expected in ["证号应为字母 T 加持证人身份证号", "不属于作业类别", "有效期应为 6 年"]
    {
        assert!(page.contains(expected), "{expected}");
    }
    let page = c
        .post(app.url("/verify/printed"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("id_number", "11010519491231002X"),
            ("valid_from", "2019-05-06"),
            ("valid_until", "2025-05-06"),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("未发现不可能成立之处"));
}
