//! Exam-room events over HTTP: an exam centre's token sends JSON lines, resent events are stored once, bad
//! lines are refused by number, other roles and anonymous callers are refused, an oversized body is refused,
//! and each request is in the audit log.

mod helpers;

use certguard_store::AuditQuery;
use helpers::{TestApp, client, csrf_of};
use serde_json::Value;

fn line(id: &str, kind: &str, extra: &str) -> String {
    format!(r#"{{"v":1,"id":"{id}","session":"S1","at":"2024-06-01T09:00:00Z","kind":"{kind}"{extra}}}"#)
}

async fn post(app: &TestApp, token: Option<&str>, body: String) -> reqwest::Response {
    let mut r = client().post(app.url("/api/v1/exam/events")).header("content-type", "application/x-ndjson").body(body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r.send().await.unwrap()
}

#[tokio::test]
async fn an_exam_centre_sends_events_once_and_bad_lines_are_named() {
    let app = TestApp::spawn().await;
    let token = app.token("centre-3201").await;
    let start = line(
        "e1",
        "session_start",
        r#","candidate":"K1","exam":"E1","centre":"C","room":"R1","seat":"1","terminal":"T1""#,
    );
    let answer = line("e2", "answer", r#","question":"Q1","choice":"A""#);
    let body = format!("{start}\nnot json\n{answer}\n{}\n\n", line("e3", "teleport", ""));
    let res = post(&app, Some(&token), body).await;
    assert_eq!(res.status(), 200);
    let r: Value = res.json().await.unwrap();
    assert_eq!((r["lines"].as_u64(), r["stored"].as_u64(), r["errors"].as_u64()), (Some(5), Some(2), Some(2)), "{r}");
    assert_eq!(r["first_errors"][0][0], 2);
    assert_eq!(r["first_errors"][1][0], 4);
    assert!(r["first_errors"][1][1].as_str().unwrap().contains("teleport"));
    // Resent with one more: the two already stored count once.
    let body = format!("{start}\n{answer}\n{}\n", line("e4", "session_end", ""));
    let r: Value = post(&app, Some(&token), body).await.json().await.unwrap();
    assert_eq!((r["stored"].as_u64(), r["duplicates"].as_u64()), (Some(1), Some(2)), "{r}");
    assert_eq!(app.registry.store().exam_event_count().await.unwrap(), 3);
    // Stored under the centre that sent them, and audited.
    let page = app.registry.store().exam_events_page(0, 10).await.unwrap();
    assert!(page.iter().all(|(_, centre, _)| centre == "centre-3201"));
    let audit = app
        .registry
        .store()
        .audit_log(&AuditQuery { action_prefix: Some("exam.events".into()), limit: 10, ..AuditQuery::default() })
        .await
        .unwrap();
    assert_eq!(audit.len(), 2);
    assert_eq!(audit[0].actor, "centre-3201");

    // Other roles and anonymous callers may not send events; an oversized body is refused unread.
    for user in ["analyst", "inspector", "employer", "clerk"] {
        let t = app.token(user).await;
        assert_eq!(post(&app, Some(&t), answer.clone()).await.status(), 403, "{user}");
    }
    assert_eq!(post(&app, None, answer.clone()).await.status(), 401);
    let huge = format!("{answer}\n").repeat(8 * 1024 * 1024 / answer.len() + 10);
    assert_eq!(post(&app, Some(&token), huge).await.status(), 413);
    assert_eq!(app.registry.store().exam_event_count().await.unwrap(), 3, "nothing stored by refused requests");
}

#[tokio::test]
async fn inspectors_review_flagged_sessions_with_their_timeline() {
    let app = TestApp::spawn().await;
    let token = app.token("centre-3201").await;
    let mut stream = Vec::new();
    certguard_exam::simulate::simulate(
        &certguard_exam::simulate::Plan::new(60, 0.05, 5),
        |e| {
            serde_json::to_writer(&mut stream, e).unwrap();
            stream.push(b'\n');
        },
        |_| {},
    );
    assert!(stream.len() < 8 * 1024 * 1024);
    let r: Value = post(&app, Some(&token), String::from_utf8(stream).unwrap()).await.json().await.unwrap();
    assert_eq!(r["errors"], 0, "{r}");

    let c = app.login("inspector").await;
    let page = c.get(app.url("/admin/exam")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("考试监测") && page.contains("疑似作弊的会话") && page.contains("待审查"), "{page}");
    // The first flagged session's page: findings, the timeline chart, the decision form.
    let link = page.split("/admin/exam/session?id=").nth(1).expect("a flagged session").split('"').next().unwrap();
    let id = link.replace("%3A", ":");
    let page = c.get(app.url(&format!("/admin/exam/session?id={link}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<svg") && page.contains("发现") && page.contains("审查决定"), "{page}");
    let csrf = csrf_of(&page);
    let form = |decision: &str, reason: &str, csrf: &str| {
        vec![("id", id.clone()), ("decision", decision.into()), ("reason", reason.into()), ("csrf", csrf.into())]
    };
    // No reason, no decision; no form token, nothing recorded; then a decision with its reason.
    let res = c.post(app.url("/admin/exam/review")).form(&form("confirmed", " ", &csrf)).send().await.unwrap();
    assert_eq!(res.status(), 422);
    let res = c.post(app.url("/admin/exam/review")).form(&form("confirmed", "远程控制", "bad")).send().await.unwrap();
    assert_eq!(res.status(), 403);
    let res = c
        .post(app.url("/admin/exam/review"))
        .form(&form("confirmed", "远程控制软件，已核实", &csrf))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success() || res.status().is_redirection(), "{}", res.status());
    let page = c.get(app.url(&format!("/admin/exam/session?id={link}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("已确认作弊") && page.contains("远程控制软件，已核实"), "{page}");
    let audit = app
        .registry
        .store()
        .audit_log(&AuditQuery { action_prefix: Some("exam.review.".into()), limit: 10, ..AuditQuery::default() })
        .await
        .unwrap();
    assert_eq!((audit.len(), audit[0].actor.as_str(), audit[0].target.as_str()), (1, "inspector", id.as_str()));

    // The confirmed session's evidence, for the case file: its events exactly as sent, with their hash.
    assert!(page.contains("/admin/exam/evidence?id="), "{page}");
    let res = c.get(app.url(&format!("/admin/exam/evidence?id={link}"))).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let evidence: Value = res.json().await.unwrap();
    let events = evidence["events"].as_str().unwrap();
    assert_eq!(
        evidence["events_sha256"].as_str(),
        Some(certguard_casework::receipt::sha256_hex(events.as_bytes()).as_str())
    );
    assert_eq!(evidence["report"]["session"].as_str(), Some(id.as_str()));
    assert!(evidence["report"]["flagged"].as_bool().unwrap());
    assert_eq!(evidence["reviews"][0]["decision"], "confirmed");
    // The candidate's certificate is refused; another candidate's is issued.
    let candidate = evidence["report"]["candidate"].as_str().unwrap().to_string();
    let issue = |id_number: &str, name: &str, candidate: &str| {
        serde_json::json!({"name": name, "id_number": id_number, "category": "2", "item": "2.1",
            "valid_from": "2024-06-01", "authority": "CN-320500", "exam_candidate": candidate})
    };
    let clerk = app.token("clerk").await;
    let res = client()
        .post(app.url("/api/v1/certificates"))
        .bearer_auth(&clerk)
        .json(&issue("11010519491231002X", "王芳", &candidate))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    assert!(res.text().await.unwrap().contains("作弊"));
    let res = client()
        .post(app.url("/api/v1/certificates"))
        .bearer_auth(&clerk)
        .json(&issue("11010519491231002X", "王芳", "someone-else"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    // Cleared on a second look: no evidence to export any more, and the candidate may be certified.
    let res = c.post(app.url("/admin/exam/review")).form(&form("cleared", "复核后排除", &csrf)).send().await.unwrap();
    assert!(res.status().is_success() || res.status().is_redirection());
    assert_eq!(c.get(app.url(&format!("/admin/exam/evidence?id={link}"))).send().await.unwrap().status(), 422);
    let res = client()
        .post(app.url("/api/v1/certificates"))
        .bearer_auth(&clerk)
        .json(&issue("440524188001010014", "李强", &candidate))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);

    // Analysts and employers do not review exams.
    for user in ["analyst", "employer"] {
        let c = app.login(user).await;
        assert_eq!(c.get(app.url("/admin/exam")).send().await.unwrap().status(), 403, "{user}");
    }
}
