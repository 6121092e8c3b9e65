//! Leads over real HTTP: the ad feed, the analyst's list, detail, workflow and exports, and who may do what.

mod helpers;

use helpers::{TestApp, client, csrf_of};
use serde_json::{Value, json};

const AD: &str = "电工证焊工证免考包过，全国联网可查，3天出证，微信 zhengshu_88 电话 138 0013 8000";
const AD2: &str = "特种作业操作证不用到场考试，只需身份证照片，官网可查，加V：zhengshu_88";
const WARNING: &str = "【提醒】网上所谓“免考包过、可查可验”的电工证都是假证，请通过应急管理部官网查询。";

async fn post_ads(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    client().post(app.url("/api/v1/ads")).bearer_auth(token).json(&body).send().await.unwrap()
}

#[tokio::test]
async fn ads_become_linked_leads_that_analysts_confirm_report_and_export() {
    let app = TestApp::spawn().await;
    let token = app.token("analyst").await;

    // The feed: a flagged ad, a warning, a bad item and the second ad of the same seller.
    let res = post_ads(
        &app,
        &token,
        json!([
            {"text": AD, "source": "tieba", "url": "https://yjgl-zscx.top/buy?id=9", "region": "32"},
            {"text": WARNING, "source": "news"},
            {"txt": "no text field"},
            {"text": AD2, "source": "wechat-group"}
        ]),
    )
    .await;
    assert_eq!(res.status(), 200);
    let out: Vec<Value> = res.json().await.unwrap();
    let results: Vec<&str> = out.iter().map(|o| o["result"].as_str().unwrap()).collect();
    assert_eq!(results, ["lead", "clean", "error", "lead"]);
    assert!(out[2]["error"].as_str().unwrap().contains("text"), "{:?}", out[2]);
    let ad_id = out[0]["lead_id"].as_i64().unwrap();
    // The same ad again updates its lead.
    let again: Vec<Value> = post_ads(&app, &token, json!({"text": AD})).await.json().await.unwrap();
    assert_eq!((again[0]["lead_id"].as_i64(), again[0]["created"].as_bool()), (Some(ad_id), Some(false)));

    // The seller's WeChat is one lead, linked to both ads.
    let list: Value = client()
        .get(app.url("/api/v1/leads?kind=contact"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let items = list["items"].as_array().unwrap();
    let wechat = items.iter().find(|l| l["key"] == "wechat:zhengshu_88").expect("the WeChat lead");
    assert!(items.iter().any(|l| l["key"] == "mobile:13800138000"));
    let wechat_id = wechat["id"].as_i64().unwrap();
    let detail: Value = client()
        .get(app.url(&format!("/api/v1/leads/{wechat_id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(detail["linked"].as_array().unwrap().len(), 2, "{detail:#}");
    assert_eq!(
        list["counts"]["new"].as_i64().unwrap(),
        list["counts"].as_object().unwrap().values().map(|v| v.as_i64().unwrap()).sum::<i64>()
    );

    // The analyst's pages: the list with its counters, the detail with evidence and links.
    let c = app.login("analyst").await;
    let page = c.get(app.url("/admin/leads")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("线索研判") && page.contains("待研判") && page.contains("zhengshu_88"), "{page}");
    let page = c.get(app.url(&format!("/admin/leads/{ad_id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<mark") && page.contains("评分依据") && page.contains("关联线索"), "{page}");
    let csrf = csrf_of(&page);

    // A step without a note is refused; a bulk confirm moves both; a step the workflow forbids is refused.
    let form = |ids: &[i64], to: &str, note: &str, csrf: &str| {
        let mut f: Vec<(String, String)> = ids.iter().map(|i| ("ids".to_string(), i.to_string())).collect();
        f.extend([("to".into(), to.into()), ("note".into(), note.into()), ("csrf".into(), csrf.into())]);
        f
    };
    let res = c.post(app.url("/admin/leads/move")).form(&form(&[ad_id], "confirmed", " ", &csrf)).send().await.unwrap();
    assert_eq!(res.status(), 422);
    let res = c
        .post(app.url("/admin/leads/move"))
        .form(&form(&[ad_id, wechat_id], "confirmed", "卖家在多条广告出现", &csrf))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success() || res.status().is_redirection(), "{}", res.status());
    let res =
        c.post(app.url("/admin/leads/move")).form(&form(&[ad_id], "taken_down", "x", &csrf)).send().await.unwrap();
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("只能改为"), "{body}");
    // Without the form's token nothing moves.
    let res =
        c.post(app.url("/admin/leads/move")).form(&form(&[ad_id], "reported", "x", "forged")).send().await.unwrap();
    assert_eq!(res.status(), 403);
    // Over the API: report the WeChat.
    let res = client()
        .post(app.url("/api/v1/leads/move"))
        .bearer_auth(&token)
        .json(&json!({"ids": [wechat_id], "to": "reported", "note": "移交公安"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let page = c.get(app.url(&format!("/admin/leads/{wechat_id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("移交公安") && page.contains("卖家在多条广告出现"), "the history shows both steps");
    let audit = app
        .registry
        .store()
        .audit_log(&certguard_store::AuditQuery {
            action_prefix: Some("lead.".into()),
            ..certguard_store::AuditQuery::latest(20)
        })
        .await
        .unwrap();
    assert_eq!(audit.iter().filter(|a| a.action == "lead.confirmed").count(), 2);
    assert!(audit.iter().any(|a| a.action == "lead.reported" && a.actor == "analyst"));

    // Exports: STIX with indicators for the confirmed contact, MISP, CSV; each audited.
    let stix: Value = client()
        .get(app.url("/api/v1/leads/export?format=stix&status=reported"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let objects = stix["objects"].as_array().unwrap();
    assert_eq!(stix["type"], "bundle");
    let patterns: Vec<&str> = objects.iter().filter_map(|o| o["pattern"].as_str()).collect();
    assert_eq!(patterns, ["[user-account:account_type = 'wechat' AND user-account:user_id = 'zhengshu_88']"]);
    let res = c.get(app.url("/admin/leads/export?format=csv")).send().await.unwrap();
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains(".csv"));
    let csv = res.text().await.unwrap();
    assert!(csv.contains("mobile:13800138000") && csv.contains("已报送处置"));
    let misp: Value = c.get(app.url("/admin/leads/export?format=misp")).send().await.unwrap().json().await.unwrap();
    let values: Vec<&str> =
        misp["Event"]["Attribute"].as_array().unwrap().iter().filter_map(|a| a["value"].as_str()).collect();
    assert!(values.contains(&"+8613800138000") && values.contains(&"yjgl-zscx.top"), "{values:?}");
    let audit = app.registry.store().audit_log(&certguard_store::AuditQuery::latest(50)).await.unwrap();
    assert_eq!(audit.iter().filter(|a| a.action == "lead.export").count(), 3);
}

#[tokio::test]
async fn only_analysts_and_admins_work_on_leads_and_hostile_feeds_are_refused() {
    let app = TestApp::spawn().await;
    // Other roles: forbidden on pages and API, and the feed.
    for user in ["clerk", "inspector", "employer"] {
        let c = app.login(user).await;
        assert_eq!(c.get(app.url("/admin/leads")).send().await.unwrap().status(), 403, "{user}");
        let token = app.token(user).await;
        assert_eq!(post_ads(&app, &token, json!({"text": AD})).await.status(), 403, "{user}");
        let res = client().get(app.url("/api/v1/leads/export?format=stix")).bearer_auth(&token).send().await.unwrap();
        assert_eq!(res.status(), 403, "{user}");
    }
    // Anonymous: no lead is readable.
    assert_eq!(client().get(app.url("/api/v1/leads")).send().await.unwrap().status(), 401);
    let res = client().post(app.url("/api/v1/ads")).json(&json!({"text": AD})).send().await.unwrap();
    assert_eq!(res.status(), 401);

    let token = app.token("analyst").await;
    // Too many ads, too long a text, a body over the limit, not JSON: clear refusals, nothing stored.
    let many: Vec<Value> = (0..501).map(|i| json!({"text": format!("{AD} {i}")})).collect();
    assert_eq!(post_ads(&app, &token, Value::Array(many)).await.status(), 400);
    let long: Vec<Value> = post_ads(&app, &token, json!({"text": "证".repeat(20_001)})).await.json().await.unwrap();
    assert_eq!(long[0]["result"], "error");
    let res = client()
        .post(app.url("/api/v1/ads"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(format!("{{\"text\": \"{}\"}}", "x".repeat(2 * 1024 * 1024)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    let res = client()
        .post(app.url("/api/v1/ads"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(vec![0xff, 0xfe, 0x00])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    // A feed dated in the future is dated now.
    let out: Vec<Value> =
        post_ads(&app, &token, json!({"text": AD, "seen_at": "2099-01-01T00:00:00Z"})).await.json().await.unwrap();
    let id = out[0]["lead_id"].as_i64().unwrap();
    let lead = app.registry.store().lead(id).await.unwrap().unwrap().lead;
    assert_eq!(lead.last_seen, app.clock_now());
    // Filters that are not filters are refused with their field named.
    let res = client().get(app.url("/api/v1/leads?status=pwned")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("status"));
    let res = client().get(app.url("/api/v1/leads/export?format=pdf")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status(), 422);
    // Moving 501 leads at once or a lead that does not exist.
    let ids: Vec<i64> = (1..=501).collect();
    let res = client()
        .post(app.url("/api/v1/leads/move"))
        .bearer_auth(&token)
        .json(&json!({"ids": ids, "to": "confirmed", "note": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let res = client()
        .post(app.url("/api/v1/leads/move"))
        .bearer_auth(&token)
        .json(&json!({"ids": [999_999], "to": "confirmed", "note": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}
