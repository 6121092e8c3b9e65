//! The browser flow in real Chromium (Debian's chromium + chromium-driver): log in, issue a certificate
//! with the form, then look it up on the public page as a worker or employer would, on a phone-sized
//! window. Screenshots land in target/screenshots for people to look at.
//!
//! Outside CI the test is skipped (with a message) when chromedriver is not installed; in CI (CI=true) a
//! missing browser fails the test, so the flow never goes untested silently.

mod helpers;

use fantoccini::{ClientBuilder, Locator};
use helpers::{PASSWORD, TestApp};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn start_driver() -> Option<(Driver, String)> {
    let binary = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    if !std::path::Path::new(&binary).exists() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("CI=true but {binary} is missing: install chromium and chromium-driver");
        }
        eprintln!("{binary} not found: browser test skipped (apt-get install chromium chromium-driver fonts-noto-cjk)");
        return None;
    }
    let port = free_port();
    let driver = Driver(
        Command::new(&binary)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
    );
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some((driver, url));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start on port {port}");
}

async fn browser(driver_url: &str, width: u32, height: u32) -> fantoccini::Client {
    browser_with(driver_url, width, height, &[]).await
}

async fn browser_with(driver_url: &str, width: u32, height: u32, extra: &[String]) -> fantoccini::Client {
    let profile = tempfile::tempdir().unwrap().keep();
    let mut args: Vec<String> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
    ]
    .iter()
    .map(|a| a.to_string())
    .collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    args.push(format!("--window-size={width},{height}"));
    args.extend(extra.iter().cloned());
    let caps = serde_json::json!({
        "goog:chromeOptions": {
            "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
            "args": args
        }
    });
    let caps = caps.as_object().unwrap().clone().into_iter().collect();
    ClientBuilder::native().capabilities(caps).connect(driver_url).await.expect("connect to chromedriver")
}

async fn screenshot(c: &fantoccini::Client, name: &str) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let png = c.screenshot().await.unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

async fn fill(c: &fantoccini::Client, id: &str, value: &str) {
    let e = c.find(Locator::Id(id)).await.unwrap_or_else(|_| panic!("input #{id}"));
    e.clear().await.unwrap();
    e.send_keys(value).await.unwrap();
}

async fn select(c: &fantoccini::Client, id: &str, value: &str) {
    c.find(Locator::Id(id)).await.unwrap().select_by_value(value).await.unwrap();
}

