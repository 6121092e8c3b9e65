//! A real server on a free port with a fresh SQLite database, and typed helpers to talk to it.

#![allow(dead_code)]

use certguard_access::{AdminGrant, Role};
use certguard_app::accounts::NewAccount;
use certguard_app::credentials::Credentials;
use certguard_app::{Accounts, Clock, FixedClock, Registry};
use certguard_registry::Catalogue;
use certguard_store::{Authority, Store};
use certguard_web::{AppState, WebConfig};
use chrono::{TimeZone, Utc};
use std::net::SocketAddr;
use std::sync::Arc;

pub const PASSWORD: &str = "test-password-2024";
pub const METRICS_TOKEN: &str = "test-metrics-token-0123456789";

pub struct TestApp {
    pub base: String,
    pub registry: Registry,
    pub accounts: Accounts,
    pub clock: Arc<FixedClock>,
    pub credentials: Arc<Credentials>,
    _dir: tempfile::TempDir,
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// The CSRF token a page rendered into its forms.
pub fn csrf_of(html: &str) -> String {
    let i = html.find("name=\"csrf\" value=\"").expect("a form with a CSRF token") + 19;
    html[i..i + 64].to_string()
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(WebConfig { lookup_per_minute: 100_000, ..WebConfig::default() }).await
    }

    pub async fn spawn_with(mut config: WebConfig) -> TestApp {
        config.metrics_token.get_or_insert_with(|| METRICS_TOKEN.to_string());
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> =
            Arc::new(certguard_store_sqlite::SqliteStore::open(&dir.path().join("t.db")).unwrap());
        let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2024, 6, 15, 2, 0, 0).unwrap()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let credentials = Arc::new(Credentials::new(dir.path(), &format!("http://{addr}")));
        // The transparency log with its sequencer, as `certguard serve` runs it.
        let log = Arc::new(
            certguard_app::translog::TransLog::open(
                store.clone(),
                &dir.path().join("keys"),
                "test.example/certificates/v1",
            )
            .unwrap(),
        );
        tokio::spawn(log.clone().run(std::time::Duration::from_millis(50)));
        let registry = Registry::new(store.clone(), Catalogue::builtin(), clock.clone())
            .await
            .unwrap()
            .with_credentials(credentials.clone())
            .with_receipt_signer(
                certguard_app::translog::key::load_or_create_named(
                    &dir.path().join("keys"),
                    "receipt",
                    "test.example/roster-receipts/v1",
                )
                .unwrap(),
            )
            .with_log(log);
        for (code, zh) in [("CN-320500", "苏州市应急管理局"), ("CN-110000", "北京市应急管理局")] {
            registry
                .put_authority(Authority {
                    code: code.parse().unwrap(),
                    name_zh: zh.into(),
                    name_en: format!("{code} bureau"),
                    region: "x".into(),
                })
                .await
                .unwrap();
        }
        let names: Vec<_> = registry.store_authorities_cached().into_iter().map(|(c, (zh, _))| (c, zh)).collect();
        // The fixed clock stands in 2024; the trust list must be valid then.
        credentials.demo_trust_setup(&names, clock.now().timestamp()).unwrap();
        let accounts = Accounts::new(store, clock.clone(), chrono::Duration::hours(8));
        let admin = AdminGrant::local_operator("test");
        for (u, role, auth) in [
            ("admin", Role::Admin, None),
            ("clerk", Role::Issuer, Some("CN-320500")),
            ("beijing", Role::Issuer, Some("CN-110000")),
            ("inspector", Role::Inspector, None),
            ("employer", Role::Employer, None),
            ("analyst", Role::Analyst, None),
            ("centre-3201", Role::ExamCentre, None),
        ] {
            accounts
                .create_user(
                    &admin,
                    NewAccount {
                        username: u.into(),
                        display_name: u.into(),
                        password: PASSWORD.into(),
                        role,
                        authority: auth.map(|a| a.parse().unwrap()),
                    },
                    None,
                )
                .await
                .unwrap();
        }
        // The employer account speaks for its unit.
        certguard_app::roster::bind_employer(&registry, &admin, "employer", "91350100M000100Y43").await.unwrap();
        let state = AppState::new(registry.clone(), accounts.clone(), config);
        let app = certguard_web::router(state).into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        TestApp { base: format!("http://{addr}"), registry, accounts, clock, credentials, _dir: dir }
    }

    /// The Prometheus text, as a scraper with the token reads it.
    pub async fn metrics(&self) -> String {
        client().get(self.url("/metrics")).bearer_auth(METRICS_TOKEN).send().await.unwrap().text().await.unwrap()
    }

    pub fn clock_now(&self) -> chrono::DateTime<Utc> {
        self.clock.now()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A browser-like client logged in as `username`.
    pub async fn login(&self, username: &str) -> reqwest::Client {
        let c = client();
        let page = c.get(self.url("/login")).send().await.unwrap().text().await.unwrap();
        let res = c
            .post(self.url("/login"))
            .form(&[
                ("csrf", csrf_of(&page).as_str()),
                ("username", username),
                ("password", PASSWORD),
                ("next", "/admin"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303, "login as {username}");
        c
    }

    /// A CSRF token valid for `c` (taken from a page it loaded).
    pub async fn csrf(&self, c: &reqwest::Client) -> String {
        csrf_of(&c.get(self.url("/")).send().await.unwrap().text().await.unwrap())
    }

    pub async fn token(&self, username: &str) -> String {
        let user = self.registry.store().user_by_name(username).await.unwrap().unwrap();
        self.accounts.create_api_token(&certguard_app::accounts::principal_of(&user), "test", None).await.unwrap()
    }

    /// Issues a welder certificate for CN-320500 through the API; returns its serial.
    pub async fn issue_via_api(&self, id: &str, name: &str) -> String {
        let token = self.token("clerk").await;
        let res = client()
            .post(self.url("/api/v1/certificates"))
            .bearer_auth(token)
            .json(&serde_json::json!({
                "name": name, "id_number": id, "category": "2", "item": "2.1",
                "valid_from": "2022-03-01", "authority": "CN-320500"
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
        res.json::<serde_json::Value>().await.unwrap()["serial"].as_str().unwrap().to_string()
    }
}
