//! Defects an outside review found in the server, each tried over a real socket as the attacker or the user
//! who met it: stale status lists, the registry ignored online, resource exhaustion through uploads, limits
//! that parallel or spoofed requests got around, open redirects, caching and CSRF binding, open metrics.

mod helpers;

use certguard_registry::Serial;
use certguard_web::WebConfig;
use helpers::{METRICS_TOKEN, TestApp, client, csrf_of};
use serde_json::{Value, json};

const ID: &str = "440524188001010014";

async fn verify(app: &TestApp, text: &str) -> Value {
    let res = client().post(app.url("/api/v1/verify")).json(&json!({ "text": text })).send().await.unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn credential_text(app: &TestApp, serial: &str) -> String {
    let stored = app.registry.store().certificate(&Serial::from_hex(serial).unwrap()).await.unwrap().unwrap();
    stored.certificate.credential.unwrap().text
}

#[tokio::test]
async fn status_lists_stay_fresh_past_their_ttl() {
    let app = TestApp::spawn().await;
    let serial = app.issue_via_api(ID, "张三").await;
    let text = credential_text(&app, &serial).await;
    assert_eq!(verify(&app, &text).await["verdict"], "valid");
    let c = client();
    let first = c.get(app.url("/status/CN-320500")).send().await.unwrap();
    assert_eq!(first.headers()["cache-control"], "public, max-age=300");
    let first = first.bytes().await.unwrap();

    // 100 s later the same list is served, cacheable only for what is left of its ttl.
    app.clock.set(app.clock_now() + chrono::Duration::seconds(100));
    let res = c.get(app.url("/status/CN-320500")).send().await.unwrap();
    assert_eq!(res.headers()["cache-control"], "public, max-age=200");
    assert_eq!(res.bytes().await.unwrap(), first);

    // Past the ttl (the bug: "status unknown" five minutes after start-up, stale list served).
    app.clock.set(app.clock_now() + chrono::Duration::seconds(301));
    let v = verify(&app, &text).await;
    assert_eq!((v["verdict"].as_str(), v["offline"]["verdict"].as_str()), (Some("valid"), Some("valid")), "{v:#}");
    let res = c.get(app.url("/status/CN-320500")).send().await.unwrap();
    assert_eq!(res.headers()["cache-control"], "public, max-age=300");
    assert_ne!(res.bytes().await.unwrap(), first, "a list past half its ttl is signed anew");
}

#[tokio::test]
async fn online_the_registry_decides_not_the_signature() {
    let app = TestApp::spawn().await;
    let serial = app.issue_via_api(ID, "张三").await;
    let stored = app.registry.store().certificate(&Serial::from_hex(&serial).unwrap()).await.unwrap().unwrap();
    let genuine = stored.certificate.clone();
    let now = app.clock_now().timestamp();

    // The genuine credential is in the transparency log, with a proof checked against the signed checkpoint.
    let v = verify(&app, &genuine.credential.as_ref().unwrap().text).await;
    assert_eq!((v["verdict"].as_str(), v["log"]["logged"].as_bool()), (Some("valid"), Some(true)), "{v:#}");

    // A stolen authority key signs a certificate the registry never issued: the signature verifies, the log
    // never recorded it, so it is fake (issue 9: a signature alone is not enough).
    let mut invented = genuine.clone();
    invented.serial = Serial(rand_serial());
    invented.credential = None;
    let forged = app.credentials.sign_with_index(&invented, "苏州市应急管理局", 4242, now).unwrap();
    let v = verify(&app, &forged.text).await;
    assert_eq!(v["offline"]["verdict"], "valid", "the signature itself verifies: {v:#}");
    assert_eq!((v["verdict"].as_str(), v["registry"]["found"].as_bool()), (Some("fake"), Some(false)));
    assert_eq!(v["log"]["logged"], false, "{v:#}");

    // The holder's certificate is revoked; the stolen key re-signs it as it was, at an unrevoked index.
    let token = app.token("clerk").await;
    let res = client()
        .post(app.url(&format!("/api/v1/certificates/{serial}/commands")))
        .bearer_auth(&token)
        .json(&json!({"command": {"op": "revoke", "reason": "fraud_or_bribery"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let resigned = app.credentials.sign_with_index(&genuine, "苏州市应急管理局", 4243, now + 60).unwrap();
    let v = verify(&app, &resigned.text).await;
    assert_eq!(v["offline"]["verdict"], "valid");
    assert_eq!((v["verdict"].as_str(), v["registry"]["status"].as_str()), (Some("fake"), Some("revoked")), "{v:#}");
    // The genuine QR it had before the revocation is in the log, and the registry says revoked.
    let v = verify(&app, &genuine.credential.as_ref().unwrap().text).await;
    assert_eq!(v["verdict"], "revoked", "{v:#}");

    // The page says it in words: no green band for a fake.
    let c = client();
    let csrf = app.csrf(&c).await;
    let form = reqwest::multipart::Form::new().text("csrf", csrf).text("text", forged.text.clone());
    let page = c.post(app.url("/verify")).multipart(form).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("透明日志中没有这张证书") && !page.contains("verdict ok"), "{page}");
}

fn rand_serial() -> [u8; 16] {
    let mut s = [0u8; 16];
    for (i, b) in s.iter_mut().enumerate() {
        *b = (i as u8).wrapping_mul(37).wrapping_add(11);
    }
    s
}

/// A PNG of `w`x`h` 16-bit RGBA pixels, all zero: tiny on the wire, huge once decoded.
fn inflating_png(w: u32, h: u32) -> Vec<u8> {
    use image::ImageEncoder;
    let raw = vec![0u8; (w * h * 8) as usize];
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new_with_quality(
        &mut out,
        image::codecs::png::CompressionType::Fast,
        image::codecs::png::FilterType::NoFilter,
    )
    .write_image(&raw, w, h, image::ExtendedColorType::Rgba16)
    .unwrap();
    out
}

#[tokio::test]
async fn pictures_are_bounded_before_decoding() {
    let app = TestApp::spawn().await;
    let c = client();
    // 16 megapixels of 16-bit RGBA (128 MB decoded) in a small file: refused before decoding, with a reason.
    let png = inflating_png(4000, 4000);
    assert!(png.len() < 2 * 1024 * 1024, "{}", png.len());
    let res = c.post(app.url("/api/v1/verify")).header("content-type", "image/png").body(png).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["verdict"], "unreadable");
    let detail = v["offline"]["checks"][0]["detail"].as_str().unwrap();
    assert!(detail.contains("too large"), "{detail}");

    // Bodies past a route's limit are refused, not read: photos 8 MiB, forms and JSON 64 KiB.
    let big = vec![0u8; 9 * 1024 * 1024];
    let res = c.post(app.url("/api/v1/verify")).header("content-type", "image/png").body(big).send().await.unwrap();
    assert_eq!(res.status(), 413);
    let res = c
        .post(app.url("/api/v1/lookup"))
        .header("content-type", "application/json")
        .body(format!("{{\"number\":\"{}\",\"name\":\"x\"}}", "T".repeat(200_000)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    let csrf = app.csrf(&c).await;
    let frame = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .part("photo", reqwest::multipart::Part::bytes(vec![7u8; 3 * 1024 * 1024]).file_name("f.jpg"));
    assert_eq!(c.post(app.url("/verify/frame")).multipart(frame).send().await.unwrap().status(), 413);

    // A camera frame larger than a frame needs (2 MP) is not decoded: the scanner answers "no code".
    let frame = reqwest::multipart::Form::new()
        .text("csrf", csrf)
        .part("photo", reqwest::multipart::Part::bytes(inflating_png(2000, 1500)).file_name("f.png"));
    assert_eq!(c.post(app.url("/verify/frame")).multipart(frame).send().await.unwrap().status(), 204);
    // The server is still responsive.
    assert_eq!(c.get(app.url("/healthz")).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn decoding_routes_charge_the_limit_before_reading() {
    let app = TestApp::spawn_with(WebConfig { lookup_per_minute: 20, ..WebConfig::default() }).await;
    let c = client();
    let photo = inflating_png(64, 64);
    let mut statuses = Vec::new();
    for _ in 0..7 {
        let res =
            c.post(app.url("/api/v1/verify")).header("content-type", "image/png").body(photo.clone()).send().await;
        statuses.push(res.unwrap().status().as_u16());
    }
    assert_eq!(&statuses[..5], &[200; 5]);
    assert_eq!(&statuses[5..], &[429, 429], "{statuses:?}");
    // Frames have their own limit (the page sends several a second) and empty frames count against it.
    let csrf = app.csrf(&c).await;
    let mut frame_statuses = Vec::new();
    for _ in 0..100 {
        let frame = reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .part("photo", reqwest::multipart::Part::bytes(photo.clone()).file_name("f.png"));
        frame_statuses.push(c.post(app.url("/verify/frame")).multipart(frame).send().await.unwrap().status().as_u16());
    }
    // A burst of 60, then 4 a second (the loop takes a few seconds: a few refill meanwhile).
    let (empty, limited) =
        (frame_statuses.iter().filter(|s| **s == 204).count(), frame_statuses.iter().filter(|s| **s == 429).count());
    assert!((60..80).contains(&empty) && empty + limited == 100, "{frame_statuses:?}");
}

#[tokio::test]
async fn parallel_wrong_passwords_get_only_the_budget() {
    let app = TestApp::spawn().await;
    let c = client();
    let csrf = csrf_of(&c.get(app.url("/login")).send().await.unwrap().text().await.unwrap());
    let attempts = (0..60).map(|_| {
        let (c, url, csrf) = (c.clone(), app.url("/login"), csrf.clone());
        tokio::spawn(async move {
            c.post(url)
                .form(&[("csrf", csrf.as_str()), ("username", "clerk"), ("password", "wrong-password-x")])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        })
    });
    let mut statuses = Vec::new();
    for a in attempts {
        statuses.push(a.await.unwrap());
    }
    let tried = statuses.iter().filter(|s| **s == 401).count();
    assert_eq!(tried, 5, "only the burst reaches the password check: {statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 55);
}

#[tokio::test]
async fn forwarded_for_is_read_from_the_right_and_accounts_have_their_own_budget() {
    let app = TestApp::spawn_with(WebConfig { forwarded_hops: 1, ..WebConfig::default() }).await;
    let c = client();
    let csrf = csrf_of(&c.get(app.url("/login")).send().await.unwrap().text().await.unwrap());
    let login = |xff: String, user: &'static str| {
        let (c, url, csrf) = (c.clone(), app.url("/login"), csrf.clone());
        async move {
            c.post(url)
                .header("x-forwarded-for", xff)
                .form(&[("csrf", csrf.as_str()), ("username", user), ("password", "wrong-password-x")])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    // A client that writes a new leftmost entry each time is still one client: the proxy's entry counts
    // (names differ, so only the address budget can stop it).
    let mut statuses = Vec::new();
    for (i, user) in ["u0", "u1", "u2", "u3", "u4", "u5", "u6", "u7"].into_iter().enumerate() {
        statuses.push(login(format!("10.9.{i}.1, 203.0.113.5"), user).await);
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429, 429, 429]);
    // Guesses at one account from many addresses run into the account's own budget.
    let mut statuses = Vec::new();
    for i in 0..8 {
        statuses.push(login(format!("198.51.100.{i}"), "clerk").await);
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429, 429, 429]);
}

#[tokio::test]
async fn redirects_stay_on_the_site() {
    let app = TestApp::spawn().await;
    let c = client();
    for back in ["/%5Cevil.example/", "/%09/evil.example/", "//evil.example/", "https://evil.example/"] {
        let res = c.get(app.url(&format!("/lang/en?back={back}"))).send().await.unwrap();
        assert_eq!(res.headers()["location"], "/", "{back}");
    }
    let csrf = csrf_of(&c.get(app.url("/login")).send().await.unwrap().text().await.unwrap());
    let res = c
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "clerk"),
            ("password", helpers::PASSWORD),
            ("next", "/\t/evil.example/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/admin");
}

#[tokio::test]
async fn personal_pages_are_not_cached_and_csrf_is_bound_to_the_session() {
    let app = TestApp::spawn_with(WebConfig { secure_cookies: true, ..WebConfig::default() }).await;
    let serial = app.issue_via_api(ID, "张三").await;
    let anonymous = client();
    let res = anonymous.get(app.url("/login")).send().await.unwrap();
    assert_eq!(res.headers()["strict-transport-security"], "max-age=31536000");
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("__Host-cg_csrf=") && cookie.contains("Secure") && cookie.contains("Path=/"));
    let before_login = csrf_of(&res.text().await.unwrap());

    // reqwest keeps Secure cookies only for https: carry them by hand.
    let login = anonymous
        .post(app.url("/login"))
        .header("cookie", format!("__Host-cg_csrf={before_login}"))
        .form(&[("csrf", before_login.as_str()), ("username", "admin"), ("password", helpers::PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 303);
    let set: Vec<String> =
        login.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect();
    let session =
        set.iter().find_map(|c| c.strip_prefix("cg_session=")).unwrap().split(';').next().unwrap().to_string();
    let rotated = set.iter().find_map(|c| c.strip_prefix("__Host-cg_csrf=")).expect("csrf rotated at login");
    assert!(!rotated.starts_with(&before_login));

    let cookies = format!("cg_session={session}; __Host-cg_csrf={before_login}");
    let page = client().get(app.url(&format!("/admin/certificates/{serial}"))).header("cookie", &cookies).send().await;
    let page = page.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["cache-control"], "no-store", "a page with the full ID is never cached");
    let bound = csrf_of(&page.text().await.unwrap());
    assert_ne!(bound, before_login, "logged in, forms carry the session's token");
    // The pre-login token no longer passes a logged-in form; the bound one does.
    let post = |token: String| {
        let url = app.url(&format!("/admin/certificates/{serial}/action"));
        let cookies = cookies.clone();
        async move {
            client()
                .post(url)
                .header("cookie", cookies)
                .form(&[("csrf", token.as_str()), ("op", "suspend"), ("reason", "调查")])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(post(before_login.clone()).await, 403);
    assert_eq!(post(bound).await, 303);

    let token = app.token("admin").await;
    let res = client().get(app.url(&format!("/api/v1/certificates/{serial}"))).bearer_auth(token).send().await;
    assert_eq!(res.unwrap().headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn metrics_need_their_token() {
    let app = TestApp::spawn().await;
    let c = client();
    assert_eq!(c.get(app.url("/metrics")).send().await.unwrap().status(), 401);
    assert_eq!(c.get(app.url("/metrics")).bearer_auth("wrong").send().await.unwrap().status(), 401);
    let res = c.get(app.url("/metrics")).bearer_auth(METRICS_TOKEN).send().await.unwrap();
    assert_eq!(res.status(), 200);
    // The certificate count is a scan: scrapes reuse it for five minutes.
    app.issue_via_api(ID, "张三").await;
    assert!(app.metrics().await.contains("certguard_certificates 0"));
    app.clock.set(app.clock_now() + chrono::Duration::seconds(301));
    assert!(app.metrics().await.contains("certguard_certificates 1"));
    // An empty token turns the route off rather than accepting an empty bearer.
    let off = TestApp::spawn_with(WebConfig { metrics_token: Some(String::new()), ..WebConfig::default() }).await;
    assert_eq!(c.get(off.url("/metrics")).bearer_auth("").send().await.unwrap().status(), 404);
    assert_eq!(c.get(off.url("/metrics")).header("authorization", "Bearer ").send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn the_audit_log_pages_and_filters() {
    let app = TestApp::spawn().await;
    app.issue_via_api(ID, "张三").await;
    let admin = app.login("admin").await;
    // Anonymous scans of link QRs do not reach the audit log.
    for i in 0..150 {
        verify(&app, &format!("https://fake{i}.example/q")).await;
    }
    let page = admin.get(app.url("/admin/audit?action=certificate.")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("certificate.issue"), "{page}");
    assert!(!page.contains("login<"), "filtered to certificate actions");
    let page = admin.get(app.url("/admin/audit?actor=nobody")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("没有符合条件的记录"));
    let leads = admin.get(app.url("/admin/leads")).send().await.unwrap().text().await.unwrap();
    assert!(leads.contains("fake149.example"));
    let inspector = app.login("inspector").await;
    assert_eq!(inspector.get(app.url("/admin/leads")).send().await.unwrap().status(), 403);
}

#[tokio::test]
async fn outdated_credentials_are_re_signed_after_an_upgrade() {
    let app = TestApp::spawn().await;
    let serial = app.issue_via_api(ID, "张三").await;
    let serial = Serial::from_hex(&serial).unwrap();
    let store = app.registry.store();
    // Stand-in for a credential an older release wrote (its body no longer reads as the current version).
    let stored = store.certificate(&serial).await.unwrap().unwrap();
    let mut old = stored.certificate.clone();
    old.credential.as_mut().unwrap().text = "AQ1:OLD-FORMAT".into();
    let event = certguard_store::NewRecord {
        certificate: old.clone(),
        event: certguard_registry::Event::CredentialSigned { kid: "old".into() },
        actor: "test".into(),
        at: app.clock_now(),
    };
    let audit = certguard_store::AuditRecord {
        at: app.clock_now(),
        actor: "test".into(),
        action: "test".into(),
        target: serial.to_hex(),
        detail: String::new(),
        client: None,
    };
    store.update_certificate(&old, stored.version, &event, &audit).await.unwrap();

    let signed = app.registry.sign_credentials(None, false, "test", |_| {}).await.unwrap();
    assert_eq!(signed, 1, "only the outdated credential is re-signed");
    let text = store.certificate(&serial).await.unwrap().unwrap().certificate.credential.unwrap().text;
    assert_eq!(certguard_credential::envelope::body_version(&text), Some(2));
    assert_eq!(verify(&app, &text).await["verdict"], "valid");
    assert_eq!(app.registry.sign_credentials(None, false, "test", |_| {}).await.unwrap(), 0);
}

#[tokio::test]
async fn an_older_trust_list_is_refused_after_a_newer_one() {
    let app = TestApp::spawn().await;
    let serial = app.issue_via_api(ID, "张三").await;
    let text = credential_text(&app, &serial).await;
    assert_eq!(verify(&app, &text).await["verdict"], "valid");
    let seen: Value = serde_json::from_slice(&std::fs::read(app.credentials.trust_state_path()).unwrap()).unwrap();
    let now = app.clock_now().timestamp();
    assert_eq!(seen["sequence"], now, "the accepted sequence is recorded");

    // An older list signed by the same anchor (it may name a key removed since) is put back in place.
    let names: Vec<_> = app.registry.store_authorities_cached().into_iter().map(|(c, (zh, _))| (c, zh)).collect();
    app.credentials.demo_trust_setup(&names, now - 1000).unwrap();
    let res = client().post(app.url("/api/v1/verify")).json(&json!({ "text": text })).send().await.unwrap();
    assert_eq!(res.status(), 503, "no verdict from a rolled-back trust list");
    assert!(res.text().await.unwrap().contains("sequence"));
    // A newer one is taken.
    app.credentials.demo_trust_setup(&names, now + 10).unwrap();
    assert_eq!(verify(&app, &text).await["verdict"], "valid");
}