async fn submit(c: &fantoccini::Client, form_action: &str) {
    c.find(Locator::Css(&format!("form[action='{form_action}'] button[type=submit]")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_issue_and_look_up_in_chromium() {
    let Some((_driver, driver_url)) = start_driver().await else { return };
    let app = TestApp::spawn().await;

    // An authority clerk at a desk.
    let desk = browser(&driver_url, 1280, 1000).await;
    desk.goto(&app.url("/login")).await.unwrap();
    fill(&desk, "f-username", "clerk").await;
    fill(&desk, "f-password", PASSWORD).await;
    submit(&desk, "/login").await;
    desk.wait().for_element(Locator::Css("svg.chart")).await.expect("the dashboard after login");
    assert!(desk.current_url().await.unwrap().path().starts_with("/admin"));
    screenshot(&desk, "admin-dashboard").await;

    desk.goto(&app.url("/admin/issue")).await.unwrap();
    fill(&desk, "f-name", "王芳").await;
    // Typed as people type on a phone: full-width digits, spaces.
    fill(&desk, "f-id_number", "４４０５２４ 18800101 0014").await;
    select(&desk, "f-item", "3.1").await;
    // Date inputs take keystrokes in the browser's locale order; set the value as a date picker would.
    desk.execute("document.getElementById('f-valid_from').value = '2024-06-01';", vec![]).await.unwrap();
    screenshot(&desk, "issue-form").await;
    submit(&desk, "/admin/issue").await;
    desk.wait().for_element(Locator::Css("ol.timeline")).await.expect("the detail page after issuing");
    let h1 = desk.find(Locator::Css("h1")).await.unwrap().text().await.unwrap();
    assert!(h1.contains("王芳"), "after issuing, the detail page shows the holder: {h1}");
    let detail = desk.source().await.unwrap();
    assert!(detail.contains("登高架设作业") && detail.contains("真实有效"));
    screenshot(&desk, "certificate-detail").await;
    // The e-certificate with its QR, as the holder would print it.
    desk.find(Locator::Css("a[href^='/e/']")).await.expect("link to the e-certificate").click().await.unwrap();
    desk.wait().for_element(Locator::Css(".ecert svg")).await.expect("the QR code on the e-certificate");
    let ecert_path = desk.current_url().await.unwrap().path().to_string();
    screenshot(&desk, "e-certificate").await;
    desk.close().await.unwrap();
    let png = reqwest::get(app.url(&format!("{ecert_path}/qr.png"))).await.unwrap().bytes().await.unwrap();
    let photo = tempfile::Builder::new().suffix(".png").tempfile().unwrap();
    std::fs::write(photo.path(), &png).unwrap();

    // A worker with a phone looks the certificate up.
    let phone = browser(&driver_url, 390, 844).await;
    phone.goto(&app.url("/")).await.unwrap();
    fill(&phone, "f-number", "T440524188001010014").await;
    fill(&phone, "f-name", "王芳").await;
    submit(&phone, "/lookup").await;
    let verdict = phone.wait().for_element(Locator::Css(".verdict")).await.unwrap().text().await.unwrap();
    assert!(verdict.contains("真实有效"), "{verdict}");
    let page = phone.source().await.unwrap();
    assert!(page.contains("440524********0014") && !page.contains("440524188001010014"));
    // No horizontal scrolling on a 390 px screen.
    let overflow =
        phone.execute("return document.documentElement.scrollWidth > window.innerWidth;", vec![]).await.unwrap();
    assert_eq!(overflow, serde_json::Value::Bool(false), "the lookup result fits a phone screen");
    screenshot(&phone, "lookup-result-phone").await;

    // A wrong name: the same not-found answer as for a fake number.
    phone.goto(&app.url("/")).await.unwrap();
    fill(&phone, "f-number", "T440524188001010014").await;
    fill(&phone, "f-name", "王方").await;
    submit(&phone, "/lookup").await;
    let verdict = phone.wait().for_element(Locator::Css(".verdict")).await.unwrap().text().await.unwrap();
    assert!(verdict.contains("未查到"), "{verdict}");
    screenshot(&phone, "lookup-not-found-phone").await;

    // An inspector on site photographs the QR code: the verify page answers in plain words.
    phone.goto(&app.url("/verify")).await.unwrap();
    phone.find(Locator::Id("photo")).await.unwrap().send_keys(&photo.path().display().to_string()).await.unwrap();
    submit(&phone, "/verify").await;
    let verdict = phone.wait().for_element(Locator::Css(".verdict")).await.unwrap().text().await.unwrap();
    assert!(verdict.contains("真实有效"), "{verdict}");
    assert!(phone.source().await.unwrap().contains("数字签名"));
    screenshot(&phone, "verify-photo-phone").await;

    // A QR that is a link to a fake query site is called out.
    phone.goto(&app.url("/verify")).await.unwrap();
    fill(&phone, "text", "http://cx.mem.gov.cn.zscx-query.top/q?no=T440524188001010014").await;
    submit(&phone, "/verify").await;
    let verdict = phone.wait().for_element(Locator::Css(".verdict")).await.unwrap().text().await.unwrap();
    assert!(verdict.contains("非本系统证书") && verdict.contains("疑似仿冒"), "{verdict}");
    screenshot(&phone, "verify-fake-link-phone").await;
    phone.close().await.unwrap();
}

/// A Y4M video (what Chromium's fake camera plays) showing `png` on a white frame.
fn y4m_of(png: &[u8]) -> Vec<u8> {
    let qr = image::load_from_memory(png).unwrap().to_luma8();
    let (w, h) = (qr.width().div_ceil(2) * 2 + 48, qr.height().div_ceil(2) * 2 + 48);
    let mut y = vec![255u8; (w * h) as usize];
    for (x0, y0, p) in qr.enumerate_pixels() {
        y[((y0 + 24) * w + x0 + 24) as usize] = p.0[0];
    }
    let chroma = vec![128u8; (w / 2 * h / 2) as usize];
    let mut out = format!("YUV4MPEG2 W{w} H{h} F5:1 Ip A1:1 C420jpeg\n").into_bytes();
    for _ in 0..5 {
        out.extend_from_slice(b"FRAME\n");
        out.extend_from_slice(&y);
        out.extend_from_slice(&chroma);
        out.extend_from_slice(&chroma);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_camera_scan_in_chromium() {
    let Some((_driver, driver_url)) = start_driver().await else { return };
    let app = TestApp::spawn().await;
    let serial = app.issue_via_api("11010519491231002X", "李四").await;
    let png = reqwest::get(app.url(&format!("/e/{serial}/qr.png"))).await.unwrap().bytes().await.unwrap();
    let video = tempfile::Builder::new().suffix(".y4m").tempfile().unwrap();
    std::fs::write(video.path(), y4m_of(&png)).unwrap();
    let extra = [
        "--use-fake-ui-for-media-stream".to_string(),
        "--use-fake-device-for-media-stream".to_string(),
        format!("--use-file-for-fake-video-capture={}", video.path().display()),
    ];
    let phone = browser_with(&driver_url, 390, 844, &extra).await;
    phone.goto(&app.url("/verify")).await.unwrap();
    let start = phone.wait().for_element(Locator::Css("#scan-start:not([hidden])")).await.expect("camera button shown");
    start.click().await.unwrap();
    let verdict = phone
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(".verdict"))
        .await
        .expect("a verdict after scanning")
        .text()
        .await
        .unwrap();
    assert!(verdict.contains("真实有效"), "{verdict}");
    assert!(phone.source().await.unwrap().contains("李四"));
    screenshot(&phone, "verify-camera-phone").await;
    phone.close().await.unwrap();
}

async fn log_in(c: &fantoccini::Client, app: &TestApp, user: &str) {
    c.goto(&app.url("/login")).await.unwrap();
    fill(c, "f-username", user).await;
    fill(c, "f-password", PASSWORD).await;
    submit(c, "/login").await;
    c.wait().for_element(Locator::Css("nav.actions")).await.expect("the back office after login");
}

async fn value_of(c: &fantoccini::Client, id: &str) -> String {
    c.find(Locator::Id(id)).await.unwrap().prop("value").await.unwrap().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inspector_on_a_phone_and_an_employer_uploading_a_roster_in_chromium() {
    let Some((_driver, driver_url)) = start_driver().await else { return };
    let app = TestApp::spawn().await;
    app.issue_via_api("11010519491231002X", "王芳").await;

    // An inspector on site, on a 360 px phone with a bad connection: what was typed survives a reload.
    let phone = browser(&driver_url, 360, 740).await;
    log_in(&phone, &app, "inspector").await;
    phone.goto(&app.url("/admin/inspect")).await.unwrap();
    fill(&phone, "f-unit_name", "某钢结构有限公司").await;
    fill(&phone, "f-region", "320582").await;
    fill(&phone, "f-place", "二号厂房").await;
    fill(&phone, "f-w1_name", "王芳").await;
    fill(&phone, "f-w1_number", "T11010519491231002X").await;
    fill(&phone, "f-w2_name", "赵六").await;
    fill(&phone, "f-w2_number", "T110105194912310021").await;
    fill(&phone, "f-w3_name", "钱七").await;
    phone.refresh().await.unwrap();
    phone.wait().for_element(Locator::Id("f-w2_number")).await.unwrap();
    let mut restored = String::new();
    for _ in 0..20 {
        restored = value_of(&phone, "f-w2_number").await;
        if !restored.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(restored, "T110105194912310021", "the draft is restored after a reload");
    assert_eq!(value_of(&phone, "f-unit_name").await, "某钢结构有限公司");
    let overflow =
        phone.execute("return document.documentElement.scrollWidth > window.innerWidth;", vec![]).await.unwrap();
    assert_eq!(overflow, serde_json::Value::Bool(false), "the inspection form fits a 360 px screen");
    screenshot(&phone, "inspection-form-phone").await;
    submit(&phone, "/admin/inspect").await;
    let verdict = phone.wait().for_element(Locator::Css(".verdict")).await.unwrap().text().await.unwrap();
    assert!(verdict.contains("发现问题 2"), "{verdict}");
    let page = phone.source().await.unwrap();
    assert!(page.contains("持假证") && page.contains("无证上岗") && !page.contains("110105194912310021"), "{page}");
    screenshot(&phone, "inspection-findings-phone").await;
    // A finding opens a case (立案), which the inspector takes on to the investigation.
    phone.find(Locator::Css("form[action='/admin/cases/open'] button")).await.unwrap().click().await.unwrap();
    phone.wait().for_element(Locator::Css("form select#f-step")).await.expect("the case page");
    assert!(phone.source().await.unwrap().contains("立案"));
    phone.find(Locator::Css("form[action$='/step'] button[type=submit]")).await.unwrap().click().await.unwrap();
    phone.wait().for_element(Locator::Css("ol.timeline")).await.unwrap();
    let mut page = String::new();
    for _ in 0..20 {
        page = phone.source().await.unwrap();
        if page.contains("<strong>调查</strong>") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(page.contains("<strong>调查</strong>"), "{page}");
    screenshot(&phone, "case-phone").await;
    // Sent: the draft is gone.
    phone.goto(&app.url("/admin/inspect")).await.unwrap();
    phone.wait().for_element(Locator::Id("f-w1_name")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(value_of(&phone, "f-w1_name").await, "");
    phone.close().await.unwrap();

    // An employer at a desk uploads the roster file and gets the answers and the receipt.
    let roster = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    std::fs::write(roster.path(), "证号,姓名,操作项目\nT11010519491231002X,王芳,2.1\nT11010519491231002X,李四,\n")
        .unwrap();
    let desk = browser(&driver_url, 1280, 900).await;
    log_in(&desk, &app, "employer").await;
    desk.goto(&app.url("/admin/roster")).await.unwrap();
    desk.find(Locator::Id("file")).await.unwrap().send_keys(&roster.path().display().to_string()).await.unwrap();
    fill(&desk, "employer", "91350100M000100Y43").await;
    submit(&desk, "/admin/roster").await;
    desk.wait().for_element(Locator::Css("div.stats")).await.expect("the roster's answers");
    let page = desk.source().await.unwrap();
    assert!(page.contains("人证不符") && page.contains("receipt.txt"), "{page}");
    screenshot(&desk, "roster-results").await;
    desk.close().await.unwrap();
}
